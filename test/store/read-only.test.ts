/**
 * The dry-run store (openStore readOnly): nothing reaches the disk or the database, every write
 * fails, and a store that does not exist yet reads as an empty ledger. SQLite files and a real
 * PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { postgresBackend } from './backends.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'icsync-ro-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Every kind of write a flow could make, each expected to fail. */
async function expectWritesRefused(store: Store): Promise<void> {
  await expect(store.ledger.ensure('partner', { shopKey: 'ro-new' }, { state: 'discovered' })).rejects.toThrow(/read-?only/i);
  await expect(store.ledger.recordHashes('product', [{ shopKey: 'RO-1', contentHash: 'h', state: 'synced' }])).rejects.toThrow(/read-?only/i);
  await expect(store.cursors.set('orders', '2026-01-01T00:00:00Z')).rejects.toThrow(/read-?only/i);
  await expect(store.runs.start('orders')).rejects.toThrow(/read-?only/i);
  await expect(store.locks.tryAcquire('flow:orders', 'me', 1000)).rejects.toThrow(/read-?only/i);
}

async function seed(url: string): Promise<void> {
  const store = await openStore({ url });
  try {
    await store.ledger.ensure('partner', { shopKey: 'ana@example.si' }, { state: 'discovered', data: { draft: { name: 'Ana' } } });
    await store.ledger.recordHashes('product', [{ shopKey: 'SKU-1', contentHash: 'abc', state: 'synced' }]);
    await store.cursors.set('orders', '2026-05-01T10:00:00.000Z');
  } finally {
    await store.close();
  }
}

describe('read-only store on SQLite', () => {
  it('a path that does not exist: an empty ledger, and no folder or file is created', async () => {
    const dir = tempDir();
    const path = join(dir, 'not', 'yet', 'icsync.db');
    const store = await openStore({ url: `sqlite:${path}`, readOnly: true });
    try {
      expect(await store.ledger.countByState()).toEqual([]);
      expect(await store.cursors.get('orders')).toBeUndefined();
      await expectWritesRefused(store);
    } finally {
      await store.close();
    }
    expect(existsSync(join(dir, 'not'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an existing file no process has open: read as it is, its bytes, mtime and folder unchanged, no -wal/-shm left', async () => {
    const dir = tempDir();
    const path = join(dir, 'icsync.db');
    await seed(`sqlite:${path}`);
    const files = readdirSync(dir);
    expect(files).toEqual(['icsync.db']);
    const before = { digest: digest(path), mtime: statSync(path).mtimeMs };
    const store = await openStore({ url: `sqlite:${path}`, readOnly: true });
    try {
      expect((await store.ledger.get('partner', { shopKey: 'ana@example.si' }))?.state).toBe('discovered');
      expect((await store.ledger.get('product', { shopKey: 'SKU-1' }))?.contentHash).toBe('abc');
      expect(await store.cursors.get('orders')).toBe('2026-05-01T10:00:00.000Z');
      await expectWritesRefused(store);
    } finally {
      await store.close();
    }
    expect(readdirSync(dir)).toEqual(files);
    expect({ digest: digest(path), mtime: statSync(path).mtimeMs }).toEqual(before);
  });

  it('a file another process is writing: its rows are read, including those still in its -wal, and writes are refused', async () => {
    const dir = tempDir();
    const url = `sqlite:${join(dir, 'icsync.db')}`;
    await seed(url);
    const live = await openStore({ url });
    try {
      await live.ledger.ensure('order', { shopKey: '000000042' }, { state: 'discovered' });
      expect(readdirSync(dir).sort()).toEqual(['icsync.db', 'icsync.db-shm', 'icsync.db-wal']);
      const store = await openStore({ url, readOnly: true });
      try {
        expect((await store.ledger.get('order', { shopKey: '000000042' }))?.state).toBe('discovered');
        await expectWritesRefused(store);
      } finally {
        await store.close();
      }
      expect(await live.ledger.get('partner', { shopKey: 'ro-new' })).toBeUndefined();
    } finally {
      await live.close();
    }
    // The writer's clean close removes its -wal and -shm; the dry run left nothing of its own.
    expect(readdirSync(dir)).toEqual(['icsync.db']);
  });

  it('a file that is not a store: one sentence naming it', async () => {
    const dir = tempDir();
    const path = join(dir, 'notes.txt');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, 'x'.repeat(4096));
    await expect(openStore({ url: `sqlite:${path}`, readOnly: true })).rejects.toThrow(`cannot open the store at sqlite:${path}`);
    expect(readFileSync(path, 'utf8')).toBe('x'.repeat(4096));
  });
});

const backend = await postgresBackend();
const pgSuite = backend.unavailable ? describe.skip : describe;

pgSuite(backend.unavailable ? `read-only store on PostgreSQL: skipped: ${backend.unavailable}` : 'read-only store on PostgreSQL', () => {
  afterAll(() => backend.dropAll());

  async function tables(url: string): Promise<string[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'public' order by 1");
      return rows.map((row) => row.table_name);
    } finally {
      await client.end();
    }
  }

  it('a database without icsync tables: an empty ledger, and no table is created', async () => {
    const url = await backend.create();
    const store = await openStore({ url, readOnly: true });
    try {
      expect(await store.ledger.countByState()).toEqual([]);
      await expectWritesRefused(store);
    } finally {
      await store.close();
    }
    expect(await tables(url)).toEqual([]);
  });

  it('a migrated database: its rows are read; every session is read-only, so writes are refused', async () => {
    const url = await backend.create();
    await seed(url);
    const store = await openStore({ url, readOnly: true });
    try {
      expect((await store.ledger.get('partner', { shopKey: 'ana@example.si' }))?.state).toBe('discovered');
      expect(await store.cursors.get('orders')).toBe('2026-05-01T10:00:00.000Z');
      await expectWritesRefused(store);
    } finally {
      await store.close();
    }
    const check = await openStore({ url });
    try {
      expect(await check.ledger.get('partner', { shopKey: 'ro-new' })).toBeUndefined();
      expect(await check.runs.latest()).toEqual([]);
    } finally {
      await check.close();
    }
  });
});
