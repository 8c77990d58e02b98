/**
 * Request context and reply helpers shared by the route modules: query binding the way
 * ASP.NET's FromUri does it (`searchQuery.x` or plain `x`, any letter case), 1-based paging,
 * and the write results of docs/contracts/icenter.md#write-results.
 */
import type { EmulatorSettings } from './settings.js';
import type { OrgState, EmulatorState } from './model.js';
import { arrayOf, el, group, objOf, parseXmlBody, xmlDocument } from './xml.js';
import type { XNode, XmlObject } from './xml.js';
import { decodeRequest } from './encoding.js';
import { parseIcenterTime } from './clock.js';

export interface Reply {
  status: number;
  /** XML text; encoded by the server according to the encoding setting. */
  body?: string;
  headers?: Record<string, string>;
}

export interface Ctx {
  method: string;
  params: Record<string, string>;
  org: OrgState;
  state: EmulatorState;
  settings: EmulatorSettings;
  body: Buffer;
  contentType: string;
  /** Query value bound from `searchQuery.<name>` or `<name>`, case-insensitive. */
  query(name: string): string | undefined;
  /** Notified after a write (auto-invoice uses it). */
  events: EmulatorEvents;
}

export interface EmulatorEvents {
  orderCreated(org: OrgState, orderKey: string): void;
}

export function makeQuery(search: URLSearchParams): (name: string) => string | undefined {
  const prefixed = new Map<string, string>();
  const plain = new Map<string, string>();
  for (const [k, v] of search) {
    const lower = k.toLowerCase();
    if (lower.startsWith('searchquery.')) prefixed.set(lower.slice('searchquery.'.length), v);
    else plain.set(lower, v);
  }
  return (name) => prefixed.get(name.toLowerCase()) ?? plain.get(name.toLowerCase());
}

export function boolQuery(ctx: Ctx, name: string): boolean {
  return (ctx.query(name) ?? '').toLowerCase() === 'true';
}

/**
 * Delta filter from `recordDtModifiedFrom` (local time in the `timeZone` setting unless it has an
 * offset): keeps a stamp at or after it, or strictly after it (`modifiedFromInclusive`); without
 * the parameter it keeps everything.
 */
export function modifiedSince(ctx: Ctx): (modified: number) => boolean {
  const text = ctx.query('recordDtModifiedFrom');
  const from = text ? parseIcenterTime(text, ctx.settings.timeZone) : undefined;
  if (from === undefined) return () => true;
  return ctx.settings.modifiedFromInclusive ? (modified) => modified >= from : (modified) => modified > from;
}

function pageWindow(ctx: Ctx): { start: number; end: number } | undefined {
  const page = Number(ctx.query('page') ?? '');
  const size = Number(ctx.query('pageSize') ?? '');
  if (!Number.isInteger(size) || size <= 0) return undefined;
  const p = Number.isInteger(page) && page >= 1 ? page : 1;
  return { start: (p - 1) * size, end: p * size };
}

// A paged read of a big list: SQL Server pages with OFFSET over an index, which costs it little
// per skipped row; an emulator that filtered the whole list again for every page made a
// 100,000-item read quadratic and measured itself instead of the client. Each list a query
// selects is kept for the pages that follow: page 1 (or a query not seen for a minute) builds it
// anew, so a later read sees every change, as a real cursor over committed rows would.
const SNAPSHOT_TTL_MS = 60_000;
const snapshots = new WeakMap<object, Map<string, { rows: unknown[]; at: number }>>();

/** The requested page of the rows `build` produces for `key` (the query without its page). */
export function pagedSnapshot<T>(ctx: Ctx, key: string, build: () => Iterable<T>): T[] {
  const w = pageWindow(ctx);
  if (!w) return [...build()];
  let byKey = snapshots.get(ctx.org);
  if (!byKey) snapshots.set(ctx.org, (byKey = new Map()));
  const now = Date.now();
  let snapshot = byKey.get(key);
  if (w.start === 0 || !snapshot || now - snapshot.at > SNAPSHOT_TTL_MS) {
    snapshot = { rows: [...build()], at: now };
    byKey.set(key, snapshot);
    for (const [k, v] of byKey) if (now - v.at > SNAPSHOT_TTL_MS) byKey.delete(k);
  }
  snapshot.at = now;
  return snapshot.rows.slice(w.start, w.end) as T[];
}

/** 1-based paging; without page/pageSize everything comes back (as lookups do live, docs/contracts/icenter.md#paging-and-delta-reads). */
export function paginate<T>(ctx: Ctx, rows: T[]): T[] {
  const w = pageWindow(ctx);
  return w ? rows.slice(w.start, w.end) : rows;
}

export const xmlReply = (body: string, status = 200): Reply => ({ status, body });
export const listReply = (type: string, rows: XNode[]): Reply => xmlReply(arrayOf(type, rows));

export function errorsNode(messages: string[], level = 'ValidationError'): XNode[] {
  return messages.map((m) => group('Error', [el('Level', level), el('Message', m)]));
}

/** A validation rejection: 409 with a standalone ArrayOfError (docs/contracts/icenter.md#errors [CAP]) and x-icenter-message. */
export function conflict(messages: string[]): Reply {
  return { status: 409, body: arrayOf('Error', errorsNode(messages)), headers: { 'x-icenter-message': messages[0] ?? '' } };
}

export interface KeyPair {
  /** null: the key carries only `<Value>` (S2's AddCustomer comment [CODE]). */
  name: string | null;
  value: string;
}

export function createResult(keys: KeyPair[], keyElement: string, resultCode: 'Created' | 'Ok' = 'Created'): Reply {
  return xmlReply(xmlDocument(group('CreateResult', [
    group('Keys', keys.map((k) => group(keyElement, k.name === null ? [el('Value', k.value)] : [el('Name', k.name), el('Value', k.value)]))),
    el('ResultCode', resultCode),
    group('Errors', []),
  ])));
}

export function updateResult(): Reply {
  return xmlReply(xmlDocument(group('UpdateResult', [el('ResultCode', 'Ok'), group('Errors', [])])));
}

/** ASP.NET Web API's own error body (not an iCenter ArrayOfError). */
export function aspNetError(status: number, message: string): Reply {
  return { status, body: xmlDocument(group('Error', [el('Message', message)])) };
}

export const badRequest = (message: string): Reply => aspNetError(400, message);

/** Parses the body and returns the first root element found among `names`, or a 400 reply. */
export function readRoot(ctx: Ctx, names: string[]): { root: XmlObject } | { error: Reply } {
  try {
    const doc = parseXmlBody(ctx.body, (b) => decodeRequest(b, ctx.contentType));
    for (const n of names) {
      const root = objOf(doc[n]);
      if (root) return { root };
    }
  } catch {
    // fall through: a body iCenter cannot bind is a 400
  }
  return { error: badRequest('The request is invalid.') };
}
