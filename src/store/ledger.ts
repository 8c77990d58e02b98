/**
 * The ledger repository: one row per entity that crosses between shop and ERP, plus its
 * append-only timeline. Flows use these functions only, never SQL. Leases make claiming
 * safe with many workers: a row is worked on by the owner of an unexpired lease.
 */
import type { Insertable, Updateable } from 'kysely';
import { chunks, run, select, storeNow } from './engine.js';
import type { Engine } from './engine.js';
import { isUniqueViolation, KeyConflictError, LeaseLostError, LinkNotFoundError, StoreError } from './errors.js';
import { byDueOrder, toEvent, toLink } from './rows.js';
import type { RawLink } from './rows.js';
import type { LinkEventsTable, LinksTable } from './schema.js';
import type {
  ClaimOptions,
  EntityKind,
  EventInput,
  HashRecord,
  Ledger,
  LinkChange,
  LinkKeys,
  LinkRow,
  ListFilter,
  OutboxMapper,
} from './types.js';
import { outboxValues } from './outbox.js';

/** Rows per statement: 500 × 9 bound values stays far below SQLite's and PostgreSQL's limits. */
const CHUNK = 500;
const LIST_DEFAULT = 100;
const LIST_MAX = 1000;

export function createLedger(engine: Engine, clock: () => Date, outbox?: OutboxMapper): Ledger {
  const { db, codec } = engine;
  const link = (raw: RawLink): LinkRow => toLink(raw, codec);

  /** "Now" for leases, from the database's clock (see `storeNow`). */
  const dbNow = () => storeNow(engine, clock);

  const byKey = (kind: EntityKind, column: 'shop_key' | 'erp_key', key: string) =>
    db.selectFrom('links').selectAll().where('kind', '=', kind).where(column, '=', key);

  function requireKeys(keys: LinkKeys): void {
    if (keys.shopKey === undefined && keys.erpKey === undefined) {
      throw new StoreError('a ledger row needs a shop key or an ERP key');
    }
  }

  function* findInTx(kind: EntityKind, keys: LinkKeys) {
    if (keys.shopKey !== undefined) {
      const [row] = yield* select(byKey(kind, 'shop_key', keys.shopKey));
      if (row) return row;
    }
    if (keys.erpKey !== undefined) {
      const [row] = yield* select(byKey(kind, 'erp_key', keys.erpKey));
      if (row) return row;
    }
    return undefined;
  }

  /** Explains why an owner-guarded update touched nothing. */
  function* leaseFailure(id: number, owner: string) {
    const [row] = yield* select(db.selectFrom('links').select('lease_owner').where('id', '=', id));
    return row ? new LeaseLostError(id, owner, row.lease_owner) : new LinkNotFoundError(id);
  }

  const eventRow = (linkId: number, state: string | null, event: EventInput, at: Date): Insertable<LinkEventsTable> => ({
    link_id: linkId,
    at: codec.time(at),
    type: event.type,
    state,
    message: event.message,
    data: codec.json(event.data),
  });

  function dueQuery(opts: ClaimOptions, now: Date) {
    const t = codec.time(now);
    return db
      .selectFrom('links')
      .select('id')
      .where('kind', 'in', opts.kinds)
      .where('state', 'in', opts.states)
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', t)]))
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', t)]))
      .orderBy('next_attempt_at', (ob) => ob.asc().nullsFirst())
      .orderBy('id')
      .limit(opts.limit);
  }

  async function claimDue(opts: ClaimOptions): Promise<LinkRow[]> {
    if (opts.kinds.length === 0 || opts.states.length === 0 || opts.limit <= 0) return [];
    const rows = await engine.write(function* () {
      const now = opts.now ?? (yield* dbNow());
      const lease = { lease_owner: opts.owner, lease_until: codec.time(new Date(now.getTime() + opts.leaseMs)) };
      const picked = dueQuery(opts, now);
      if (engine.dialect === 'postgres') {
        // SKIP LOCKED: concurrent claimers pass over rows another transaction is taking.
        // The CTE is evaluated once, so the LIMIT holds (an IN-subquery may be re-run).
        return yield* select(
          db
            .with('picked', () => picked.forUpdate().skipLocked())
            .updateTable('links')
            .from('picked')
            .set(lease)
            .whereRef('links.id', '=', 'picked.id')
            .returningAll('links'),
        );
      }
      // SQLite: BEGIN IMMEDIATE holds the only write lock from select to update.
      return yield* select(db.updateTable('links').set(lease).where('id', 'in', picked).returningAll());
    });
    return rows.map(link).sort(byDueOrder);
  }

  async function transition(id: number, owner: string | null, change: LinkChange, event: EventInput): Promise<LinkRow> {
    const now = clock();
    const set: Updateable<LinksTable> = { updated_at: codec.time(now) };
    if (change.state !== undefined) set.state = change.state;
    if (change.shopKey !== undefined) set.shop_key = change.shopKey;
    if (change.erpKey !== undefined) set.erp_key = change.erpKey;
    if (change.contentHash !== undefined) set.content_hash = change.contentHash;
    if (change.attempts !== undefined) set.attempts = change.attempts;
    if (change.nextAttemptAt !== undefined) set.next_attempt_at = change.nextAttemptAt && codec.time(change.nextAttemptAt);
    if (change.lastError !== undefined) set.last_error = change.lastError;
    if (change.lastErrorClass !== undefined) set.last_error_class = change.lastErrorClass;
    if (change.data !== undefined) set.data = codec.json(change.data);
    if (change.releaseLease) {
      set.lease_owner = null;
      set.lease_until = null;
    }
    let update = db.updateTable('links').set(set).where('id', '=', id);
    if (owner !== null) update = update.where('lease_owner', '=', owner);
    const guarded = update.returningAll();

    try {
      const raw = await engine.write(function* () {
        const [row] = yield* select(guarded);
        if (!row) throw owner === null ? new LinkNotFoundError(id) : yield* leaseFailure(id, owner);
        yield* run(db.insertInto('link_events').values(eventRow(id, row.state, event, now)));
        // The announcement commits with the change or not at all (docs/EVENTS.md, outbox).
        const announced = outbox?.fromLink(link(row), event);
        if (announced) yield* run(db.insertInto('outbox').values(outboxValues(announced, codec, now)));
        return row;
      });
      return link(raw);
    } catch (err) {
      if (isUniqueViolation(err)) {
        const current = await get0(id);
        throw new KeyConflictError(current?.kind ?? 'entity', { shopKey: change.shopKey, erpKey: change.erpKey ?? undefined }, { cause: err });
      }
      throw err;
    }
  }

  async function get0(id: number): Promise<LinkRow | undefined> {
    const [raw] = await engine.read(db.selectFrom('links').selectAll().where('id', '=', id));
    return raw && link(raw);
  }

  async function recordHashes(kind: EntityKind, records: readonly HashRecord[]): Promise<void> {
    // Last record wins per key: one statement must not upsert the same row twice.
    const byShop = new Map<string, HashRecord>();
    const byErp = new Map<string, HashRecord>();
    for (const r of records) {
      requireKeys(r);
      if (r.shopKey !== undefined) byShop.set(r.shopKey, r);
      else byErp.set(r.erpKey as string, r);
    }
    if (byShop.size === 0 && byErp.size === 0) return;
    const t = codec.time(clock());
    const values = (rows: HashRecord[]): Insertable<LinksTable>[] =>
      rows.map((r) => ({
        kind,
        shop_key: r.shopKey ?? null,
        erp_key: r.erpKey ?? null,
        state: r.state,
        content_hash: r.contentHash,
        data: codec.json(r.data),
        created_at: t,
        updated_at: t,
      }));
    const upsert = (column: 'shop_key' | 'erp_key', rows: HashRecord[]) =>
      db
        .insertInto('links')
        .values(values(rows))
        .onConflict((oc) =>
          oc
            .columns(['kind', column])
            .where(column, 'is not', null)
            .doUpdateSet((eb) => ({
              state: eb.ref('excluded.state'),
              content_hash: eb.ref('excluded.content_hash'),
              // Absent data or key keeps what the row had.
              data: eb.fn.coalesce('excluded.data', 'links.data'),
              shop_key: eb.fn.coalesce('links.shop_key', 'excluded.shop_key'),
              erp_key: eb.fn.coalesce('excluded.erp_key', 'links.erp_key'),
              attempts: 0,
              last_error: null,
              last_error_class: null,
              updated_at: eb.ref('excluded.updated_at'),
            })),
        );
    const statements = [
      ...chunks([...byShop.values()], CHUNK).map((rows) => upsert('shop_key', rows)),
      ...chunks([...byErp.values()], CHUNK).map((rows) => upsert('erp_key', rows)),
    ];
    try {
      await engine.write(function* () {
        for (const statement of statements) yield* run(statement);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new KeyConflictError(kind, {}, { cause: err });
      throw err;
    }
  }

  return {
    async get(kind, keys) {
      requireKeys(keys);
      if (keys.shopKey !== undefined) {
        const [raw] = await engine.read(byKey(kind, 'shop_key', keys.shopKey));
        if (raw) return link(raw);
      }
      if (keys.erpKey !== undefined) {
        const [raw] = await engine.read(byKey(kind, 'erp_key', keys.erpKey));
        if (raw) return link(raw);
      }
      return undefined;
    },

    async getMany(kind, by, keys) {
      const column = by === 'shop' ? 'shop_key' : 'erp_key';
      const found = new Map<string, LinkRow>();
      for (const part of chunks([...new Set(keys)], CHUNK)) {
        const rows = await engine.read(db.selectFrom('links').selectAll().where('kind', '=', kind).where(column, 'in', part));
        for (const raw of rows) found.set(raw[column] as string, link(raw));
      }
      return found;
    },

    async ensure(kind, keys, init) {
      requireKeys(keys);
      const t = codec.time(clock());
      const insert = db
        .insertInto('links')
        .values({
          kind,
          shop_key: keys.shopKey ?? null,
          erp_key: keys.erpKey ?? null,
          state: init.state,
          data: codec.json(init.data),
          next_attempt_at: init.nextAttemptAt ? codec.time(init.nextAttemptAt) : null,
          created_at: t,
          updated_at: t,
        })
        // No conflict target: whichever key is taken, the existing row wins.
        .onConflict((oc) => oc.doNothing())
        .returningAll();
      const result = await engine.write(function* () {
        const [inserted] = yield* select(insert);
        if (inserted) return { raw: inserted, created: true };
        const existing = yield* findInTx(kind, keys);
        if (!existing) throw new StoreError(`could not insert or find the ${kind} ledger row`);
        return { raw: existing, created: false };
      });
      return { row: link(result.raw), created: result.created };
    },

    recordHashes,
    claimDue,

    async claimById(id, owner, leaseMs) {
      const [raw] = await engine.write(function* () {
        const now = yield* dbNow();
        const t = codec.time(now);
        return yield* select(
          db
            .updateTable('links')
            .set({ lease_owner: owner, lease_until: codec.time(new Date(now.getTime() + leaseMs)) })
            .where('id', '=', id)
            // Not even the same owner may take a held lease again: two concurrent steps of one
            // process share an owner, and both creating the same partner is what leases prevent.
            .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', t)]))
            .returningAll(),
        );
      });
      return raw && link(raw);
    },

    async renewLease(id, owner, leaseMs) {
      const raw = await engine.write(function* () {
        const until = codec.time(new Date((yield* dbNow()).getTime() + leaseMs));
        const [row] = yield* select(
          db.updateTable('links').set({ lease_until: until }).where('id', '=', id).where('lease_owner', '=', owner).returningAll(),
        );
        if (!row) throw yield* leaseFailure(id, owner);
        return row;
      });
      return link(raw);
    },

    transition,

    async release(id, owner) {
      await engine.write(function* () {
        yield* run(
          db.updateTable('links').set({ lease_owner: null, lease_until: null }).where('id', '=', id).where('lease_owner', '=', owner),
        );
      });
    },

    async releaseAll(owner) {
      return engine.write(function* () {
        const result = yield* run(db.updateTable('links').set({ lease_owner: null, lease_until: null }).where('lease_owner', '=', owner));
        return result.affected;
      });
    },

    async appendEvent(id, event) {
      const now = clock();
      await engine.write(function* () {
        const [row] = yield* select(db.selectFrom('links').select('state').where('id', '=', id));
        if (!row) throw new LinkNotFoundError(id);
        yield* run(db.insertInto('link_events').values(eventRow(id, row.state, event, now)));
      });
    },

    async timeline(kind, key) {
      const [byShop] = await engine.read(byKey(kind, 'shop_key', key));
      const raw = byShop ?? (await engine.read(byKey(kind, 'erp_key', key)))[0];
      if (!raw) return undefined;
      // Append order (id), not `at`: clocks of several processes may disagree slightly.
      const events = await engine.read(db.selectFrom('link_events').selectAll().where('link_id', '=', raw.id).orderBy('id'));
      return { link: link(raw), events: events.map((e) => toEvent(e, codec)) };
    },

    async list(filter: ListFilter = {}) {
      let query = db.selectFrom('links').selectAll();
      if (filter.kind) query = query.where('kind', '=', filter.kind);
      if (filter.states) {
        if (filter.states.length === 0) return [];
        query = query.where('state', 'in', filter.states);
      }
      if (filter.withError) query = query.where('last_error', 'is not', null);
      const limit = Math.min(Math.max(1, filter.limit ?? LIST_DEFAULT), LIST_MAX);
      const rows = await engine.read(
        query.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(limit).offset(Math.max(0, filter.offset ?? 0)),
      );
      return rows.map(link);
    },

    async countByState() {
      const rows = await engine.read(
        db
          .selectFrom('links')
          .select(['kind', 'state', (eb) => eb.fn.countAll().as('count')])
          .groupBy(['kind', 'state'])
          .orderBy('kind')
          .orderBy('state'),
      );
      return rows.map((r) => ({ kind: r.kind as EntityKind, state: r.state, count: Number(r.count) }));
    },
  };
}
