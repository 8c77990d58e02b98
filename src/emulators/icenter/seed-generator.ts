/**
 * Deterministic seed generator: N items with Slovene names (č, š, ž), EAN-13 codes, VAT rates,
 * several warehouses and price lists, and customers (companies with VAT ids, private persons).
 * The same options always give the same seed. 100,000 items take well under a second.
 */
import type { IcenterSeed, ItemSeed, OrganisationSeed, SeedRow } from './seed.js';

export interface SeedGeneratorOptions {
  /** PRNG seed; the same number gives the same data. */
  seed?: number;
  items?: number;
  customers?: number;
  /** Organisation ids; the first gets `items`, the others a tenth of it (at least 5). */
  organisations?: number[];
}

/** mulberry32: small, fast and good enough for test data. */
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

const NOUNS = ['Čokoladni piškoti', 'Šolski zvezek', 'Žični koš', 'Kuhinjska krpa', 'Ročna svetilka', 'Vrtni škarje',
  'Steklenica za vodo', 'Čajna skodelica', 'Lesena žlica', 'Pisarniški stol', 'Žepni nož', 'Ščetka za čevlje',
  'Čistilo za steklo', 'Mizni prt', 'Kavni mlinček', 'Šivalni komplet', 'Žarnica LED', 'Čevljarska krema',
  'Plišasti medvedek', 'Štedilnik plinski', 'Zložljiv dežnik', 'Nahrbtnik', 'Termovka', 'Ključavnica'];
const ADJECTIVES = ['rdeč', 'moder', 'zelen', 'črn', 'bel', 'rumen', 'siv', 'oranžen', 'vijoličen', 'rjav'];
const SIZES = ['S', 'M', 'L', 'XL', '250 ml', '500 ml', '1 l', '10 kos', '20 kos', 'mini', 'maxi'];
const FIRST = ['Ana', 'Luka', 'Maja', 'Žiga', 'Špela', 'Črt', 'Nataša', 'Matjaž', 'Urška', 'Gašper', 'Živa', 'Tadej'];
const LAST = ['Novak', 'Horvat', 'Kovačič', 'Krajnc', 'Zupančič', 'Potočnik', 'Kos', 'Vidmar', 'Golob', 'Turk', 'Božič', 'Šušteršič'];
const COMPANY = ['Žaga', 'Čebelica', 'Šumi', 'Kovinar', 'Lesnina', 'Tehnika', 'Mlinotest', 'Gozdar', 'Vrtnar', 'Sončnica'];
const CITIES: [string, string][] = [['1000', 'Ljubljana'], ['2000', 'Maribor'], ['3000', 'Celje'], ['4000', 'Kranj'],
  ['6000', 'Koper'], ['8000', 'Novo mesto'], ['9000', 'Murska Sobota'], ['5000', 'Nova Gorica']];
const STREETS = ['Slovenska cesta', 'Tržaška cesta', 'Šmartinska cesta', 'Čopova ulica', 'Dunajska cesta', 'Žabja vas'];

export const VAT_RATES: SeedRow[] = [
  { VATRateId: '00', VATRateDescription: 'Oproščeno', VATRatePercent: '0.00', VATRateType: 'O', VATRateTypeDescription: 'Oproščen promet', VATRateValidityFrom: '2002-01-01T00:00:00', Active: true, InsUpdDate: '2020-01-01T00:00:00' },
  { VATRateId: '01', VATRateDescription: 'Znižana stopnja 9,5 %', VATRatePercent: '9.50', VATRateType: 'N', VATRateTypeDescription: 'Nižja stopnja', VATRateValidityFrom: '2013-07-01T00:00:00', Active: true, InsUpdDate: '2020-01-01T00:00:00' },
  { VATRateId: '02', VATRateDescription: 'Splošna stopnja 22 %', VATRatePercent: '22.00', VATRateType: 'S', VATRateTypeDescription: 'Splošna stopnja', VATRateValidityFrom: '2013-07-01T00:00:00', Active: true, InsUpdDate: '2020-01-01T00:00:00' },
  { VATRateId: '05', VATRateDescription: 'Posebna stopnja 5 %', VATRatePercent: '5.00', VATRateType: 'P', VATRateTypeDescription: 'Posebna nižja stopnja', VATRateValidityFrom: '2020-01-01T00:00:00', Active: true, InsUpdDate: '2020-01-01T00:00:00' },
];

function ean13(body12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body12[i]) * (i % 2 === 0 ? 1 : 3);
  return body12 + String((10 - (sum % 10)) % 10);
}

const money = (cents: number): string => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

