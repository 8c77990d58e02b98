/**
 * Seed data: a deterministic Slovene shop (products with č/š/ž, MSI source items per warehouse,
 * customers incl. companies with VAT ids, orders of every line kind), Adobe's real sample
 * JSON, or a JSON file / object. Products are written straight into the state so 100 000 of
 * them take well under a second or two.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dec, round, mul, type Decimal } from '../../core/decimal.js';
import { saveProduct } from './catalog.js';
import { putSourceItem, saveSourceItems } from './inventory.js';
import type { StoreView } from './options.js';
import { buildPlaceOrder, type OrderLineSpec, type PlaceOrderSpec } from './order-builder.js';
import { placeOrder } from './sales.js';
import { nextId, type EmulatorState, type Json } from './state.js';
import { magentoDate, seededRng } from './util.js';

export interface GeneratorOptions {
  products?: number;
  customers?: number;
  orders?: number;
  seed?: number;
  skuPrefix?: string;
  /** Source codes to give every product a source item on (default: all configured sources). */
  sourceCodes?: string[];
}

export interface SeedData {
  products?: Json[];
  customers?: Json[];
  orders?: Json[];
  sourceItems?: Json[];
  generate?: GeneratorOptions;
}

export type SeedInput = 'demo' | 'samples' | 'none' | string | SeedData;

export const DEMO_SIZE: Required<Pick<GeneratorOptions, 'products' | 'customers' | 'orders'>> = { products: 300, customers: 50, orders: 40 };

const NOUNS = ['Čokolada', 'Šal', 'Žlica', 'Kava', 'Čaj', 'Skodelica', 'Odeja', 'Blazina', 'Košara', 'Svečka', 'Brisača', 'Torbica', 'Škatla', 'Žoga', 'Čevlji', 'Majica', 'Nogavice', 'Rokavice', 'Krožnik', 'Kozarec'];
const ADJECTIVES = ['domača', 'črna', 'bela', 'zelena', 'modra', 'rdeča', 'velika', 'mala', 'ročno izdelana', 'žametna', 'šumeča', 'čudovita', 'lanena', 'volnena', 'keramična'];
const FIRST = ['Janez', 'Mojca', 'Žiga', 'Špela', 'Luka', 'Nina', 'Matej', 'Tjaša', 'Jože', 'Urška', 'Aleš', 'Maša', 'Gašper', 'Živa', 'Primož'];
const LAST = ['Novak', 'Horvat', 'Kovačič', 'Krajnc', 'Zupančič', 'Potočnik', 'Kovač', 'Mlakar', 'Vidmar', 'Golob', 'Turk', 'Kos', 'Božič', 'Žagar', 'Šuštar'];
const CITIES: Array<[string, string]> = [['Ljubljana', '1000'], ['Maribor', '2000'], ['Celje', '3000'], ['Kranj', '4000'], ['Koper', '6000'], ['Novo mesto', '8000'], ['Murska Sobota', '9000']];
const STREETS = ['Slovenska cesta', 'Trubarjeva ulica', 'Čopova ulica', 'Prešernova ulica', 'Cankarjeva cesta', 'Šmartinska cesta', 'Žabjak'];
/** Reduced-rate goods (food, drink) carry 9.5 % VAT in Slovenia; the rest 22 %. */
const REDUCED = new Set(['Čokolada', 'Kava', 'Čaj']);

export interface CatalogEntry {
  sku: string;
  name: string;
  price: Decimal;
  taxPercent: '22' | '9.5';
  productId: number;
}

