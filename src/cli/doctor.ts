/**
 * The checks of `icsync doctor`: both connections, then every setting that names a code in
 * the ERP or the shop (books, warehouses, sources, VAT rates, methods, price list). Each wrong
 * setting is one sentence that names the setting, e.g.
 * `mappings.warehouses."0000009": iCenter has no warehouse 0000009 (it has 0000001, 0000002).`
 */
import { securityWarnings, settingProblems, type Config } from '../config/index.js';
import { asSku } from '../core/model.js';
import { isSyncError } from '../core/errors.js';
import type { CodeEntry, ErpCodeList, ErpPort, ShopPort } from '../core/ports.js';

export interface CheckResult {
  ok: boolean;
  /** A check that could not run because an earlier one failed. */
  skipped?: boolean;
  /** Works, but exposes something (TLS off, a password over http://): shown, not counted as failed. */
  warning?: boolean;
  text: string;
}

const DISPLAY: Record<string, string> = { icenter: 'iCenter', magento: 'Magento' };
const display = (name: string): string => DISPLAY[name] ?? name;

const LIST_NOUN: Record<ErpCodeList | 'sources', string> = {
  warehouses: 'warehouse',
  vatRates: 'VAT rate',
  orderBooks: 'order book',
  invoiceBooks: 'invoice book',
  paymentMethods: 'payment method',
  shippingMethods: 'shipping method',
  priceLists: 'price list',
  currencies: 'currency',
  sources: 'stock source',
};

/** How many known codes a sentence lists before "…". */
const SHOWN = 15;

function known(entries: readonly CodeEntry[]): string {
  if (entries.length === 0) return 'it has none';
  const codes = entries.map((entry) => entry.code);
  return `it has ${codes.slice(0, SHOWN).join(', ')}${codes.length > SHOWN ? `, … ${codes.length - SHOWN} more` : ''}`;
}

function sentenceOf(error: unknown): string {
  return isSyncError(error) ? error.sentence : error instanceof Error ? error.message : String(error);
}

/** `mappings.warehouses."0000009"`: a map key quoted, as it is written in YAML. */
const keyPath = (path: string, key: string): string => `${path}.${JSON.stringify(key)}`;

interface Reference {
  /** The setting that names the code. */
  setting: string;
  code: string;
}

export async function runDoctorChecks(config: Config, erp: ErpPort, shop: ShopPort): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const erpName = erp.label ?? display(erp.name);
  const shopName = display(shop.name);

  for (const warning of securityWarnings(config)) results.push({ ok: true, warning: true, text: warning });
  const erpUp = await checkConnection(erp, erpName, results);
  const shopUp = await checkConnection(shop, shopName, results);
  if (erp.callBudget) results.push(await checkBudget(erp, erpName));

  // Invoice PDFs need an add-on in some shops (Magento: the icsync module); say whether it is there and how to get it.
  if (config.flows.invoices.enabled && config.flows.invoices.attachPdf && shop.attachmentSupport) {
    if (!shopUp) results.push({ ok: false, skipped: true, text: `invoice attachments: not checked (no connection to ${shopName})` });
    else results.push(await checkAttachmentSupport(shop, shopName));
  }

  const mappings = config.mappings;
  const icenter = config.erp.type === 'icenter' ? config.erp.icenter : undefined;
  // The orders flow enters shop orders only into mappings.orderBook; the connector's own book
  // setting (erp.icenter.books.order) serves look-ups, so passing on it would hide a flow that stops.
  if (config.flows.orders.enabled && mappings.orderBook === undefined) {
    results.push({ ok: false, text: `mappings.orderBook: not set; shop orders cannot be entered without an ${erpName} order book${icenter ? ` (iCenter: a VNK-type book, e.g. ${icenter.books.order})` : ''}.` });
  }

  for (const problem of settingProblems(config)) results.push({ ok: false, text: `${problem.path}: ${problem.message}` });
  const shippingItem = config.flows.orders.enabled ? config.flows.orders.shippingItem : undefined;
  if (shippingItem !== undefined) {
    if (!erpUp) results.push({ ok: false, skipped: true, text: `shipping item: not checked (no connection to ${erpName})` });
    else results.push(await checkItem(erp, shippingItem, erpName));
  }

  const erpLists: { list: ErpCodeList; group: string; refs: Reference[] }[] = [
    {
      list: 'orderBooks',
      group: 'order book',
      refs: [
        ...(mappings.orderBook !== undefined ? [{ setting: 'mappings.orderBook', code: mappings.orderBook }] : []),
        ...(icenter && icenter.books.order !== mappings.orderBook ? [{ setting: 'erp.icenter.books.order', code: icenter.books.order }] : []),
      ],
    },
    { list: 'invoiceBooks', group: 'invoice books', refs: (icenter?.books.invoice ?? []).map((code, index) => ({ setting: `erp.icenter.books.invoice[${index}]`, code })) },
    {
      list: 'warehouses',
      group: 'warehouses',
      refs: [
        ...Object.keys(mappings.warehouses).map((code) => ({ setting: keyPath('mappings.warehouses', code), code })),
        ...(mappings.orderWarehouse !== undefined ? [{ setting: 'mappings.orderWarehouse', code: mappings.orderWarehouse }] : []),
      ],
    },
    {
      list: 'vatRates',
      group: 'VAT rates',
      refs: [
        ...Object.entries(mappings.vatRates).map(([percent, code]) => ({ setting: keyPath('mappings.vatRates', percent), code })),
        ...Object.keys(mappings.taxClasses).map((code) => ({ setting: keyPath('mappings.taxClasses', code), code })),
        // The codes for reverse charge and exports, chosen by buyer status and country.
        ...(['euBusiness', 'export'] as const).flatMap((status) => (mappings.vatByBuyer[status] !== undefined ? [{ setting: `mappings.vatByBuyer.${status}`, code: mappings.vatByBuyer[status] }] : [])),
        ...Object.entries(mappings.vatByBuyer.countries).map(([country, code]) => ({ setting: keyPath('mappings.vatByBuyer.countries', country), code })),
      ],
    },
    { list: 'paymentMethods', group: 'payment methods', refs: Object.entries(mappings.paymentMethods).map(([method, code]) => ({ setting: keyPath('mappings.paymentMethods', method), code })) },
    { list: 'shippingMethods', group: 'shipping methods', refs: Object.entries(mappings.shippingMethods).map(([method, code]) => ({ setting: keyPath('mappings.shippingMethods', method), code })) },
    { list: 'priceLists', group: 'price list', refs: config.flows.products.priceList !== undefined ? [{ setting: 'flows.products.priceList', code: config.flows.products.priceList }] : [] },
  ];

  for (const { list, group, refs } of erpLists) {
    if (refs.length === 0) continue;
    if (!erpUp) {
      results.push({ ok: false, skipped: true, text: `${group}: not checked (no connection to ${erpName})` });
      continue;
    }
    results.push(...(await checkCodes(() => erp.listCodes(list), refs, erpName, LIST_NOUN[list], group)));
  }

  const sourceRefs = Object.entries(mappings.warehouses).map(([warehouse, source]) => ({ setting: keyPath('mappings.warehouses', warehouse), code: source }));
  if (sourceRefs.length > 0) {
    if (shopUp) results.push(...(await checkCodes(() => shop.listSources(), sourceRefs, shopName, LIST_NOUN.sources, 'stock sources')));
    else results.push({ ok: false, skipped: true, text: `stock sources: not checked (no connection to ${shopName})` });
  }
  return results;
}

