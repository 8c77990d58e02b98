/**
 * searchCriteria as Magento reads it from the query string: filter groups are ANDed, filters
 * inside a group ORed; camelCase and snake_case keys both accepted; paging per release.
 */
import { MagentoHttpError, fieldRequired } from './errors.js';
import type { PhpValue } from './query.js';

export interface Filter {
  field: string;
  value: string;
  conditionType: string;
  /** Whether the client sent condition_type (only then is it echoed). */
  conditionSent: boolean;
}

export interface SearchCriteria {
  filterGroups: Filter[][];
  sortOrders: Array<{ field: string; direction: 'ASC' | 'DESC'; directionSent: boolean }>;
  pageSize?: number;
  currentPage?: number;
}

export interface PagingSettings {
  /** ≤2.3: currentPage past the end returns the last page again (collection clamp). */
  repeatLastPage: boolean;
  /** 2.4.3 (or input limits on): page size used when none is sent. */
  defaultPageSize?: number;
  /** 2.4.3 (or input limits on): larger pageSize is a 400. */
  maxPageSize?: number;
}

export const CONDITION_TYPES = ['eq', 'neq', 'gt', 'gteq', 'lt', 'lteq', 'moreq', 'like', 'nlike', 'in', 'nin', 'finset', 'nfinset', 'from', 'to', 'null', 'notnull', 'fulltext'];

const pick = (node: PhpValue | undefined, ...keys: string[]): PhpValue | undefined => {
  if (node === undefined || typeof node === 'string') return undefined;
  for (const key of keys) if (node[key] !== undefined) return node[key];
  return undefined;
};

const asList = (node: PhpValue | undefined): PhpValue[] => {
  if (node === undefined || typeof node === 'string') return [];
  // PHP arrays keep insertion order; indexes need not be contiguous.
  return Object.keys(node).sort((a, b) => Number(a) - Number(b)).map((k) => node[k] as PhpValue);
};

const text = (node: PhpValue | undefined): string | undefined => (typeof node === 'string' ? node : undefined);

function toInt(name: string, node: PhpValue | undefined): number | undefined {
  const value = text(node);
  if (value === undefined || value === '') return undefined;
  if (!/^[+-]?\d+$/.test(value.trim())) {
    throw new MagentoHttpError(400, {
      message: 'Error occurred during "%fieldName" processing. The "%value" value\'s type is invalid. The "%type" type was expected. Verify and try again.',
      parameters: { fieldName: name, value, type: 'int' },
    });
  }
  return Number(value);
}

/** Reads `searchCriteria` from a parse_str result; a route that declares it makes it required. */
export function parseSearchCriteria(query: Record<string, PhpValue>): SearchCriteria {
  const root = query.searchCriteria ?? query.search_criteria;
  // The message is [H]; that a bare GET (no searchCriteria at all) triggers it is [M] (docs/contracts/magento.md#request-and-response-conventions).
  if (root === undefined) throw fieldRequired('searchCriteria');
  const criteria: SearchCriteria = { filterGroups: [], sortOrders: [] };
  for (const group of asList(pick(root, 'filter_groups', 'filterGroups'))) {
    const filters: Filter[] = [];
    for (const f of asList(pick(group, 'filters'))) {
      const field = text(pick(f, 'field'));
      if (!field) continue;
      const condition = text(pick(f, 'condition_type', 'conditionType'));
      filters.push({ field, value: text(pick(f, 'value')) ?? '', conditionType: (condition || 'eq').toLowerCase(), conditionSent: condition !== undefined });
    }
    if (filters.length > 0) criteria.filterGroups.push(filters);
  }
  for (const s of asList(pick(root, 'sort_orders', 'sortOrders'))) {
    const field = text(pick(s, 'field'));
    if (!field) continue;
    const direction = text(pick(s, 'direction'));
    criteria.sortOrders.push({ field, direction: direction?.toUpperCase() === 'ASC' ? 'ASC' : 'DESC', directionSent: direction !== undefined });
  }
  const pageSize = toInt('pageSize', pick(root, 'page_size', 'pageSize'));
  const currentPage = toInt('currentPage', pick(root, 'current_page', 'currentPage'));
  if (pageSize !== undefined) criteria.pageSize = pageSize;
  if (currentPage !== undefined) criteria.currentPage = currentPage;
  return criteria;
}

const isNumeric = (v: unknown): boolean => (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));

