import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, parseStoreUrl, StoreConfigError, StoreError } from '../../src/store/index.js';

describe('store url', () => {
  it('defaults to ./data/icsync.db under the working directory', () => {
    expect(parseStoreUrl(undefined)).toEqual({ dialect: 'sqlite', path: resolve('data/icsync.db') });
    expect(parseStoreUrl('  ')).toEqual({ dialect: 'sqlite', path: resolve('data/icsync.db') });
  });

  it('reads sqlite urls and bare paths', () => {
    expect(parseStoreUrl('sqlite:./x/y.db')).toEqual({ dialect: 'sqlite', path: resolve('x/y.db') });
    expect(parseStoreUrl('sqlite:///var/lib/icsync.db')).toEqual({ dialect: 'sqlite', path: '/var/lib/icsync.db' });
    expect(parseStoreUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
    expect(parseStoreUrl('state/icsync.db')).toEqual({ dialect: 'sqlite', path: resolve('state/icsync.db') });
  });

  it('reads postgres urls', () => {
    const url = 'postgresql://icsync:secret@db:5432/icsync';
    expect(parseStoreUrl(url)).toEqual({ dialect: 'postgres', connectionString: url });
  });

  it('rejects unknown schemes without echoing credentials', () => {
    expect(() => parseStoreUrl('mysql://u:secret@h/db')).toThrow(StoreConfigError);
    expect(() => parseStoreUrl('mysql://u:secret@h/db')).toThrow(/scheme "mysql:" is not supported/);
    expect(() => parseStoreUrl('mysql://u:secret@h/db')).not.toThrow(/secret/);
    expect(() => parseStoreUrl('sqlite:')).toThrow(StoreConfigError);
  });

  it('says which store could not be opened, without the password', async () => {
    const refused = openStore({ url: 'postgres://icsync:hunter2@127.0.0.1:1/icsync' });
    await expect(refused).rejects.toBeInstanceOf(StoreError);
    await expect(refused).rejects.toThrow(/^cannot open the store at postgres:\/\/icsync@127\.0\.0\.1:1\/icsync: /);
    await expect(refused).rejects.not.toThrow(/hunter2/);
    await expect(openStore({ url: 'sqlite:/dev/null/icsync.db' })).rejects.toThrow(/^cannot open the store at sqlite:\/dev\/null\/icsync\.db: /);
  });
});
