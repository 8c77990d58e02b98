/**
 * Seeds: the data an organisation starts with, by code (ids are given out on load, per
 * organisation), and a deterministic generator for tests, the demo and benchmarks.
 * Code lists (countries, currencies, VAT rates by date, payment methods, report templates,
 * document numbering) are the same for every organisation but get their own ids (DOC: ids
 * are per organisation and instance; resolve by code).
 */
import { dec, type Decimal } from '../../core/decimal.js';
import { makeStampClock, makeRowVersions, newId, type EmulatorState, type OrgState } from './model.js';

export interface ItemSeed { Code: string; Name: string; EANCode?: string | null; VatRate: string; Price: string; Usage?: 'D' | 'N'; UnitOfMeasurement?: string; MassPerUnit?: string | null; Description?: string | null }
export interface CustomerSeed { Code: string; Name: string; Address?: string; PostalCode?: string; City?: string; Country?: string; TaxNumber?: string | null; VATIdentificationNumber?: string | null; SubjectToVAT?: 'D' | 'M' | 'N'; Email?: string | null }
export interface OrganisationSeed {
  id: number;
  title?: string;
  warehouses: { Code: string; Name: string }[];
  items: ItemSeed[];
  stock: { warehouse: string; item: string; qty: string }[];
  customers: CustomerSeed[];
}
export interface MinimaxSeed { organisations: OrganisationSeed[] }

const COUNTRIES: [string, string, string][] = [['SI', 'Slovenija', 'EUR'], ['HR', 'Hrvaška', 'EUR'], ['AT', 'Avstrija', 'EUR'], ['DE', 'Nemčija', 'EUR'], ['IT', 'Italija', 'EUR'], ['RS', 'Srbija', 'RSD'], ['US', 'Združene države Amerike', 'USD']];
const CURRENCIES: [string, string][] = [['EUR', 'Evro'], ['USD', 'Ameriški dolar'], ['RSD', 'Srbski dinar'], ['CZK', 'Češka krona']];
/** SI rates (DOC codes: S standard, Z reduced, P flat, O exempt); the standard rate changed in 2013, so rates depend on the date. */
const SI_VAT: [string, string, string, string | null][] = [
  ['S', '20', '2002-01-01', '2013-06-30'], ['S', '22', '2013-07-01', null],
  ['Z', '8.5', '2002-01-01', '2013-06-30'], ['Z', '9.5', '2013-07-01', null],
  ['P', '5', '2020-01-01', null], ['O', '0', '2002-01-01', null],
];

/** Seeded records were made before icsync started: an hour back, as a business's data would be. */
const SEED_AGE_MS = 3_600_000;

export function stateFromSeed(seed: MinimaxSeed, stamp = makeStampClock(), rowVersion = makeRowVersions()): EmulatorState {
  // Thousands of seeded records stamped one millisecond apart would otherwise run the strictly
  // increasing clock seconds ahead of the wall clock, and look changed after a later cut-off.
  const state: EmulatorState = { orgs: new Map(), stamp: makeStampClock(() => Date.now() - SEED_AGE_MS), rowVersion };
  seed.organisations.forEach((o, index) => state.orgs.set(o.id, orgFromSeed(state, o, 1000 + index * 7919)));
  state.stamp = stamp;
  return state;
}