const pick = <T>(rng: () => number, list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;

/** Simple products plus one source item per source code; returns what orders can reference. */
export function seedProducts(state: EmulatorState, options: GeneratorOptions, websiteIds = [1]): CatalogEntry[] {
  const count = options.products ?? DEMO_SIZE.products;
  const rng = seededRng(options.seed ?? 42);
  const prefix = options.skuPrefix ?? 'ICS-';
  const sources = options.sourceCodes ?? [...state.sources.keys()];
  const stamp = magentoDate(new Date(Date.UTC(2026, 0, 1)));
  const width = Math.max(6, String(count).length);
  const entries: CatalogEntry[] = [];
  for (let i = 1; i <= count; i += 1) {
    const noun = pick(rng, NOUNS);
    const name = `${noun} ${pick(rng, ADJECTIVES)} ${i}`;
    const sku = `${prefix}${String(i).padStart(width, '0')}`;
    const price = round(dec(String(1 + Math.floor(rng() * 19900) / 100)), 2);
    const taxPercent = REDUCED.has(noun) ? '9.5' : '22';
    const id = nextId(state, 'product');
    state.products.set(id, {
      id, sku, typeId: 'simple', attributeSetId: 4,
      values: new Map([[0, { name, price: Number(price), status: 1, visibility: 4, weight: 1, tax_class_id: taxPercent === '22' ? '2' : '5', url_key: `${sku.toLowerCase()}` }]]),
      websiteIds, categoryLinks: undefined, mediaGallery: [], productLinks: [], options: [], tierPrices: [], stockConfig: {},
      createdAt: stamp, updatedAt: stamp,
    });
    state.productBySku.set(sku.toLowerCase(), id);
    for (const sourceCode of sources) {
      putSourceItem(state, { sku, sourceCode, quantity: dec(String(Math.floor(rng() * 200))), status: 1 });
    }
    entries.push({ sku, name, price, taxPercent, productId: id });
  }
  return entries;
}

export function seedCustomers(state: EmulatorState, count: number, seed = 7): Json[] {
  const rng = seededRng(seed);
  const created: Json[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = nextId(state, 'customer');
    const firstname = pick(rng, FIRST);
    const lastname = pick(rng, LAST);
    const [city, postcode] = pick(rng, CITIES);
    const isCompany = i % 4 === 0;
    const vatId = isCompany ? `SI${String(10000000 + Math.floor(rng() * 89999999))}` : undefined;
    const addressId = nextId(state, 'address');
    const stamp = magentoDate(new Date(Date.UTC(2025, 5, 1) + i * 3600_000));
    const email = `${ascii(firstname)}.${ascii(lastname)}${id}@example.si`;
    const customer: Json = {
      id, group_id: isCompany ? 2 : 1, default_billing: String(addressId), default_shipping: String(addressId), created_at: stamp, updated_at: stamp,
      created_in: 'Default Store View', email, firstname, lastname, ...(vatId ? { taxvat: vatId } : {}), store_id: 1, website_id: 1,
      addresses: [{
        id: addressId, customer_id: id, region: { region_code: null, region: null, region_id: 0 }, region_id: 0, country_id: 'SI',
        street: [`${pick(rng, STREETS)} ${1 + Math.floor(rng() * 80)}`], telephone: `+386 41 ${String(100000 + Math.floor(rng() * 899999))}`,
        postcode, city, firstname, lastname, ...(isCompany ? { company: `${lastname} d.o.o.`, vat_id: vatId } : {}), default_shipping: true, default_billing: true,
      }],
      disable_auto_group_change: 0, extension_attributes: { is_subscribed: false },
    };
    state.customers.set(id, customer);
    created.push(customer);
  }
  return created;
}

function ascii(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** Order specs mixing simple, configurable and bundle lines; guests and customers; 22 % / 9.5 % VAT. */
export function generateOrderSpecs(catalog: CatalogEntry[], customers: Json[], count: number, seed = 99, start = new Date(Date.UTC(2026, 0, 5, 8))): PlaceOrderSpec[] {
  if (catalog.length === 0) throw new Error('generateOrderSpecs needs at least one product');
  const rng = seededRng(seed);
  const specs: PlaceOrderSpec[] = [];
  for (let i = 0; i < count; i += 1) {
    const lines: OrderLineSpec[] = [];
    const lineCount = 1 + Math.floor(rng() * 3);
    for (let l = 0; l < lineCount; l += 1) {
      const product = pick(rng, catalog);
      const qty = 1 + Math.floor(rng() * 3);
      const kind = rng();
      const priced = { sku: product.sku, name: product.name, unitPrice: product.price, taxPercent: product.taxPercent, productId: product.productId };
      if (kind < 0.6) lines.push({ kind: 'simple', qty, ...priced });
      else if (kind < 0.85) lines.push({ kind: 'configurable', qty, ...priced, parentSku: `${product.sku}-CFG`, parentName: product.name.replace(/ \d+$/, '') });
      else {
        const second = pick(rng, catalog);
        lines.push({
          kind: 'bundle', qty: 1, sku: `PAKET-${product.sku}-${second.sku}`, name: `Darilni paket ${product.name.split(' ')[0] ?? ''}`,
          children: [
            { ...priced, qty: 1 },
            { sku: second.sku, name: second.name, unitPrice: second.price, taxPercent: second.taxPercent, productId: second.productId, qty: 1 + Math.floor(rng() * 2) },
          ],
        });
      }
    }
    const guest = customers.length === 0 || rng() < 0.3;
    const createdAt = new Date(start.getTime() + i * 37 * 60_000);
    const payment = pick(rng, ['checkmo', 'banktransfer', 'cashondelivery'] as const);
    const shippingAmount = mul(dec('0.5'), dec(String(5 + Math.floor(rng() * 6))));
    if (guest) {
      const firstname = pick(rng, FIRST);
      const lastname = pick(rng, LAST);
      const [city, postcode] = pick(rng, CITIES);
      const company = rng() < 0.2;
      specs.push({
        lines, email: `${ascii(firstname)}.${ascii(lastname)}.gost${i}@example.si`, createdAt, paymentMethod: payment, shippingAmount,
        billing: { firstname, lastname, city, postcode, street: [`${pick(rng, STREETS)} ${1 + Math.floor(rng() * 80)}`], ...(company ? { company: `${lastname} s.p.`, vatId: `SI${String(10000000 + Math.floor(rng() * 89999999))}` } : {}) },
      });
    } else {
      const customer = pick(rng, customers);
      const address = (customer.addresses as Json[])[0] as Json;
      specs.push({
        lines, createdAt, paymentMethod: payment, shippingAmount,
        customer: { id: customer.id as number, email: customer.email as string, firstname: customer.firstname as string, lastname: customer.lastname as string, groupId: customer.group_id as number, ...(customer.taxvat ? { taxvat: customer.taxvat as string } : {}) },
        billing: {
          firstname: address.firstname as string, lastname: address.lastname as string, city: address.city as string, postcode: address.postcode as string,
          street: address.street as string[], telephone: address.telephone as string,
          ...(address.company ? { company: address.company as string } : {}), ...(address.vat_id ? { vatId: address.vat_id as string } : {}),
        },
      });
    }
  }
  return specs;
}

/** Orders ready for `POST /__admin/orders` (same data the demo seed places). */
export function generateOrders(catalog: CatalogEntry[], customers: Json[], count: number, seed = 99): Json[] {
  return generateOrderSpecs(catalog, customers, count, seed).map(buildPlaceOrder);
}

export function generateShop(state: EmulatorState, options: GeneratorOptions, websiteIds = [1]): { products: number; customers: number; orders: number } {
  const catalog = seedProducts(state, options, websiteIds);
  const customers = seedCustomers(state, options.customers ?? DEMO_SIZE.customers, (options.seed ?? 42) + 1);
  const orders = generateOrders(catalog, customers, options.orders ?? DEMO_SIZE.orders, (options.seed ?? 42) + 2);
  for (const order of orders) placeOrder(state, order, new Date(String(order.created_at).replace(' ', 'T') + 'Z'));
  return { products: catalog.length, customers: customers.length, orders: orders.length };
}

const SAMPLE_DIR = fileURLToPath(new URL('./data/samples/', import.meta.url));
const readSample = (name: string): Json => JSON.parse(readFileSync(`${SAMPLE_DIR}${name}`, 'utf8')) as Json;

/** Adobe's documented sample bodies: the Luma order (simple, downloadable, bundle, configurable), its customer, a product. */
export function seedSamples(state: EmulatorState, storeViews: StoreView[]): { products: number; customers: number; orders: number } {
  const order = readSample('order.json');
  // Adobe's pages captured the customer (id 2) and the order (customer_id 3, same Jane Doe) on
  // different installs; here she is one customer, so the order's customer_id resolves.
  const customerId = order.customer_id as number;
  const sample = readSample('customer.json');
  const customer: Json = { ...sample, id: customerId, addresses: ((sample.addresses as Json[] | undefined) ?? []).map((a) => ({ ...a, customer_id: customerId })) };
  state.customers.set(customerId, customer);
  state.seq.customer = Math.max(state.seq.customer, customerId);
  const product = readSample('product-simple.json');
  const { id: _id, created_at: _c, updated_at: _u, ...productInput } = product;
  saveProduct(state, productInput, { storeId: 0, websiteId: 0, explicit: true, isAll: true }, storeViews);
  state.seq.order = Math.max(state.seq.order, (order.entity_id as number) - 1);
  const placed = placeOrder(state, order, new Date(Date.UTC(2017, 7, 21, 22, 22, 19)));
  placed.data.updated_at = order.updated_at;
  return { products: 1, customers: 1, orders: 1 };
}

export function seedData(state: EmulatorState, data: SeedData, storeViews: StoreView[]): { products: number; customers: number; orders: number } {
  const all = { storeId: 0, websiteId: 0, explicit: true, isAll: true };
  let counts = { products: 0, customers: 0, orders: 0 };
  if (data.generate) counts = generateShop(state, data.generate);
  for (const product of data.products ?? []) saveProduct(state, product, all, storeViews);
  if (data.sourceItems && data.sourceItems.length > 0) saveSourceItems(state, data.sourceItems, 'accept', () => true);
  for (const customer of data.customers ?? []) {
    const id = typeof customer.id === 'number' ? customer.id : nextId(state, 'customer');
    state.customers.set(id, { ...customer, id });
    state.seq.customer = Math.max(state.seq.customer, id);
  }
  for (const order of data.orders ?? []) placeOrder(state, order);
  return {
    products: counts.products + (data.products?.length ?? 0),
    customers: counts.customers + (data.customers?.length ?? 0),
    orders: counts.orders + (data.orders?.length ?? 0),
  };
}

export function applySeed(state: EmulatorState, input: SeedInput | undefined, storeViews: StoreView[]): { products: number; customers: number; orders: number } {
  if (input === undefined || input === 'none') return { products: 0, customers: 0, orders: 0 };
  if (input === 'demo') return generateShop(state, { ...DEMO_SIZE });
  if (input === 'samples') return seedSamples(state, storeViews);
  if (typeof input === 'string') return seedData(state, JSON.parse(readFileSync(input, 'utf8')) as SeedData, storeViews);
  return seedData(state, input, storeViews);
}
