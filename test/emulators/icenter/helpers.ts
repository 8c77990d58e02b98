import { request } from 'undici';
import type { Dispatcher } from 'undici';
import { startIcenterEmulator } from '../../../src/emulators/icenter/index.js';
import type { IcenterEmulator, IcenterEmulatorOptions } from '../../../src/emulators/icenter/index.js';

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  text: string;
}

export interface CallOptions {
  method?: Dispatcher.HttpMethod;
  org?: string | null;
  auth?: string | null;
  body?: string | Buffer;
  headers?: Record<string, string>;
  dispatcher?: Dispatcher;
}

export async function startSmall(options: IcenterEmulatorOptions = {}): Promise<IcenterEmulator> {
  return startIcenterEmulator({ seed: { items: 30, customers: 10, seed: 7, organisations: [1, 2] }, ...options });
}

export function basic(e: IcenterEmulator, password = e.credentials.password): string {
  return `Basic ${Buffer.from(`${e.credentials.user}:${password}`).toString('base64')}`;
}

/** Calls `<baseUrl>/<path>` with Basic auth and OrganisationId 1 unless told otherwise. */
export async function call(e: IcenterEmulator, path: string, o: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...o.headers };
  const auth = o.auth === undefined ? basic(e) : o.auth;
  if (auth !== null) headers.authorization = auth;
  const org = o.org === undefined ? '1' : o.org;
  if (org !== null) headers.OrganisationId = org;
  if (o.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/xml';
  const res = await request(`${e.baseUrl}/${path}`, { method: o.method ?? 'GET', headers, body: o.body, dispatcher: o.dispatcher });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, bytes, text: bytes.toString('utf8') };
}

export async function admin(e: IcenterEmulator, method: Dispatcher.HttpMethod, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await request(`${e.adminUrl}/${path}`, {
    method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' },
  });
  return { status: res.statusCode, json: await res.body.json() };
}

/** All values of an element in a document (simple test helper, no nesting of the same name). */
export function values(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}(?: [^>]*)?>([^<]*)</${name}>`, 'g'))].map((m) => m[1] ?? '');
}

export const orderXml = (o: { book?: string; customer: string; ref?: string; lines: { item: string; qty: string; price?: string; vat?: string; discount?: string; incl?: boolean }[]; warehouse?: string }): string =>
  `<?xml version="1.0" encoding="utf-8"?><OrderHeader><OrderYear>2026</OrderYear><OrderBook>${o.book ?? 'WEB'}</OrderBook>` +
  `<WarehouseId>${o.warehouse ?? '0000001'}</WarehouseId><CustomerId>${o.customer}</CustomerId><OrderDate>2026-09-01T10:15:00</OrderDate>` +
  `<OrderReference>${o.ref ?? 'MAG-1'}</OrderReference><CurrencyId>978</CurrencyId><OrderLines>` +
  o.lines.map((l, i) => `<OrderLine><OrderLineNo>${i + 1}</OrderLineNo><ItemID>${l.item}</ItemID><Qty>${l.qty}</Qty>` +
    (l.price ? `<Price>${l.price}</Price>` : '') + (l.discount ? `<DiscountPercentage>${l.discount}</DiscountPercentage>` : '') +
    (l.vat ? `<VATRateId>${l.vat}</VATRateId>` : '') + `<PriceIncludeVAT>${l.incl ? 'true' : 'false'}</PriceIncludeVAT></OrderLine>`).join('') +
  '</OrderLines></OrderHeader>';