function lookups(): Omit<OrganisationSeed, 'id'> {
  const upd = '2024-01-15T08:00:00';
  const wh = (id: string, d: string): SeedRow => ({ WarehouseId: id, WarehouseDescription: d, WarehouseType: 'M', WarehouseGroupId: '01', Active: true, CustomerID: null, FIFORecalculation: false, PlanningExcluded: false, CostCenterID: null, WMSCompentence: false, MITActive: false, MITClassification: null, MITType: null, SeriesManagement: false, InventoryManagement: true, InsUpdDate: upd });
  const pl = (id: string, d: string, vatIncluded: boolean): SeedRow => ({ PriceListId: id, PriceListDescription: d, CurrencyId: '978', ExcludeDiscount: false, LimitedView: false, VatIncluded: vatIncluded, ContractPriceList: false, PriceListValidityFrom: '2024-01-01T00:00:00', PriceListValidityTo: null, Active: true, PriceListCustomerId: null, InsUpdDate: upd, PaymentPeriod: 30, Notes: null });
  const ob = (id: string, d: string, invoiceBook: string): SeedRow => ({ OrderBookID: id, OrderBookDescription: d, OrderBookType: 'VNK', OrderBookTypeDescription: 'Naročila kupcev', InvoiceBookID: invoiceBook, AccountingBookGroupID: null, CostCenterID: null, ShopID: null, WarehouseID: '0000001', Consigment: false, ConsigmentWarehouseID: null, PriceListID: 'MPC', ActionPriceListID: null, InsUpdDate: upd });
  const ib = (id: string, d: string): SeedRow => ({ InvoiceBookID: id, InvoiceBookDescription: d, InvoiceBookType: 'IR', InvoiceBookTypeDescription: 'Izdani računi', InsUpdDate: upd });
  return {
    warehouses: [wh('0000001', 'Centralno skladišče Ljubljana'), wh('0000003', 'Skladišče Maribor'), wh('0000005', 'Trgovina Koper')],
    vatRates: VAT_RATES,
    currencies: [{ CurrencyId: '978', CurrencyDescription: 'Evro', CurrencyCode: 'EUR', Units: 1, InsUpdDate: upd }],
    priceLists: [pl('MPC', 'Maloprodajni cenik', true), pl('VPC', 'Veleprodajni cenik', false)],
    orderBooks: [ob('VNK', 'Naročila kupcev', 'IR'), ob('WEB', 'Spletna naročila', 'IRW')],
    invoiceBooks: [ib('IR', 'Izdani računi'), ib('IRW', 'Izdani računi splet')],
    paymentCodes: [{ PaymentCodeId: '01', PaymentCodeDescription: 'Nakazilo na TRR', InsUpdDate: upd }, { PaymentCodeId: '02', PaymentCodeDescription: 'Plačilna kartica', InsUpdDate: upd }, { PaymentCodeId: '03', PaymentCodeDescription: 'Po povzetju', InsUpdDate: upd }],
    shippingMethods: [{ ShippingMethodId: '01', ShippingMethodDescription: 'Pošta Slovenije', InsUpdDate: upd }, { ShippingMethodId: '02', ShippingMethodDescription: 'Osebni prevzem', InsUpdDate: upd }, { ShippingMethodId: '03', ShippingMethodDescription: 'Dostavna služba', InsUpdDate: upd }],
    itemGroups: ['100', '200', '300', '400'],
    customsTariffs: ['39241000', '48202000', '73239300', '85395000'],
    items: [],
    stock: [],
    prices: [],
    customers: [],
    contacts: [],
  };
}

