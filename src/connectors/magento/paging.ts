/**
 * Keyset paging over `entity_id` (docs/contracts/magento.md#searchcriteria-and-paging; docs/contracts/magento.md#traps, trap 1): every request asks for ids greater
 * than the last one seen, sorted ascending, page 1. That ends on every release — 2.3 repeats the
 * last page past the end, 2.4 returns an empty one, and neither can happen here because the
 * page number never moves — and rows inserted or updated meanwhile neither shift nor repeat.
 *
 * Stops on an empty page, on a short page (one that holds all `total_count` remaining rows),
 * and on a page that brings no id above the last one (a server ignoring the filter): it can
 * never loop. Rows are de-duplicated by id.
 */
import { transientError } from '../../core/errors.js';
import { TARGET } from './errors.js';
import type { Filter } from './search-criteria.js';

export interface KeysetPage<T> {
  items: T[];
  total_count?: number;
}

export interface KeysetOptions<T> {
  /** Filter groups ANDed with the keyset condition. */
  filterGroups: Filter[][];
  pageSize: number;
  idOf(item: T): number;
  fetchPage(filterGroups: Filter[][], pageSize: number): Promise<KeysetPage<T>>;
  /** Id field of the entity (`entity_id`, `source_item_id`...). */
  idField?: string;
}

export async function* keysetPages<T>(options: KeysetOptions<T>): AsyncGenerator<T[]> {
  const idField = options.idField ?? 'entity_id';
  let lastId = 0;
  for (;;) {
    const groups = [...options.filterGroups, [{ field: idField, value: lastId, condition: 'gt' as const }]];
    const page = await options.fetchPage(groups, options.pageSize);
    // More rows than asked for is not a page Magento writes: a proxy or a changed API answered.
    if (page.items.length > options.pageSize) {
      throw transientError({
        target: TARGET,
        sentence: `Magento answered a page of ${page.items.length} rows to a request for at most ${options.pageSize}; the page was refused and nothing was read from it. It will be retried later.`,
      });
    }
    const seen = new Set<number>();
    const fresh: T[] = [];
    for (const item of page.items) {
      const id = options.idOf(item);
      if (!(id > lastId) || seen.has(id)) continue;
      seen.add(id);
      fresh.push(item);
    }
    fresh.sort((a, b) => options.idOf(a) - options.idOf(b));
    if (fresh.length > 0) {
      lastId = options.idOf(fresh[fresh.length - 1] as T);
      yield fresh;
    }
    // No new id: the end, or a server that ignored the filter; stop rather than loop.
    if (fresh.length === 0) return;
    // total_count counts every row above lastId, so a page holding them all is the last one. It
    // also keeps going when a server silently pages smaller than asked (2.4.3 caps, proxies).
    const rest = page.total_count;
    if (typeof rest === 'number' ? fresh.length >= rest : page.items.length < options.pageSize) return;
  }
}