async function checkItem(erp: ErpPort, sku: string, erpName: string): Promise<CheckResult> {
  try {
    const found = await erp.existingSkus([asSku(sku)]);
    if (found.has(asSku(sku))) return { ok: true, text: `shipping item: ${erpName} has ${sku}` };
    return { ok: false, text: `flows.orders.shippingItem: ${erpName} has no item ${sku}; every order that charges shipping would wait for a person. Create the item or name an existing one.` };
  } catch (error) {
    return { ok: false, text: `shipping item: could not look ${sku} up in ${erpName}: ${sentenceOf(error)}` };
  }
}

/** An ERP with a call budget: how much of it is used (doctor's own calls included); a warning line when little is left. */
async function checkBudget(erp: ErpPort, name: string): Promise<CheckResult> {
  try {
    const s = await erp.callBudget!.status();
    const left = s.usable - s.used;
    const text = `${name} call budget: ${s.used} of the ${s.usable} calls icsync may use in ${s.windowMs / 3_600_000} h are used (${name} allows ${s.limit}), ${Math.max(0, left)} left`;
    return left > 0 ? { ok: true, text } : { ok: false, text: `${text}; flows wait until calls free up${s.nextFreeAt ? ` (from ${s.nextFreeAt.toISOString()})` : ''}.` };
  } catch (error) {
    return { ok: false, text: `${name} call budget: could not be read: ${sentenceOf(error)}` };
  }
}

async function checkConnection(port: ErpPort | ShopPort, name: string, results: CheckResult[]): Promise<boolean> {
  try {
    const info = await port.checkConnection();
    const details = Object.entries(info.details)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ');
    results.push({ ok: true, text: `${name}: connected and credentials accepted${info.version ? ` (version ${info.version})` : ''}${details ? `; ${details}` : ''}` });
    return true;
  } catch (error) {
    results.push({ ok: false, text: `${name}: ${sentenceOf(error)}` });
    return false;
  }
}

async function checkAttachmentSupport(shop: ShopPort, name: string): Promise<CheckResult> {
  try {
    const support = await shop.attachmentSupport!();
    if (support.installed) return { ok: true, text: `${name}: the icsync module is installed (invoice PDF attachments)` };
    return { ok: false, text: `${name}: ${support.sentence}` };
  } catch (error) {
    return { ok: false, text: `${name}: could not check for the icsync module: ${sentenceOf(error)}` };
  }
}

async function checkCodes(read: () => Promise<CodeEntry[]>, refs: readonly Reference[], system: string, noun: string, group: string): Promise<CheckResult[]> {
  let entries: CodeEntry[];
  try {
    entries = await read();
  } catch (error) {
    return [{ ok: false, text: `${group}: could not read the ${noun} list from ${system}: ${sentenceOf(error)}` }];
  }
  const codes = new Set(entries.map((entry) => entry.code));
  const wrong = refs.filter((ref) => !codes.has(ref.code));
  if (wrong.length === 0) {
    const named = [...new Set(refs.map((ref) => ref.code))];
    return [{ ok: true, text: `${group}: ${system} has ${named.join(', ')}` }];
  }
  return wrong.map((ref) => ({ ok: false, text: `${ref.setting}: ${system} has no ${noun} ${ref.code} (${known(entries)}).` }));
}