function organisation(orgId: number, itemCount: number, customerCount: number, rng: () => number): OrganisationSeed {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
  const org: OrganisationSeed = { id: orgId, ...lookups() };
  const items: ItemSeed[] = [];
  const stock: NonNullable<OrganisationSeed['stock']> = [];
  const prices: NonNullable<OrganisationSeed['prices']> = [];
  const groups = org.itemGroups ?? [];
  const tariffs = org.customsTariffs ?? [];
  for (let i = 1; i <= itemCount; i++) {
    const code = `SI.${String(100 + (i % 900)).padStart(3, '0')}.${String(i).padStart(6, '0')}`;
    const noun = pick(NOUNS);
    const title = `${noun} ${pick(ADJECTIVES)} ${pick(SIZES)}`;
    const vat = rng() < 0.8 ? '02' : rng() < 0.7 ? '01' : '05';
    const active = rng() < 0.95 ? 'D' : 'N';
    // Generated goods are all meant for the web (WebPublish D); a data set that needs an item kept
    // off the web (the demo's shipping item) adds it. The draw stays so every later value is as before.
    const group = pick(groups);
    rng();
    items.push({
      ItemID: code,
      ItemTitle1: title,
      ItemTitle2: `Art. ${i}`,
      GeneralData: {
        ItemTitleShort: noun.slice(0, 20), ItemType: 'B', ItemUnitOfMeas: 'kom', VATRateID: vat, VATRefund: false,
        ItemGroup: group, WebPublish: 'D', ItemFirstPublished: null,
        ItemSearchName: title.toUpperCase(), CustomsTariffNo: pick(tariffs),
        ItemEANCode: ean13(`383${String(orgId).padStart(2, '0')}${String(i).padStart(7, '0')}`),
      },
      SalesData: { MinSalesPrice: '0.00', IsActive: active, ItemStatus: active === 'D' ? 'A' : 'N' },
      StockData: { ItemHasSeries: 'N', SupplierID: null, ManufacturerID: null },
      PropertiesData: {
        ItemWeightPerUnit: `${Math.floor(rng() * 5)}.${String(Math.floor(rng() * 1000)).padStart(3, '0')}`,
        ItemGrossWeight: null, ItemCountryOfOrigin: pick(['SI', 'SI', 'DE', 'IT', 'AT', 'CN']),
        ItemLength: null, ItemWidth: null, ItemHeight: null, ItemDimensionUOM: null,
      },
      Descriptions: [{ DescriptionType: 'K', LanguageID: 'SI', ItemDescription: `${title}: kakovosten izdelek, primeren za vsakdanjo rabo.` }],
    });
    const cents = 99 + Math.floor(rng() * 20000);
    const vatFactor = vat === '02' ? 122 : vat === '01' ? 109.5 : 105;
    prices.push({ priceListId: 'VPC', itemId: code, price: money(cents) });
    prices.push({ priceListId: 'MPC', itemId: code, price: money(Math.round((cents * vatFactor) / 100)) });
    for (const wh of ['0000001', '0000003', '0000005']) {
      const r = rng();
      if (r < 0.15) continue;
      stock.push({ warehouseId: wh, itemId: code, qty: r < 0.25 ? '0.000' : `${Math.floor(rng() * 200)}.000` });
    }
  }
  const customers: SeedRow[] = [];
  const contacts: SeedRow[] = [];
  for (let i = 1; i <= customerCount; i++) {
    const code = String(1000 + i).padStart(7, '0');
    const [zip, city] = pick(CITIES);
    const company = i % 3 !== 0;
    const first = pick(FIRST);
    const last = pick(LAST);
    const taxDigits = String(10000000 + Math.floor(rng() * 89999999));
    const name = company ? `${pick(COMPANY)} ${last} d.o.o.` : `${first} ${last}`;
    customers.push({
      Code: code, Name: name, Address: `${pick(STREETS)} ${1 + Math.floor(rng() * 120)}`, Country: 'SI',
      PostalCode: zip, City: city, RegistrationNumber: company ? `${taxDigits}000` : null,
      SubjectToVAT: company ? '1' : '0', TaxNumber: company ? `SI${taxDigits}` : null, ExpirationDays: 30,
      RebatePercent: '0.00', Currency: '978', PriceList: company ? 'VPC' : 'MPC', CustomerType: 'O',
      EntityType: company ? 'P' : 'F', Name1: name, CustomerStatus: true, FullName: name, ExternalID: null,
    });
    contacts.push({
      CustomerID: code, ContactTypeID: '01', ContactInTypeID: 1, ContactDescription: null, ContactEntitle: null,
      ContactFirstName: first, ContactLastName: last, ContactGender: null, ContactPhoneNo: null, ContactFaxNo: null,
      ContactMobileNo: `+38641${String(100000 + i).slice(-6)}`, ContactEMail: `${ascii(first)}.${ascii(last)}${i}@example.si`.toLowerCase(),
      ContactClerkID: null, ContactNote: null, Default: true, ContactActive: true,
    });
  }
  return { ...org, items, stock, prices, customers, contacts };
}

function ascii(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z]/g, '');
}

export function generateIcenterSeed(options: SeedGeneratorOptions = {}): IcenterSeed {
  const rng = makeRng(options.seed ?? 1);
  const itemCount = options.items ?? 200;
  const customerCount = options.customers ?? 30;
  const orgIds = options.organisations ?? [1];
  return {
    organisations: orgIds.map((id, i) =>
      i === 0 ? organisation(id, itemCount, customerCount, rng) : organisation(id, Math.max(5, Math.floor(itemCount / 10)), Math.max(3, Math.floor(customerCount / 10)), rng),
    ),
  };
}

/** The `--seed demo` data set: two organisations, 200 + 20 items. */
export function demoSeed(): IcenterSeed {
  return generateIcenterSeed({ seed: 20260901, items: 200, customers: 30, organisations: [1, 2] });
}