function orgFromSeed(state: EmulatorState, seed: OrganisationSeed, base: number): OrgState {
  const org: OrgState = {
    id: seed.id, title: seed.title ?? `Podjetje ${seed.id} d.o.o.`, taxNumber: `SI${String(10_000_000 + seed.id * 1234567).slice(-8)}`, homeCountryId: 0,
    nextId: base, countries: [], currencies: [], vatRates: [], paymentMethods: [], reportTemplates: [], documentNumbering: [],
    warehouses: new Map(), items: new Map(), stock: new Map(), customers: new Map(), contacts: new Map(), orders: new Map(),
    invoices: new Map(), documents: new Map(), calls: [],
  };
  for (const [code, name] of CURRENCIES) org.currencies.push({ CurrencyId: newId(org), Code: code, Name: name });
  const currencyId = (code: string): number => org.currencies.find((c) => c.Code === code)!.CurrencyId;
  for (const [code, name, cur] of COUNTRIES) org.countries.push({ CountryId: newId(org), Code: code, Name: name, CurrencyId: currencyId(cur) });
  org.homeCountryId = org.countries[0]!.CountryId;
  for (const [code, percent, from, to] of SI_VAT) {
    org.vatRates.push({ VatRateId: newId(org), Code: code, Percent: dec(percent), VatRatePercentageId: newId(org), CountryId: org.homeCountryId, validFrom: from, validTo: to });
  }
  org.paymentMethods = [['Transakcijski račun', 'T', 'D'], ['Gotovina', 'G', 'N'], ['Kartica', 'K', 'N'], ['PayPal', 'D', 'N']]
    .map(([name, type, def]) => ({ PaymentMethodId: newId(org), Name: name!, Type: type!, Usage: 'D', Default: def! }));
  org.reportTemplates = [['Račun', 'IR', 'D'], ['Predračun', 'PR', 'D'], ['Dobavnica', 'DO', 'D'], ['Prejeto naročilo', 'PN', 'D'], ['Izdano naročilo', 'IN', 'D']]
    .map(([name, type, def]) => ({ ReportTemplateId: newId(org), Name: name!, DisplayType: type!, Default: def! }));
  org.documentNumbering = [['IR', 'R', 'Računi'], ['PR', 'P', 'Predračuni']].map(([doc, code, name]) => ({ DocumentNumberingId: newId(org), Document: doc!, Code: code!, Name: name!, Default: 'D' }));

  const now = { modified: 0, rowVersion: '' };
  for (const w of seed.warehouses) {
    const id = newId(org);
    org.warehouses.set(id, { WarehouseId: id, Code: w.Code, Name: w.Name, Usage: 'D', ...now, modified: state.stamp(), rowVersion: state.rowVersion() });
  }
  const vatId = (code: string): number => {
    const today = new Date().toISOString().slice(0, 10);
    const rate = org.vatRates.find((r) => r.Code === code && r.validFrom <= today && (r.validTo === null || r.validTo >= today));
    if (!rate) throw new Error(`seed: unknown VAT rate code ${code}`);
    return rate.VatRateId;
  };
  const itemIds = new Map<string, number>();
  for (const i of seed.items) {
    const id = newId(org);
    itemIds.set(i.Code, id);
    org.items.set(id, {
      ItemId: id, Name: i.Name, Code: i.Code, EANCode: i.EANCode ?? null, Description: i.Description ?? null, ItemType: 'B', UnitOfMeasurement: i.UnitOfMeasurement ?? 'kos',
      MassPerUnit: i.MassPerUnit ? dec(i.MassPerUnit) : null, VatRateId: vatId(i.VatRate), Price: dec(i.Price), CurrencyId: currencyId('EUR'), Usage: i.Usage ?? 'D',
      modified: state.stamp(), rowVersion: state.rowVersion(),
    });
  }
  for (const s of seed.stock) {
    const warehouse = [...org.warehouses.values()].find((w) => w.Code === s.warehouse);
    const itemId = itemIds.get(s.item);
    if (!warehouse || itemId === undefined) throw new Error(`seed: stock row for unknown warehouse ${s.warehouse} or item ${s.item}`);
    let rows = org.stock.get(warehouse.WarehouseId);
    if (!rows) org.stock.set(warehouse.WarehouseId, (rows = new Map()));
    rows.set(itemId, dec(s.qty));
  }
  for (const c of seed.customers) {
    const id = newId(org);
    const country = org.countries.find((x) => x.Code === (c.Country ?? 'SI'));
    org.customers.set(id, {
      CustomerId: id, Code: c.Code, Name: c.Name, Address: c.Address ?? null, PostalCode: c.PostalCode ?? null, City: c.City ?? null,
      CountryId: country?.CountryId ?? null, CountryName: null, TaxNumber: c.TaxNumber ?? null, VATIdentificationNumber: c.VATIdentificationNumber ?? null,
      RegistrationNumber: null, SubjectToVAT: c.SubjectToVAT ?? 'N', CurrencyId: currencyId('EUR'), ExpirationDays: 8, RebatePercent: dec('0'),
      EInvoiceIssuing: 'SeNePripravlja', Usage: 'D', modified: state.stamp(), rowVersion: state.rowVersion(),
    });
    if (c.Email) {
      const contactId = newId(org);
      org.contacts.set(contactId, { ContactId: contactId, CustomerId: id, FullName: c.Name, Email: c.Email, PhoneNumber: null, Default: 'D', modified: state.stamp(), rowVersion: state.rowVersion() });
    }
  }
  return org;
}

