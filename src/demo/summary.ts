/**
 * What the demo achieved, counted where it happened: in the shop, in the ERP and in the ledger
 * (not in the flows' own reports, so the summary checks the flows rather than repeating them).
 */
import { join, relative } from 'node:path';
import type { MagentoEmulator } from '../emulators/magento/index.js';
import { aboutRecord } from '../flows/common.js';
import type { Store } from '../store/index.js';
import type { DemoOrder } from './data.js';
import { magentoAdmin } from './admin.js';
import type { ErpSide } from './erp-side.js';

export interface WaitingRecord {
  kind: string;
  key: string;
  reason: string;
}

export interface DemoSummary {
  productsInShop: number;
  /** Products the shop had before icsync ran (the flow updated the ones the ERP knows). */
  productsBefore: number;
  productsCreated: number;
  stockRowsWritten: number;
  subjectsCreated: number;
  /** Buyers the subjects flow linked to an ERP partner (its "done"), by how: created, or found by VAT ID / e-mail. */
  buyersLinked: number;
  buyersCreated: number;
  buyersFound: number;
  shopOrders: number;
  ordersInErp: number;
  /** ERP orders whose reference is used by more than one ERP order (must be 0). */
  duplicateErpOrders: number;
  erpInvoices: number;
  shopInvoices: number;
  shopInvoicesWithPdf: number;
  /** Shop orders holding more than one invoice (must be 0: one shop invoice per ERP invoice). */
  ordersInvoicedTwice: number;
  /** Invoice e-mails the shop sent (GET /__admin/emails) and how many carry a PDF. */
  invoiceEmails: number;
  invoiceEmailsWithPdf: number;
  ordersShipped: number;
  ordersComplete: number;
  ordersByLedgerState: Record<string, number>;
  waiting: WaitingRecord[];
  /** The special orders of the data set and the state each reached. */
  special: (SpecialOrder & { state: string })[];
  /** For an ERP with a call budget (Minimax): calls counted by the ERP in the window, and its limit. */
  erpCalls?: { used: number; limit: number; label: string };
}

export interface SpecialOrder {
  number: string;
  expect: NonNullable<DemoOrder['expect']>;
}

export interface SummaryInput {
  store: Store;
  erp: ErpSide;
  magento: MagentoEmulator;
  productsBefore: number;
  erpCustomersBefore: number;
  ordersShipped: number;
  special: SpecialOrder[];
}

interface AdminEmail {
  kind: string;
  attachments: { mime_type: string; size: number }[];
}

export async function collectSummary({ store, erp, magento, productsBefore, erpCustomersBefore, ordersShipped, special }: SummaryInput): Promise<DemoSummary> {
  const shop = magento.runtime.state;
  const emails = (await magentoAdmin<AdminEmail[]>(magento, 'GET', '/emails')).filter((email) => email.kind === 'invoice');
  const invoicesPerOrder = new Map<number, number>();
  for (const invoice of shop.invoices.values()) invoicesPerOrder.set(Number(invoice.order_id), (invoicesPerOrder.get(Number(invoice.order_id)) ?? 0) + 1);
  const references = await erp.orderReferences();
  const erpCustomers = await erp.customers();
  const erpInvoices = await erp.invoices();
  const budget = erp.budget?.();
  const counts = await store.ledger.countByState();
  const ordersByLedgerState = Object.fromEntries(counts.filter((c) => c.kind === 'order').map((c) => [c.state, c.count]));
  const stockRows = counts.filter((c) => c.kind === 'stock').reduce((sum, c) => sum + c.count, 0);
  const waitingRows = await store.ledger.list({ states: ['needs_attention'], limit: 1000 });
  const linked = await store.ledger.list({ kind: 'partner', states: ['linked'], limit: 1000 });
  const buyersCreated = linked.filter((row) => (row.data as { matchedBy?: string } | null)?.matchedBy === 'created').length;
  const shopOrders = [...shop.orders.values()];
  const specialStates = [];
  for (const order of special) specialStates.push({ ...order, state: (await store.ledger.get('order', { shopKey: order.number }))?.state ?? 'unknown' });
  return {
    productsInShop: shop.products.size,
    productsBefore,
    productsCreated: shop.products.size - productsBefore,
    stockRowsWritten: stockRows,
    subjectsCreated: erpCustomers - erpCustomersBefore,
    buyersLinked: linked.length,
    buyersCreated,
    buyersFound: linked.length - buyersCreated,
    shopOrders: shopOrders.length,
    ordersInErp: references.length,
    duplicateErpOrders: references.length - new Set(references).size,
    erpInvoices,
    shopInvoices: shop.invoices.size,
    shopInvoicesWithPdf: [...shop.invoices.keys()].filter((id) => (shop.attachments.get(id)?.length ?? 0) > 0).length,
    ordersInvoicedTwice: [...invoicesPerOrder.values()].filter((count) => count > 1).length,
    invoiceEmails: emails.length,
    invoiceEmailsWithPdf: emails.filter((email) => email.attachments.some((a) => a.mime_type === 'application/pdf' && a.size > 0)).length,
    ordersShipped,
    ordersComplete: shopOrders.filter((order) => order.data.state === 'complete').length,
    ordersByLedgerState,
    waiting: waitingRows.map((row) => ({ kind: row.kind, key: row.shopKey ?? row.erpKey ?? String(row.id), reason: row.lastError ?? '(no reason recorded)' })),
    special: specialStates,
    ...(budget && { erpCalls: { ...budget, label: erp.label } }),
  };
}

