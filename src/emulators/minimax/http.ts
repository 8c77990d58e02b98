/** Request context and reply helpers of the API routes: JSON replies, query binding any letter case, paging, errors. */
import { decFromJson, type Decimal } from '../../core/decimal.js';
import type { EmulatorState, Meta, OrgState } from './model.js';
import type { MinimaxEmulatorSettings } from './settings.js';
import { parseWireTime, toWireTime } from './time.js';

export interface Reply {
  status: number;
  /** JSON value; undefined = no body. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Ctx {
  method: string;
  /** Path params from the route pattern, as written in the URL (decoded). */
  params: string[];
  org: OrgState;
  state: EmulatorState;
  settings: MinimaxEmulatorSettings;
  /** The request body as JSON (undefined when empty or not JSON). */
  body: unknown;
  bodyError: boolean;
  /** Query value by name, any letter case (ASP.NET binding). */
  query(name: string): string | undefined;
  /** Absolute URL of a created record, for `Location`. */
  location(resource: string, id: number): string;
  events: { orderCreated(org: OrgState, orderId: number): void };
}

export function makeQuery(search: URLSearchParams): (name: string) => string | undefined {
  const map = new Map<string, string>();
  for (const [k, v] of search) map.set(k.toLowerCase(), v);
  return (name) => map.get(name.toLowerCase());
}

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const message = (status: number, text: string, validation?: { PropertyName: string; Message: string }[]): Reply => ({
  status,
  body: validation ? { Message: text, ValidationMessages: validation } : { Message: text },
});
export const notFound = (what: string): Reply => message(404, `${what} ne obstaja.`);
export const validation = (items: { PropertyName: string; Message: string }[]): Reply => message(400, items.map((i) => i.Message).join(' '), items);

/** 201 with Location `…/{resource}/{id}?id={id}` (CODE C1/C2/C3); the body per the createBody setting. */
export function created(ctx: Ctx, resource: string, id: number, entity: unknown): Reply {
  return { status: 201, headers: { location: ctx.location(resource, id) }, ...(ctx.settings.createBody === 'entity' ? { body: entity } : {}) };
}

/** 1-based paging with the envelope `{Rows, TotalRows, CurrentPageNumber, PageSize}`; PageSize capped by maxPageSize. */
export function page<T>(ctx: Ctx, rows: T[], view: (row: T) => unknown): Reply {
  const size = Math.min(Math.max(1, Number(ctx.query('PageSize') ?? ctx.settings.defaultPageSize) || ctx.settings.defaultPageSize), ctx.settings.maxPageSize);
  const current = Math.max(1, Number(ctx.query('CurrentPage') ?? 1) || 1);
  const sortField = ctx.query('SortField');
  let sorted = rows;
  if (sortField) {
    const key = sortField as keyof T;
    const dir = (ctx.query('Order') ?? 'A').toUpperCase() === 'D' ? -1 : 1;
    sorted = [...rows].sort((a, b) => (a[key] === b[key] ? 0 : (a[key] as never) > (b[key] as never) ? dir : -dir));
  }
  const slice = sorted.slice((current - 1) * size, current * size);
  return ok({ Rows: slice.map(view), TotalRows: rows.length, CurrentPageNumber: current, PageSize: size });
}

/** `synccandidates`: records modified in [RecordDtModifiedFrom, RecordDtModifiedTo], as `{ID, RecordDtModified, RowVersion}`, paged. */
export function syncCandidates<T extends Meta>(ctx: Ctx, records: Iterable<T>, id: (r: T) => number): Reply {
  const zone = ctx.settings.timeZone;
  const fromText = ctx.query('RecordDtModifiedFrom');
  const toText = ctx.query('RecordDtModifiedTo');
  const from = fromText ? parseWireTime(fromText, zone) : undefined;
  const to = toText ? parseWireTime(toText, zone) : undefined;
  if ((fromText && from === undefined) || (toText && to === undefined)) return message(400, 'RecordDtModifiedFrom/To: napačen format datuma.');
  // Stamps are written in whole seconds: compare at that resolution, as the wire shows them.
  const second = (ms: number): number => Math.floor(ms / 1000) * 1000;
  const rows = [...records].filter((r) => (from === undefined || second(r.modified) >= from) && (to === undefined || second(r.modified) <= to)).sort((a, b) => a.modified - b.modified);
  return page(ctx, rows, (r) => ({ ID: id(r), RecordDtModified: toWireTime(r.modified, zone), RowVersion: r.rowVersion }));
}

/** An Fk's ID from a request body (`{ID: 5}`), or undefined. */
export function fkId(value: unknown): number | undefined {
  if (value && typeof value === 'object' && 'ID' in value) {
    const id = Number((value as { ID: unknown }).ID);
    return Number.isInteger(id) ? id : undefined;
  }
  return undefined;
}

export function text(value: unknown): string | null {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
}

/** RowVersion check of a PUT or an action: stale or missing → the concurrency error (status per setting, INF Q2). */
export function staleRowVersion(ctx: Ctx, record: Meta, given: string | undefined): Reply | undefined {
  // A raw `+` in a query string arrives as a space: accept the value URL-encoded or raw (docs/contracts/minimax.md#conventions).
  const value = given?.replace(/ /g, '+');
  if (value === record.rowVersion) return undefined;
  return message(ctx.settings.concurrencyStatus, 'Concurrency error: zapis je medtem spremenil drug uporabnik (RowVersion). Preberite ga znova.');
}

/** A decimal from a JSON body: numbers arrive as JSON numbers (their shortest text is what the client wrote). */
export function jsonDec(value: unknown): Decimal | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  try {
    return decFromJson(value);
  } catch {
    return undefined;
  }
}
