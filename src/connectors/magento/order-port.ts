/**
 * Order reads and comments. Delta reads filter `updated_at >= cursor − overlap` (UTC text, as
 * Magento compares it) and page by keyset on `entity_id`, so pages come in id order: the
 * whole delta is read, whatever changes while it is read.
 */
import { businessError, isSyncError } from '../../core/errors.js';
import { asShopOrderId, type ShopOrder, type ShopOrderId } from '../../core/model.js';
import type { ShopPort } from '../../core/ports.js';
import type { MagentoClient } from './client.js';
import type { MagentoSettings } from './config.js';
import { EXPECT } from './answers.js';
import { TARGET } from './errors.js';
import { normaliseOrder, type Json } from './orders.js';
import { keysetPages } from './paging.js';
import { magentoUtc, searchCriteriaQuery, type Filter } from './search-criteria.js';

export function createOrderPort(client: MagentoClient, settings: MagentoSettings) {
  const normalise = (raw: Json): ShopOrder => {
    try {
      return normaliseOrder(raw, { bundles: settings.bundles });
    } catch (error) {
      if (isSyncError(error)) throw error;
      const key = String(raw.increment_id ?? raw.entity_id);
      throw businessError({
        sentence: `Order ${key} could not be read: ${error instanceof Error ? error.message : String(error)}. Check the order in Magento.`,
        target: TARGET,
        record: { kind: 'order', key },
        cause: error,
      });
    }
  };

  const search = (filterGroups: Filter[][], pageSize: number, doing: string) =>
    client.call<{ items?: Json[]; total_count?: number }>({
      method: 'GET', path: '/orders', repeatable: true, route: 'GET /V1/orders', doing, expect: EXPECT.orderSearch,
      query: searchCriteriaQuery({ filterGroups, sortOrders: [{ field: 'entity_id', direction: 'ASC' }], pageSize, currentPage: 1 }),
    });

  async function* orders(options: Parameters<ShopPort['orders']>[0]): AsyncIterable<ShopOrder[]> {
    const groups: Filter[][] = [];
    if (options.updatedSince) {
      const from = new Date(options.updatedSince.getTime() - settings.orderOverlapMinutes * 60_000);
      groups.push([{ field: 'updated_at', value: magentoUtc(from), condition: 'gteq' }]);
    }
    if (options.statuses && options.statuses.length > 0) groups.push([{ field: 'status', value: options.statuses.join(','), condition: 'in' }]);
    const pageSize = Math.min(300, options.pageSize ?? settings.pageSize);
    const pages = keysetPages<Json>({
      filterGroups: groups,
      pageSize,
      idOf: (raw) => Number(raw.entity_id),
      fetchPage: async (filterGroups, size) => {
        const page = await search(filterGroups, size, 'reading changed orders from Magento');
        return { items: page.items ?? [], ...(typeof page.total_count === 'number' && { total_count: page.total_count }) };
      },
    });
    for await (const page of pages) {
      const readable: ShopOrder[] = [];
      for (const raw of page) {
        try {
          readable.push(normalise(raw));
        } catch (error) {
          // Without a callback the caller asked to hear of every failure: keep the old strictness.
          if (!options.onUnreadable) throw error;
          await options.onUnreadable({ id: asShopOrderId(String(raw.entity_id)), ...(raw.increment_id !== undefined && { number: String(raw.increment_id) }) }, error as Error);
        }
      }
      yield readable;
    }
  }

  async function getOrder(id: ShopOrderId): Promise<ShopOrder> {
    const raw = await client.call<Json>({
      method: 'GET', path: `/orders/${encodeURIComponent(id)}`, repeatable: true, record: { kind: 'order', key: id },
      route: 'GET /V1/orders/{id}', doing: `reading order ${id} from Magento`, expect: EXPECT.order,
    });
    return normalise(raw);
  }

  async function findOrderByNumber(number: string): Promise<ShopOrder | undefined> {
    const page = await search([[{ field: 'increment_id', value: number }]], 2, `looking up order ${number} in Magento`);
    const raw = (page.items ?? []).find((item) => item.increment_id === number);
    return raw ? normalise(raw) : undefined;
  }

  async function addOrderComment(id: ShopOrderId, comment: string, options: { notifyCustomer?: boolean; visibleOnFront?: boolean } = {}): Promise<void> {
    // Not repeated automatically: a repeat would add the comment twice.
    await client.call({
      method: 'POST', path: `/orders/${encodeURIComponent(id)}/comments`, repeatable: false, record: { kind: 'order', key: id },
      route: 'POST /V1/orders/{id}/comments', doing: `adding a comment to order ${id}`,
      body: { statusHistory: { comment, is_customer_notified: options.notifyCustomer ? 1 : 0, is_visible_on_front: options.visibleOnFront ? 1 : 0 } },
    });
  }

  async function countOrders(): Promise<number | undefined> {
    const page = await client.call<{ total_count?: number }>({
      method: 'GET', path: '/orders', repeatable: true, route: 'GET /V1/orders', doing: 'checking the connection to Magento', expect: EXPECT.orderSearch,
      query: searchCriteriaQuery({ pageSize: 1, currentPage: 1 }),
    });
    return page.total_count;
  }

  return { orders, getOrder, findOrderByNumber, addOrderComment, countOrders };
}
