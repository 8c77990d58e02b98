/**
 * Reads `store.url`: `sqlite:<path>` (also `sqlite:///abs/path`, `sqlite::memory:`), a
 * bare file path, `postgres://…` / `postgresql://…`, or nothing for ./data/icsync.db.
 */
import { resolve } from 'node:path';
import { StoreConfigError } from './errors.js';

export const DEFAULT_SQLITE_PATH = './data/icsync.db';

export type StoreTarget = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; connectionString: string };

export function parseStoreUrl(url: string | undefined): StoreTarget {
  const text = url?.trim() ?? '';
  if (text === '') return { dialect: 'sqlite', path: resolve(DEFAULT_SQLITE_PATH) };
  if (/^postgres(ql)?:\/\//i.test(text)) return { dialect: 'postgres', connectionString: text };
  if (/^sqlite:/i.test(text)) {
    let path = text.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new StoreConfigError('store.url "sqlite:" needs a file path, e.g. sqlite:./data/icsync.db');
    return { dialect: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1];
  if (scheme) {
    throw new StoreConfigError(`store.url scheme "${scheme}:" is not supported; use sqlite:<path> or postgres://user@host:5432/db`);
  }
  return { dialect: 'sqlite', path: resolve(text) };
}

/** The target as it may appear in logs: never the password. */
export function describeTarget(target: StoreTarget): string {
  if (target.dialect === 'sqlite') return `sqlite:${target.path}`;
  try {
    const u = new URL(target.connectionString);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `postgres://${user}${u.host}${u.pathname}`;
  } catch {
    return 'postgres://(unparsable url)';
  }
}
