/**
 * The events that cross the bus, as CloudEvents 1.0 (structured JSON mode on every transport).
 *
 * In: the icsync Magento module's order events, `com.icsync.magento.order.<what>` with the
 * order number (`increment_id`) as `subject`. An event is a hint that an order changed, never
 * its content: the orders flow reads the order from the shop (docs/EVENTS.md).
 *
 * Out: icsync's own events, `com.icsync.<what>`, published from the store's outbox.
 * JSON Schemas of every event are in docs/events/.
 */
import { CloudEvent, ValidationError } from 'cloudevents';

export const SHOP_EVENT_PREFIX = 'com.icsync.magento.order.';
export const SHOP_EVENT_TYPES = ['placed', 'invoiced', 'shipped', 'canceled', 'changed'] as const;
export type ShopEventWhat = (typeof SHOP_EVENT_TYPES)[number];

/** An order event from the shop, as intake needs it. */
export interface ShopOrderEvent {
  id: string;
  source: string;
  type: string;
  what: ShopEventWhat;
  /** The order number (`increment_id`) from `subject`. */
  orderNumber: string;
  /** The shop's internal order id, when the module sent it in `data.entity_id`: saves a look-up. */
  orderId?: string;
  time?: string;
}

export type ParsedEvent =
  | { kind: 'order'; event: ShopOrderEvent }
  /** A valid CloudEvent of a type icsync does not act on: acknowledged and ignored. */
  | { kind: 'ignored'; id: string; type: string }
  | { kind: 'invalid'; sentence: string };

/** Largest order number accepted: Magento's increment_id is varchar(50). */
const MAX_ORDER_NUMBER = 50;

/** Parses one structured-mode CloudEvent (JSON text or bytes); never throws. */
export function parseEvent(body: string | Uint8Array): ParsedEvent {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'invalid', sentence: 'The body is not JSON (expected a CloudEvent in structured mode, application/cloudevents+json).' };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { kind: 'invalid', sentence: 'The body is not a JSON object (expected one CloudEvent; batches are not accepted).' };
  }
  // The library fills in a missing id and time: a delivery without them is refused here instead,
  // since the id is what tells a repeat from a new event.
  const missing = ['specversion', 'id', 'source', 'type'].filter((name) => typeof (json as Record<string, unknown>)[name] !== 'string' || (json as Record<string, string>)[name] === '');
  if (missing.length > 0) return { kind: 'invalid', sentence: `The body is not a valid CloudEvent 1.0: ${missing.join(', ')} missing or empty.` };
  let event: CloudEvent<unknown>;
  try {
    event = new CloudEvent(json as Record<string, unknown>, true);
  } catch (error) {
    const detail = error instanceof ValidationError ? (error.errors ?? []).map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('; ') : (error as Error).message;
    return { kind: 'invalid', sentence: `The body is not a valid CloudEvent 1.0: ${detail.slice(0, 300)}` };
  }
  if (event.specversion !== '1.0') return { kind: 'invalid', sentence: `CloudEvents specversion ${event.specversion} is not accepted; send 1.0.` };
  if (!event.type.startsWith(SHOP_EVENT_PREFIX)) return { kind: 'ignored', id: event.id, type: event.type };
  const what = event.type.slice(SHOP_EVENT_PREFIX.length);
  if (!(SHOP_EVENT_TYPES as readonly string[]).includes(what)) return { kind: 'ignored', id: event.id, type: event.type };
  const subject = typeof event.subject === 'string' ? event.subject.trim() : '';
  if (subject === '' || subject.length > MAX_ORDER_NUMBER || [...subject].some((char) => char.charCodeAt(0) < 0x20)) {
    return { kind: 'invalid', sentence: `Event ${event.id} (${event.type}): subject must be the order number (increment_id, 1 to ${MAX_ORDER_NUMBER} characters); got ${JSON.stringify(event.subject ?? null).slice(0, 80)}.` };
  }
  const data = event.data as Record<string, unknown> | undefined;
  const entityId = data && typeof data === 'object' ? data.entity_id : undefined;
  const orderId = typeof entityId === 'number' || (typeof entityId === 'string' && /^\d{1,18}$/.test(entityId)) ? String(entityId) : undefined;
  return {
    kind: 'order',
    event: {
      id: event.id,
      source: event.source,
      type: event.type,
      what: what as ShopEventWhat,
      orderNumber: subject,
      ...(orderId !== undefined && { orderId }),
      ...(event.time !== undefined && { time: event.time }),
    },
  };
}

/** icsync's own event types (published through the outbox). */
export const ICSYNC_EVENT_TYPES = {
  orderInErp: 'com.icsync.order.entered',
  invoiceInShop: 'com.icsync.invoice.sent',
  needsAttention: 'com.icsync.record.needs_attention',
  flowFailed: 'com.icsync.flow.failed',
} as const;
export type IcsyncEventType = (typeof ICSYNC_EVENT_TYPES)[keyof typeof ICSYNC_EVENT_TYPES];

/** What the outbox keeps of an event before it is published. */
export interface OutgoingEvent {
  /** Stable id (the outbox row's): a consumer that sees it twice knows it is the same event. */
  id: string;
  type: IcsyncEventType;
  subject: string;
  time: Date;
  data: Record<string, unknown>;
}

/** The structured-mode JSON text of one of icsync's events. */
export function encodeOutgoing(event: OutgoingEvent, source: string): string {
  const cloudEvent = new CloudEvent({
    specversion: '1.0',
    id: event.id,
    source,
    type: event.type,
    subject: event.subject,
    time: event.time.toISOString(),
    datacontenttype: 'application/json',
    data: event.data,
  });
  return JSON.stringify(cloudEvent);
}

export const CLOUDEVENTS_JSON = 'application/cloudevents+json';