// ---------------------------------------------------------------------------
// Generator

export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOUNS = ['Čokoladni piškoti', 'Šolski zvezek', 'Žični koš', 'Kuhinjska krpa', 'Ročna svetilka', 'Vrtne škarje', 'Steklenica za vodo',
  'Čajna skodelica', 'Lesena žlica', 'Pisarniški stol', 'Žepni nož', 'Ščetka za čevlje', 'Namizna svetilka', 'Kavna skodelica'];
const ADJECTIVES = ['rdeč', 'moder', 'zelen', 'velik', 'majhen', 'klasičen', 'eko', 'premium'];

export interface MinimaxSeedOptions {
  seed?: number;
  items?: number;
  customers?: number;
  organisations?: number[];
  /** Warehouse codes (default MP, VP, SK). */
  warehouses?: string[];
  /** Share of items inactive (Usage N). Default 0.05. */
  inactiveShare?: number;
}

function ean13(rng: () => number): string {
  const digits = Array.from({ length: 12 }, (_, i) => (i === 0 ? 3 : Math.floor(rng() * 10)));
  const sum = digits.reduce((s, d, i) => s + d * (i % 2 === 0 ? 1 : 3), 0);
  return digits.join('') + String((10 - (sum % 10)) % 10);
}

export function generateMinimaxSeed(options: MinimaxSeedOptions = {}): MinimaxSeed {
  const rng = makeRng(options.seed ?? 1);
  const itemCount = options.items ?? 200;
  const warehouses = options.warehouses ?? ['MP', 'VP', 'SK'];
  const names: Record<string, string> = { MP: 'Maloprodaja', VP: 'Veleprodaja', SK: 'Skladišče Koper' };
  return {
    organisations: (options.organisations ?? [1]).map((id) => {
      const items: ItemSeed[] = [];
      const stock: OrganisationSeed['stock'] = [];
      for (let n = 1; n <= itemCount; n++) {
        const code = `MM-${String(n).padStart(5, '0')}`;
        const price: Decimal = dec((Math.floor(rng() * 20_000) / 100 + 0.5).toFixed(2));
        items.push({
          Code: code,
          Name: `${NOUNS[n % NOUNS.length]} ${ADJECTIVES[Math.floor(rng() * ADJECTIVES.length)]} ${n}`,
          EANCode: ean13(rng),
          VatRate: rng() < 0.8 ? 'S' : 'Z',
          Price: price,
          Usage: rng() < (options.inactiveShare ?? 0.05) ? 'N' : 'D',
          UnitOfMeasurement: 'kos',
          MassPerUnit: (Math.floor(rng() * 5000) / 1000).toFixed(3),
        });
        for (const w of warehouses) if (rng() < 0.7) stock.push({ warehouse: w, item: code, qty: String(Math.floor(rng() * 120)) });
      }
      const customers: CustomerSeed[] = Array.from({ length: options.customers ?? 10 }, (_, i) => {
        const company = i % 2 === 0;
        const vat = company ? `SI${String(10_000_000 + Math.floor(rng() * 89_999_999)).slice(0, 8)}` : null;
        return {
          Code: `K${String(i + 1).padStart(5, '0')}`,
          Name: company ? `Podjetje ${i + 1} d.o.o.` : `Kupec Čebular ${i + 1}`,
          Address: `Slovenska cesta ${i + 1}`, PostalCode: '1000', City: 'Ljubljana', Country: 'SI',
          TaxNumber: vat ? vat.slice(2) : null, VATIdentificationNumber: vat, SubjectToVAT: company ? 'D' : 'N',
          Email: `kupec${i + 1}@example.si`,
        };
      });
      return { id, title: `Trgovina ${id} d.o.o.`, warehouses: warehouses.map((w) => ({ Code: w, Name: names[w] ?? `Skladišče ${w}` })), items, stock, customers };
    }),
  };
}
