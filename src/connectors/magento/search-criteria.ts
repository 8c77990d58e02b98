/**
 * searchCriteria query strings (docs/contracts/magento.md#searchcriteria-and-paging). Filters inside one group are OR, groups are
 * AND. The text is built here, RFC 3986-encoded, so that the bytes on the wire are exactly
 * the bytes the OAuth signature covers.
 */
import { rfc3986 } from './oauth.js';

export type ConditionType =
  | 'eq' | 'neq' | 'gt' | 'gteq' | 'lt' | 'lteq' | 'moreq' | 'like' | 'nlike' | 'in' | 'nin'
  | 'finset' | 'nfinset' | 'from' | 'to' | 'null' | 'notnull';

export interface Filter {
  field: string;
  value: string | number;
  condition?: ConditionType;
}

export interface SearchCriteria {
  /** AND of groups; each group is an OR of its filters. */
  filterGroups?: Filter[][];
  sortOrders?: { field: string; direction: 'ASC' | 'DESC' }[];
  pageSize?: number;
  currentPage?: number;
}

// Magento 2.4.4–2.4.7 sort signed keys in natural order, 2.4.8 in byte order: the two agree
// only while every index has one digit (oauth-vectors.json, "index 10 vs 2").
const MAX_INDEX = 9;

function checkIndex(index: number, what: string): void {
  if (index > MAX_INDEX) throw new Error(`searchCriteria supports at most ${MAX_INDEX + 1} ${what} (OAuth signatures differ between releases beyond that)`);
}

/** The query string without `?`. An empty criteria gives `searchCriteria=` (a bare `searchCriteria` breaks signatures on 2.4.4–2.4.7). */
export function searchCriteriaQuery(criteria: SearchCriteria): string {
  const pairs: [string, string][] = [];
  (criteria.filterGroups ?? []).forEach((group, g) => {
    checkIndex(g, 'filter groups');
    group.forEach((filter, f) => {
      checkIndex(f, 'filters in a group');
      const prefix = `searchCriteria[filter_groups][${g}][filters][${f}]`;
      pairs.push([`${prefix}[field]`, filter.field], [`${prefix}[value]`, String(filter.value)], [`${prefix}[condition_type]`, filter.condition ?? 'eq']);
    });
  });
  (criteria.sortOrders ?? []).forEach((sort, s) => {
    checkIndex(s, 'sort orders');
    pairs.push([`searchCriteria[sortOrders][${s}][field]`, sort.field], [`searchCriteria[sortOrders][${s}][direction]`, sort.direction]);
  });
  if (criteria.pageSize !== undefined) pairs.push(['searchCriteria[pageSize]', String(criteria.pageSize)]);
  if (criteria.currentPage !== undefined) pairs.push(['searchCriteria[currentPage]', String(criteria.currentPage)]);
  if (pairs.length === 0) return 'searchCriteria=';
  return pairs.map(([key, value]) => `${rfc3986(key)}=${rfc3986(value)}`).join('&');
}

/** Magento's date-time text: `YYYY-MM-DD HH:MM:SS` in UTC, no zone marker (docs/contracts/magento.md#dates-and-times). */
export function magentoUtc(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
