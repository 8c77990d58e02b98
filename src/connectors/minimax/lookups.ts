/**
 * Code lists resolved once per process and kept (ids are per organisation, so everything is
 * resolved by code, never hard-coded; docs/contracts/minimax.md#resources-icsync-uses). Each list costs one call the first time.
 */
import { configurationError } from '../../core/errors.js';
import type { MinimaxClient } from './client.js';
import { TARGET, type MinimaxSettings } from './config.js';
import { toMinimaxDate } from './time.js';
import type { CountryJson, CurrencyJson, Fk, Page, VatRateJson, WarehouseJson } from './wire.js';

export function createLookups(client: MinimaxClient, settings: MinimaxSettings) {
  const memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let p = memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      // A failed load is not kept: the next caller tries again.
      p.catch(() => memo.delete(key));
      memo.set(key, p);
    }
    return p;
  };
  const rows = async <T>(path: string, doing: string, query: Record<string, string | number> = {}): Promise<T[]> =>
    (await client.get<Page<T>>(path, { PageSize: 300, ...query }, { doing }))?.Rows ?? [];

  const organisation = () => once('org', async () => (await client.get<{ Title?: string; Country?: Fk | null }>('', undefined, { doing: 'reading the organisation' })) ?? {});
  const warehouses = () => once('warehouses', async () => new Map((await rows<WarehouseJson>('warehouses', 'reading warehouses')).filter((w) => w.Code).map((w) => [w.Code!, w])));
  const countries = () => once('countries', async () => rows<CountryJson>('countries', 'reading countries'));
  const currencies = () => once('currencies', async () => rows<CurrencyJson>('currencies', 'reading currencies'));
  const vatRates = () =>
    once('vatRates', async () => {
      const country = (await organisation()).Country?.ID;
      return rows<VatRateJson>('vatrates', 'reading VAT rates', { date: toMinimaxDate(new Date(), settings.timeZone), ...(country !== undefined && { countryID: country }) });
    });
  const pricesIncludeVat = () =>
    once('itemSettings', async () => {
      if (settings.orderPrices !== 'items-setting') return settings.orderPrices === 'gross';
      const s = await client.get<{ PricesIncludeVAT?: string }>('items/settings', undefined, { doing: 'reading the item settings' });
      return s?.PricesIncludeVAT !== 'N';
    });

  return {
    organisation,
    warehouses,
    countries,
    currencies,
    vatRates,
    pricesIncludeVat,
    async warehouseId(code: string): Promise<number> {
      const w = (await warehouses()).get(code);
      if (!w) {
        throw configurationError({
          target: TARGET,
          record: { kind: 'setting', key: 'mappings.warehouses' },
          sentence: `Minimax has no warehouse with code "${code}" (mappings.warehouses / mappings.orderWarehouse). Use a code from \`icsync doctor\`.`,
        });
      }
      return w.WarehouseId;
    },
    async currencyId(code: string): Promise<number> {
      const c = (await currencies()).find((x) => x.Code.toUpperCase() === code.toUpperCase());
      if (!c) throw configurationError({ target: TARGET, record: { kind: 'setting', key: 'mappings.currency' }, sentence: `Minimax has no currency ${code} (mappings.currency).` });
      return c.CurrencyId;
    },
    async countryId(code: string): Promise<number | undefined> {
      return (await countries()).find((x) => x.Code.toUpperCase() === code.toUpperCase())?.CountryId;
    },
    async countryCode(id: number | undefined): Promise<string | undefined> {
      if (id === undefined) return undefined;
      return (await countries()).find((x) => x.CountryId === id)?.Code;
    },
    async vatById(id: number | undefined): Promise<VatRateJson | undefined> {
      if (id === undefined) return undefined;
      return (await vatRates()).find((r) => r.VatRateId === id);
    },
    async vatByCode(code: string): Promise<VatRateJson | undefined> {
      return (await vatRates()).find((r) => r.Code.toUpperCase() === code.toUpperCase());
    },
  };
}

export type Lookups = ReturnType<typeof createLookups>;
