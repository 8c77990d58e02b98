/**
 * Intake: what every transport does with an event once it is parsed. It only makes sure the
 * entity has its ledger row and wakes the worker; the flow then reads the current state from
 * the shop. So an event is a hint, never the truth: a duplicate finds the row already there, a
 * late or reordered one changes nothing the flow does not read anyway, and a lost one is found
 * by reconciliation (the orders flow's slower poll). The transport acknowledges only after
 * `accept` resolved, i.e. after the row is committed.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import { ORDER_EVENT_ORIGIN, RECONCILIATION_MISSED, type OrderData } from '../flows/order-data.js';
import { parseEvent, type ShopOrderEvent } from './events.js';

export type IntakeOutcome =
  /** A new ledger row: the worker enters the order. */
  | { status: 'recorded'; key: string }
  /** The row was there already (a duplicate, or a later event of a known order). */
  | { status: 'known'; key: string }
  /** A valid event of a type icsync does not act on. */
  | { status: 'ignored'; type: string }
  /** Not an event icsync can read: refused (webhook 400) or, on a broker, dropped with a warning. */
  | { status: 'invalid'; sentence: string };

export interface Intake {
  /** Parses and records one event body; resolves once the ledger row is committed. Throws only when the store fails. */
  acceptBody(body: string | Uint8Array, via: string): Promise<IntakeOutcome>;
  accept(event: ShopOrderEvent, via: string): Promise<IntakeOutcome>;
}

export interface IntakeOptions {
  store: Store;
  logger: Logger;
  /** Wakes the worker: the new row is due now. */
  wake: () => void;
  /** Called after each event is committed (metrics, the benchmark). */
  onAccepted?: (outcome: IntakeOutcome, via: string) => void;
}

export const COUNTER_RECEIVED = 'events.received';
export const COUNTER_RECORDED = 'events.recorded';
export const COUNTER_MISSED = RECONCILIATION_MISSED;

export function createIntake(options: IntakeOptions): Intake {
  const { store, logger } = options;

  async function accept(event: ShopOrderEvent, via: string): Promise<IntakeOutcome> {
    const data: OrderData = { orderId: event.orderId ?? '', createdAt: '', lines: [], origin: ORDER_EVENT_ORIGIN };
    const { row, created } = await store.ledger.ensure('order', { shopKey: event.orderNumber }, { state: 'discovered', data });
    if (created) {
      await store.ledger.appendEvent(row.id, { type: 'event', message: `announced by ${event.type} over ${via} (event ${event.id})` });
    } else if (row.state === 'skipped' && (row.data as OrderData | null)?.skippedForStatus) {
      // Skipped for its status when an earlier event came: read it again, its status may be one to enter now.
      await store.ledger.transition(row.id, null, { state: 'discovered', data: { ...(row.data as OrderData), skippedForStatus: undefined, origin: ORDER_EVENT_ORIGIN } }, { type: 'event', message: `${event.type} over ${via}: read again` });
    }
    await store.counters.add(COUNTER_RECEIVED);
    if (created) await store.counters.add(COUNTER_RECORDED);
    const outcome: IntakeOutcome = created ? { status: 'recorded', key: event.orderNumber } : { status: 'known', key: event.orderNumber };
    options.wake();
    logger.debug({ via, type: event.type, id: event.id, order: event.orderNumber, outcome: outcome.status }, 'event taken in');
    options.onAccepted?.(outcome, via);
    return outcome;
  }

  return {
    accept,
    async acceptBody(body, via) {
      const parsed = parseEvent(body);
      if (parsed.kind === 'invalid') return { status: 'invalid', sentence: parsed.sentence };
      if (parsed.kind === 'ignored') {
        logger.debug({ via, type: parsed.type, id: parsed.id }, 'event of a type icsync does not act on: acknowledged and ignored');
        const outcome: IntakeOutcome = { status: 'ignored', type: parsed.type };
        options.onAccepted?.(outcome, via);
        return outcome;
      }
      return accept(parsed.event, via);
    },
  };
}
