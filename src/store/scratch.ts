/**
 * Scratch space for one flow run: a throwaway SQLite file in the system's temporary folder,
 * deleted when the run closes it. Flows use it where a whole catalog would otherwise sit in a
 * JS map: summing the stock of several ERP warehouses that feed one shop source, and holding a
 * full price list while the items are read page by page. Memory then stays flat at any catalog
 * size (SQLite pages to disk), and the store itself is not touched, so a dry run (read-only
 * store) and a PostgreSQL store work the same way.
 *
 * Quantities and prices are kept as the exact decimal text they came as; sums are made in JS
 * with exact decimals over rows read back in key order, never by SQL arithmetic.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { add, type Decimal } from '../core/decimal.js';

export interface ScratchStockRow {
  sku: string;
  source: string;
  quantity: Decimal;
}

/** Rows per INSERT transaction: large enough to be cheap, small enough to keep memory flat. */
const INSERT_BATCH = 5_000;

export interface Scratch {
  /** Adds ERP stock rows (already mapped to a source) to be summed per sku@source. */
  addStock(rows: readonly ScratchStockRow[]): void;
  /** The sums per sku@source in pages of `pageSize`, ordered by source then SKU. */
  summedStock(pageSize: number): Generator<ScratchStockRow[]>;
  /** How many sku@source sums `summedStock` will give (for a progress bar's total). */
  summedStockCount(): number;
  /** Keeps values by key (the last one put wins), e.g. a price list by SKU. */
  put(kind: string, entries: Iterable<[key: string, value: unknown]>): void;
  /** The values kept under these keys. */
  get<T>(kind: string, keys: readonly string[]): Map<string, T>;
  /** Every key kept for a kind, in key order, in pages. */
  keys(kind: string, pageSize: number): Generator<string[]>;
  /** Closes and deletes the file. */
  close(): void;
}

export function openScratch(folder = tmpdir()): Scratch {
  const path = join(folder, `icsync-scratch-${process.pid}-${randomUUID()}.db`);
  const db = new Database(path);
  // Nothing here must survive a crash: no journal, no fsync.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(`
    CREATE TABLE stock (source TEXT NOT NULL, sku TEXT NOT NULL, quantity TEXT NOT NULL);
    CREATE TABLE kv (kind TEXT NOT NULL, k TEXT NOT NULL, v TEXT NOT NULL, PRIMARY KEY (kind, k)) WITHOUT ROWID;
  `);
  const insertStock = db.prepare('INSERT INTO stock (source, sku, quantity) VALUES (?, ?, ?)');
  const upsert = db.prepare('INSERT INTO kv (kind, k, v) VALUES (?, ?, ?) ON CONFLICT (kind, k) DO UPDATE SET v = excluded.v');
  const addStockBatch = db.transaction((rows: readonly ScratchStockRow[]) => {
    for (const row of rows) insertStock.run(row.source, row.sku, row.quantity);
  });
  const putBatch = db.transaction((kind: string, entries: [string, unknown][]) => {
    for (const [key, value] of entries) upsert.run(kind, key, JSON.stringify(value));
  });
  let indexed = false;
  let closed = false;
  // One index after the inserts is cheaper than keeping it up during them.
  const ensureIndex = (): void => {
    if (indexed) return;
    db.exec('CREATE INDEX stock_key ON stock (source, sku)');
    indexed = true;
  };

  return {
    addStock(rows) {
      for (let i = 0; i < rows.length; i += INSERT_BATCH) addStockBatch(rows.slice(i, i + INSERT_BATCH));
    },

    summedStockCount() {
      ensureIndex();
      return (db.prepare('SELECT COUNT(*) AS n FROM (SELECT 1 FROM stock GROUP BY source, sku)').get() as { n: number }).n;
    },

    *summedStock(pageSize) {
      ensureIndex();
      let page: ScratchStockRow[] = [];
      let current: ScratchStockRow | undefined;
      const rows = db.prepare('SELECT source, sku, quantity FROM stock ORDER BY source, sku').iterate() as IterableIterator<{ source: string; sku: string; quantity: string }>;
      for (const row of rows) {
        if (current && current.source === row.source && current.sku === row.sku) {
          current.quantity = add(current.quantity, row.quantity as Decimal);
          continue;
        }
        if (current) {
          page.push(current);
          if (page.length >= pageSize) {
            yield page;
            page = [];
          }
        }
        current = { source: row.source, sku: row.sku, quantity: row.quantity as Decimal };
      }
      if (current) page.push(current);
      if (page.length > 0) yield page;
    },

    put(kind, entries) {
      let batch: [string, unknown][] = [];
      for (const entry of entries) {
        batch.push(entry);
        if (batch.length >= INSERT_BATCH) {
          putBatch(kind, batch);
          batch = [];
        }
      }
      if (batch.length > 0) putBatch(kind, batch);
    },

    get<T>(kind: string, keys: readonly string[]): Map<string, T> {
      const found = new Map<string, T>();
      // SQLite allows 32,766 bound values; 500 keys a statement keep it far from that.
      for (let i = 0; i < keys.length; i += 500) {
        const part = keys.slice(i, i + 500);
        const rows = db.prepare(`SELECT k, v FROM kv WHERE kind = ? AND k IN (${part.map(() => '?').join(',')})`).all(kind, ...part) as { k: string; v: string }[];
        for (const row of rows) found.set(row.k, JSON.parse(row.v) as T);
      }
      return found;
    },

    *keys(kind, pageSize) {
      let after = '';
      const next = db.prepare('SELECT k FROM kv WHERE kind = ? AND k > ? ORDER BY k LIMIT ?');
      for (;;) {
        const page = (next.all(kind, after, pageSize) as { k: string }[]).map((row) => row.k);
        if (page.length === 0) return;
        yield page;
        after = page[page.length - 1]!;
        if (page.length < pageSize) return;
      }
    },

    close() {
      if (closed) return;
      closed = true;
      db.close();
      rmSync(path, { force: true });
    },
  };
}
