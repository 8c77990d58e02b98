/**
 * The document each iCenter read expects (docs/contracts/icenter.md#xml): its root element and, for list pages,
 * its row element. A 2xx answer with any other root is not read (client.ts `readDocument`).
 * Roots the contract only infers are listed with their alternatives.
 */
import type { Expected } from './client.js';

/** A list page of at most `pageSize` rows named `row` under `root`. */
const page = (root: string, row: string, pageSize: number): Expected => ({ roots: [root], rows: { name: row, max: pageSize } });

export const EXPECT = {
  /** GetItemsGeneralData: a wrapper type with its own root; an empty page is `<ItemsGeneralData … />` [CAP]. */
  items: (pageSize: number) => page('ItemsGeneralData', 'ItemGeneralData', pageSize),
  /** A Price row holds a Price field too, so rows are counted after parsing (paging.ts), not before. */
  prices: (_pageSize: number): Expected => ({ roots: ['ArrayOfPrice'] }),
  stock: (pageSize: number) => page('ArrayOfStockItem', 'StockItem', pageSize),
  invoiceStatuses: (pageSize: number) => page('ArrayOfInvoiceStatus', 'InvoiceStatus', pageSize),
  /** An item looked up by its ID: the items root, a handful of rows at most. */
  itemLookup: { roots: ['ItemsGeneralData'] } satisfies Expected,
  /** Code lists: `ArrayOf<Type>`; the row names of some lists are not public [INF]. */
  codeList: { roots: ['ArrayOf*'] } satisfies Expected,
  /** ApiVersion answers `ApiInfo` [CODE]. */
  apiVersion: { roots: ['ApiInfo'] } satisfies Expected,
  /** GetInvoice: the root name is not public [INF]; both names seen in the swagger are read. */
  invoice: { roots: ['InvoiceHeader', 'InvoiceHeaderDetail'] } satisfies Expected,
  order: { roots: ['OrderHeader'] } satisfies Expected,
  orderStatus: { roots: ['ArrayOfOrdersStatus'] } satisfies Expected,
  /** The swagger declares an array [CODE]; a single overview is read too. */
  processOverview: { roots: ['ArrayOfOrderProcessOverview', 'OrderProcessOverview'] } satisfies Expected,
  document: { roots: ['DocumentData'] } satisfies Expected,
  customers: { roots: ['ArrayOfCustomer'] } satisfies Expected,
  /** GetCustomers paged (the look-up of a customer an interrupted create left). */
  customersPage: (pageSize: number) => page('ArrayOfCustomer', 'Customer', pageSize),
  customer: { roots: ['Customer'] } satisfies Expected,
  /** GetCustomerContacts: one object or an array [INF]. */
  contacts: { roots: ['CustomerContacts', 'ArrayOfCustomerContacts'] } satisfies Expected,
} as const;
