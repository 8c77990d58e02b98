/**
 * The JSON each Magento read expects (docs/contracts/magento.md: searchCriteria and paging, orders, customers, invoices). A 2xx answer that does not match is
 * not read (client.ts): a search result without its `items` array and `total_count`, or an
 * order without its id, is a proxy page or a changed API, never "nothing found". Only what icsync
 * relies on is checked; other fields pass as they are.
 */
import { z } from 'zod';

const row = (fields: z.ZodRawShape) => z.looseObject(fields);

/** `{items:[…], search_criteria, total_count}`: every searchCriteria list of Magento. */
const searchResult = (item: z.ZodType) => z.looseObject({ items: z.array(item), total_count: z.number().int().min(0) });

const entityId = z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]);

export interface Expected {
  schema: z.ZodType;
  /** What it is, in the error sentence: "a search result of orders". */
  what: string;
}

export const EXPECT = {
  orderSearch: { schema: searchResult(row({ entity_id: entityId })), what: 'a search result of orders (items and total_count)' },
  order: { schema: row({ entity_id: entityId, increment_id: z.string().min(1), items: z.array(z.unknown()) }), what: 'an order (entity_id, increment_id and items)' },
  productSearch: { schema: searchResult(row({ sku: z.string() })), what: 'a search result of products (items with sku, and total_count)' },
  invoiceSearch: { schema: searchResult(row({ entity_id: entityId, order_id: entityId })), what: 'a search result of invoices (items and total_count)' },
  /** GET /V1/invoices/{id}/comments is a search result too. */
  commentSearch: { schema: searchResult(row({})), what: 'a list of invoice comments (items and total_count)' },
  sourceSearch: { schema: searchResult(row({ source_code: z.string().min(1) })), what: 'a search result of MSI sources (items and total_count)' },
  stockItem: { schema: row({ item_id: z.number().int() }), what: 'a stock item (item_id)' },
  attachments: { schema: z.array(row({})), what: 'a list of attachments' },
} satisfies Record<string, Expected>;
