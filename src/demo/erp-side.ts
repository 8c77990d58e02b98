/**
 * The ERP half of the demo, for either ERP: start its emulator with the demo's data, give the
 * `erp` section and the code mappings of the config, count what happened in the ERP, and issue
 * invoices as the accountant does. The flows and the shop half are the same for both.
 */
import { icenterAdmin } from './admin.js';
import { icenterConfigPart, type ErpConfigPart } from './config.js';
import { ORGANISATION, WAREHOUSES } from './data.js';
import { startIcenterEmulator, type IcenterSeed } from '../emulators/icenter/index.js';
import { startMinimaxEmulator, type MinimaxEmulator, type MinimaxSeed } from '../emulators/minimax/index.js';

export type DemoErp = 'icenter' | 'minimax';

export interface ErpSide extends ErpConfigPart {
  label: string;
  baseUrl: string;
  orderReferences(): Promise<string[]>;
  customers(): Promise<number>;
  invoices(): Promise<number>;
  /** The accountant invoices the order with this ERP key. */
  issueInvoice(erpKey: string): Promise<void>;
  /** Calls used of the day's budget, for an ERP that has one. */
  budget?(): { used: number; limit: number };
  close(): Promise<void>;
}

export async function startIcenterSide(seed: IcenterSeed): Promise<ErpSide> {
  const icenter = await startIcenterEmulator({ seed });
  return {
    label: 'iCenter',
    baseUrl: icenter.baseUrl,
    ...icenterConfigPart(icenter),
    orderReferences: async () => (await icenterAdmin<{ orderReference: string | null }[]>(icenter, 'GET', `/orders?organisation=${ORGANISATION}`)).map((o) => o.orderReference ?? ''),
    customers: async () => (await icenterAdmin<unknown[]>(icenter, 'GET', `/customers?organisation=${ORGANISATION}`)).length,
    invoices: async () => (await icenterAdmin<unknown[]>(icenter, 'GET', `/invoices?organisation=${ORGANISATION}`)).length,
    async issueInvoice(erpKey) {
      const [year, book, number] = erpKey.split('/');
      await icenterAdmin(icenter, 'POST', '/invoices', { organisation: ORGANISATION, orderYear: Number(year), orderBook: book, orderNumber: Number(number) });
    },
    close: () => icenter.close(),
  };
}

/** Minimax VAT codes (S standard, Z reduced, P the 5 % rate, O exempt) for the iCenter codes of the demo data. */
const MINIMAX_VAT: Record<string, string> = { '02': 'S', '01': 'Z', '05': 'P', '00': 'O' };

/** The demo's iCenter data as Minimax holds it: same SKUs, gross prices (MPC), warehouses, stock and customers. */
export function minimaxSeedFrom(seed: IcenterSeed): MinimaxSeed {
  const org = seed.organisations[0]!;
  const gross = new Map((org.prices ?? []).filter((p) => p.priceListId === 'MPC').map((p) => [String(p.itemId), String(p.price)]));
  const emails = new Map((org.contacts ?? []).map((c) => [String((c as Record<string, unknown>).CustomerID ?? ''), String((c as Record<string, unknown>).ContactEMail ?? '')]));
  return {
    organisations: [{
      id: ORGANISATION,
      title: 'Demo trgovina d.o.o.',
      warehouses: Object.keys(WAREHOUSES).map((code) => ({ Code: code, Name: `Skladišče ${code}` })),
      items: (org.items ?? []).filter((i) => gross.has(String(i.ItemID))).map((i) => ({
        Code: String(i.ItemID),
        Name: String(i.ItemTitle1),
        EANCode: i.GeneralData?.ItemEANCode ? String(i.GeneralData.ItemEANCode) : null,
        VatRate: MINIMAX_VAT[String(i.GeneralData?.VATRateID)] ?? 'S',
        Price: gross.get(String(i.ItemID))!,
        Usage: i.SalesData?.IsActive === 'N' ? 'N' as const : 'D' as const,
      })),
      stock: (org.stock ?? []).filter((s) => gross.has(String(s.itemId)) && WAREHOUSES[String(s.warehouseId)]).map((s) => ({ warehouse: String(s.warehouseId), item: String(s.itemId), qty: String(s.qty) })),
      customers: (org.customers ?? []).map((c) => {
        const r = c as Record<string, unknown>;
        const vat = r.TaxNumber ? String(r.TaxNumber) : null;
        return {
          Code: String(r.Code).slice(0, 10), Name: String(r.Name ?? r.Code), Address: String(r.Address ?? ''), PostalCode: String(r.PostalCode ?? ''), City: String(r.City ?? ''), Country: 'SI',
          TaxNumber: vat ? vat.replace(/^SI/i, '') : null, VATIdentificationNumber: vat, SubjectToVAT: vat ? 'D' as const : 'N' as const, Email: emails.get(String(r.Code)) || null,
        };
      }),
    }],
  };
}

export async function startMinimaxSide(seed: IcenterSeed): Promise<ErpSide & { emulator: MinimaxEmulator }> {
  const emulator = await startMinimaxEmulator({ seed: minimaxSeedFrom(seed) });
  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${emulator.adminUrl}${path}`, { method, ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
    const text = await res.text();
    if (!res.ok) throw new Error(`Minimax emulator admin ${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const c = emulator.credentials;
  return {
    emulator,
    label: 'Minimax',
    baseUrl: emulator.baseUrl,
    config: { type: 'minimax', minimax: { baseUrl: emulator.baseUrl, clientId: c.clientId, clientSecret: c.clientSecret, username: c.username, password: c.password, organisationId: ORGANISATION } },
    mappings: {
      // Minimax has no order books: shop orders are received orders (P). Orders carry no payment or shipping method.
      orderBook: 'P',
      vatRates: { '22': 'S', '9.5': 'Z', '5': 'P', '0': 'O' },
      taxClasses: { S: 2, Z: 5, P: 6 },
    },
    flows: { priceList: 'item' },
    orderReferences: async () => (await admin<{ reference: string | null }[]>('GET', `/orders?organisation=${ORGANISATION}`)).map((o) => o.reference ?? ''),
    customers: async () => (await admin<unknown[]>('GET', `/customers?organisation=${ORGANISATION}`)).length,
    invoices: async () => (await admin<unknown[]>('GET', `/invoices?organisation=${ORGANISATION}`)).length,
    async issueInvoice(erpKey) {
      await admin('POST', '/invoices', { organisation: ORGANISATION, orderId: Number(erpKey) });
    },
    budget: () => ({ used: emulator.callsUsed(ORGANISATION), limit: emulator.settings().callLimit }),
    close: () => emulator.close(),
  };
}
