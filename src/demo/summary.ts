/**
 * What the demo achieved, counted where it happened: in the shop, in the ERP and in the ledger
 * (not in the flows' own reports, so the summary checks the flows rather than repeating them).
 */
import { relative } from 'node:path';
import type { IcenterEmulator } from '../emulators/icenter/index.js';
import type { MagentoEmulator } from '../emulators/magento/index.js';
import type { Store } from '../store/index.js';
import { ORGANISATION, type DemoOrder } from './data.js';
import { icenterAdmin } from './admin.js';

export interface WaitingRecord {
  kind: string;
  key: string;
  reason: string;
}

export interface DemoSummary {
  productsInShop: number;
  stockRowsWritten: number;
  subjectsCreated: number;
  shopOrders: number;
  ordersInErp: number;
  /** ERP orders whose reference is used by more than one ERP order (must be 0). */
  duplicateErpOrders: number;
  erpInvoices: number;
  shopInvoices: number;
  shopInvoicesWithPdf: number;
  invoiceEmails: number;
  ordersComplete: number;
  ordersByLedgerState: Record<string, number>;
  waiting: WaitingRecord[];
  /** The special orders of the data set and the state each reached. */
  special: (SpecialOrder & { state: string })[];
}

export interface SpecialOrder {
  number: string;
  expect: NonNullable<DemoOrder['expect']>;
}

export interface SummaryInput {
  store: Store;
  icenter: IcenterEmulator;
  magento: MagentoEmulator;
  erpCustomersBefore: number;
  special: SpecialOrder[];
}

export async function collectSummary({ store, icenter, magento, erpCustomersBefore, special }: SummaryInput): Promise<DemoSummary> {
  const shop = magento.runtime.state;
  const erpOrders = await icenterAdmin<{ orderReference: string | null }[]>(icenter, 'GET', `/orders?organisation=${ORGANISATION}`);
  const erpCustomers = await icenterAdmin<unknown[]>(icenter, 'GET', `/customers?organisation=${ORGANISATION}`);
  const erpInvoices = await icenterAdmin<unknown[]>(icenter, 'GET', `/invoices?organisation=${ORGANISATION}`);
  const references = erpOrders.map((order) => order.orderReference ?? '');
  const counts = await store.ledger.countByState();
  const ordersByLedgerState = Object.fromEntries(counts.filter((c) => c.kind === 'order').map((c) => [c.state, c.count]));
  const stockRows = counts.filter((c) => c.kind === 'stock').reduce((sum, c) => sum + c.count, 0);
  const waitingRows = await store.ledger.list({ states: ['needs_attention'], limit: 1000 });
  const shopOrders = [...shop.orders.values()];
  const specialStates = [];
  for (const order of special) specialStates.push({ ...order, state: (await store.ledger.get('order', { shopKey: order.number }))?.state ?? 'unknown' });
  return {
    productsInShop: shop.products.size,
    stockRowsWritten: stockRows,
    subjectsCreated: erpCustomers.length - erpCustomersBefore,
    shopOrders: shopOrders.length,
    ordersInErp: erpOrders.length,
    duplicateErpOrders: references.length - new Set(references).size,
    erpInvoices: erpInvoices.length,
    shopInvoices: shop.invoices.size,
    shopInvoicesWithPdf: [...shop.invoices.keys()].filter((id) => (shop.attachments.get(id)?.length ?? 0) > 0).length,
    invoiceEmails: shop.emails.filter((email) => email.kind === 'invoice').length,
    ordersComplete: shopOrders.filter((order) => order.data.state === 'complete').length,
    ordersByLedgerState,
    waiting: waitingRows.map((row) => ({ kind: row.kind, key: row.shopKey ?? row.erpKey ?? String(row.id), reason: row.lastError ?? '(no reason recorded)' })),
    special: specialStates,
  };
}

export function formatSummary(s: DemoSummary, where: { dir: string; configPath: string; wallMs: number }): string {
  const states = Object.entries(s.ordersByLedgerState)
    .map(([state, count]) => `${state} ${count}`)
    .join(', ');
  const lines = [
    '',
    'Summary',
    `  products in the shop            ${s.productsInShop}`,
    `  stock rows written              ${s.stockRowsWritten}`,
    `  subjects created in the ERP     ${s.subjectsCreated}`,
    `  orders entered in the ERP       ${s.ordersInErp} of ${s.shopOrders} shop orders (duplicates: ${s.duplicateErpOrders})`,
    `  invoices sent to the shop       ${s.shopInvoices} of ${s.erpInvoices} ERP invoices, ${s.shopInvoicesWithPdf} with the PDF, ${s.invoiceEmails} e-mailed`,
    `  orders complete in the shop     ${s.ordersComplete}`,
    `  order states in the ledger      ${states}`,
    `  waiting for a person            ${s.waiting.length}`,
    ...s.waiting.map((w) => `    ${w.kind} ${w.key}: ${w.reason}`),
    '',
    `Store: ${relative(process.cwd(), where.dir) || '.'}/icsync.db (config ${relative(process.cwd(), where.configPath)}).`,
    `Look closer (the emulators are gone, the ledger stays): icsync --config ${relative(process.cwd(), where.configPath)} status   |   … explain order <number>`,
    `Done in ${(where.wallMs / 1000).toFixed(1)} s.`,
    '',
  ];
  return lines.join('\n');
}