function compareValues(a: unknown, b: unknown): number {
  if (isNumeric(a) && isNumeric(b)) return Number(a) - Number(b);
  const x = String(a ?? '').toLowerCase();
  const y = String(b ?? '').toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function likeRegex(pattern: string): RegExp {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${escaped}$`, 'is');
}

/** One filter against a field value; MySQL's case-insensitive collation for text. */
export function matchesFilter(fieldValue: unknown, filter: Filter): boolean {
  const value = filter.value;
  const present = fieldValue !== undefined && fieldValue !== null;
  const values = Array.isArray(fieldValue) ? fieldValue : [fieldValue];
  switch (filter.conditionType) {
    case 'eq':
      return present && values.some((v) => compareValues(v, value) === 0);
    case 'neq':
      return present && values.every((v) => compareValues(v, value) !== 0);
    case 'gt':
      return present && compareValues(fieldValue, value) > 0;
    case 'gteq':
    case 'moreq':
    case 'from':
      return present && compareValues(fieldValue, value) >= 0;
    case 'lt':
      return present && compareValues(fieldValue, value) < 0;
    case 'lteq':
    case 'to':
      return present && compareValues(fieldValue, value) <= 0;
    case 'like':
      return present && likeRegex(value).test(String(fieldValue));
    case 'nlike':
      return present && !likeRegex(value).test(String(fieldValue));
    case 'fulltext':
      return present && likeRegex(`%${value}%`).test(String(fieldValue));
    case 'in': {
      const list = value.split(',').map((s) => s.trim());
      return present && values.some((v) => list.some((item) => compareValues(v, item) === 0));
    }
    case 'nin': {
      const list = value.split(',').map((s) => s.trim());
      return present && values.every((v) => list.every((item) => compareValues(v, item) !== 0));
    }
    case 'finset':
      return present && String(Array.isArray(fieldValue) ? fieldValue.join(',') : fieldValue).split(',').includes(value);
    case 'nfinset':
      return present && !String(Array.isArray(fieldValue) ? fieldValue.join(',') : fieldValue).split(',').includes(value);
    case 'null':
      return !present;
    case 'notnull':
      return present;
    default:
      // Magento passes unknown condition types to SQL, which fails: a 500 in production mode
      // ([L]: inferred like the unknown column of docs/contracts/magento.md#searchcriteria-and-paging, not observed).
      throw new MagentoHttpError(500, { message: 'Internal Error. Details are available in Magento log file. Report ID: webapi-condition' });
  }
}

export interface SearchResult<T> {
  items: T[];
  search_criteria: Record<string, unknown>;
  total_count: number;
}

export function echoCriteria(criteria: SearchCriteria): Record<string, unknown> {
  const echo: Record<string, unknown> = {
    filter_groups: criteria.filterGroups.map((filters) => ({
      filters: filters.map((f) => ({ field: f.field, value: f.value, ...(f.conditionSent ? { condition_type: f.conditionType } : {}) })),
    })),
  };
  if (criteria.sortOrders.length > 0) echo.sort_orders = criteria.sortOrders.map((s) => ({ field: s.field, direction: s.direction }));
  if (criteria.pageSize !== undefined) echo.page_size = criteria.pageSize;
  if (criteria.currentPage !== undefined) echo.current_page = criteria.currentPage;
  return echo;
}

export interface SearchSource<T> {
  all(): Iterable<T>;
  field(item: T, field: string): unknown;
  /** Optional index: candidates for `field eq|in values`, or undefined when the field has no index. */
  lookup?(field: string, values: string[]): T[] | undefined;
}

export function runSearch<T, R>(source: SearchSource<T>, criteria: SearchCriteria, paging: PagingSettings, render: (item: T) => R): SearchResult<R> {
  let pageSize = criteria.pageSize;
  if (pageSize !== undefined && paging.maxPageSize !== undefined && pageSize > paging.maxPageSize) {
    throw new MagentoHttpError(400, { message: 'Maximum SearchCriteria pageSize is %max', parameters: { max: paging.maxPageSize } });
  }
  const echoed = { ...criteria };
  if (pageSize === undefined && paging.defaultPageSize !== undefined) {
    pageSize = paging.defaultPageSize;
    echoed.pageSize = pageSize;
  }
  let candidates: Iterable<T> | undefined;
  let narrowedGroup = -1;
  if (source.lookup) {
    criteria.filterGroups.forEach((group, index) => {
      const only = group[0];
      if (candidates !== undefined || group.length !== 1 || !only) return;
      if (only.conditionType !== 'eq' && only.conditionType !== 'in') return;
      const found = source.lookup?.(only.field, only.conditionType === 'in' ? only.value.split(',').map((s) => s.trim()) : [only.value]);
      if (found) {
        candidates = found;
        narrowedGroup = index;
      }
    });
  }
  const matched: T[] = [];
  for (const item of candidates ?? source.all()) {
    let ok = true;
    for (let g = 0; g < criteria.filterGroups.length && ok; g += 1) {
      if (g === narrowedGroup) continue;
      ok = (criteria.filterGroups[g] as Filter[]).some((f) => matchesFilter(source.field(item, f.field), f));
    }
    if (ok) matched.push(item);
  }
  if (criteria.sortOrders.length > 0) {
    matched.sort((a, b) => {
      for (const s of criteria.sortOrders) {
        const diff = compareValues(source.field(a, s.field), source.field(b, s.field));
        if (diff !== 0) return s.direction === 'ASC' ? diff : -diff;
      }
      return 0;
    });
  }
  let page = matched;
  if (pageSize !== undefined && pageSize > 0) {
    let current = Math.max(1, criteria.currentPage ?? 1);
    const lastPage = Math.max(1, Math.ceil(matched.length / pageSize));
    if (paging.repeatLastPage && current > lastPage) current = lastPage;
    page = matched.slice((current - 1) * pageSize, current * pageSize);
  }
  return { items: page.map(render), search_criteria: echoCriteria(echoed), total_count: matched.length };
}