/**
 * What must hold at the end, as sentences; empty when the demo ended as it should. `icsync demo`
 * exits non-zero otherwise (an order doubled, an invoice missing its PDF, a special order through).
 */
export function demoProblems(s: DemoSummary): string[] {
  const problems: string[] = [];
  // Neither the unknown-SKU order nor the one whose grand total its lines do not explain reaches the ERP: both wait before any ERP write.
  const unknownSku = s.special.filter((order) => order.expect === 'unknown-sku' || order.expect === 'totals-mismatch').length;
  const check = (ok: boolean, sentence: string) => void (ok || problems.push(sentence));
  check(s.duplicateErpOrders === 0, `${s.duplicateErpOrders} ERP orders share a shop reference: an order was entered twice.`);
  check(s.subjectsCreated === s.buyersCreated, `${s.subjectsCreated} partners are new in the ERP, but the ledger says icsync created ${s.buyersCreated}.`);
  check(s.ordersInErp === s.shopOrders - unknownSku, `${s.ordersInErp} orders are in the ERP, ${s.shopOrders - unknownSku} were expected.`);
  for (const order of s.special) check(order.state === 'needs_attention', `Order ${order.number} (${order.expect}) is ${order.state}, not waiting for a person.`);
  check(s.waiting.length === s.special.length, `${s.waiting.length} records wait for a person, ${s.special.length} were expected.`);
  check(s.shopInvoices === s.erpInvoices, `${s.shopInvoices} shop invoices for ${s.erpInvoices} ERP invoices.`);
  check(s.ordersInvoicedTwice === 0, `${s.ordersInvoicedTwice} shop orders hold more than one invoice.`);
  check(s.shopInvoicesWithPdf === s.shopInvoices, `${s.shopInvoices - s.shopInvoicesWithPdf} shop invoices lack the PDF.`);
  check(s.invoiceEmailsWithPdf === s.shopInvoices, `${s.invoiceEmailsWithPdf} invoice e-mails with a PDF for ${s.shopInvoices} shop invoices.`);
  check(s.ordersComplete === s.ordersShipped, `${s.ordersComplete} orders complete, but ${s.ordersShipped} were shipped and invoiced.`);
  return problems;
}

export function formatSummary(s: DemoSummary, where: { dir: string; configPath: string; wallMs: number }): string {
  const states = Object.entries(s.ordersByLedgerState)
    .map(([state, count]) => `${state} ${count}`)
    .join(', ');
  const config = relative(process.cwd(), where.configPath);
  const example = s.waiting.find((w) => w.kind === 'order')?.key ?? '<order number>';
  const lines = [
    '',
    'Summary',
    `  products in the shop            ${s.productsInShop} (${s.productsBefore} there before icsync, ${s.productsCreated} created from the ERP)`,
    `  stock rows written              ${s.stockRowsWritten}`,
    `  buyers linked to ERP partners   ${s.buyersLinked} (${s.subjectsCreated} created in the ERP, ${s.buyersFound} found there by VAT ID or e-mail)`,
    `  orders entered in the ERP       ${s.ordersInErp} of ${s.shopOrders} shop orders (duplicates: ${s.duplicateErpOrders})`,
    `  invoices sent to the shop       ${s.shopInvoices} of ${s.erpInvoices} ERP invoices, ${s.shopInvoicesWithPdf} with the PDF, ${s.invoiceEmails} e-mailed (${s.invoiceEmailsWithPdf} with the PDF attached)`,
    `  orders complete in the shop     ${s.ordersComplete} (${s.ordersShipped} shipped and invoiced)`,
    `  order states in the ledger      ${states}`,
    ...(s.erpCalls ? [`  ${`${s.erpCalls.label} calls used today`.padEnd(32)}${s.erpCalls.used} of the ${s.erpCalls.limit}-call daily budget (${s.erpCalls.limit - s.erpCalls.used} left)`] : []),
    `  waiting for a person            ${s.waiting.length}`,
    ...s.waiting.map((w) => `    ${aboutRecord(w.kind, w.key, w.reason)}`),
    '',
    `Store: ${join(relative(process.cwd(), where.dir) || '.', 'icsync.db')} (config ${config}).`,
    'The emulators stopped with the demo; the ledger stays. Look closer (or prefix with `npm run icsync --`):',
    `  icsync status --config ${config}`,
    `  icsync explain order ${example} --config ${config}`,
    `Done in ${(where.wallMs / 1000).toFixed(1)} s.`,
    '',
  ];
  return lines.join('\n');
}
