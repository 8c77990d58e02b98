/**
 * The run's scratch file: stock summed per sku@source exactly (decimal text, never floats),
 * in key order and in pages however the rows came; values kept by key with the last one
 * winning; every key paged; and the file gone after close.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Decimal } from '../../src/core/decimal.js';
import { openScratch } from '../../src/store/index.js';

const q = (text: string) => text as Decimal;

describe('scratch', () => {
  it('sums stock per sku@source exactly, in pages, whatever the order the rows came in', () => {
    const scratch = openScratch();
    try {
      scratch.addStock([
        { sku: 'B', source: 'default', quantity: q('0.1') },
        { sku: 'A', source: 'maribor', quantity: q('5') },
        { sku: 'A', source: 'default', quantity: q('1.005') },
      ]);
      scratch.addStock([
        { sku: 'B', source: 'default', quantity: q('0.2') },
        { sku: 'A', source: 'default', quantity: q('-0.005') },
        { sku: 'C', source: 'default', quantity: q('7.250') },
      ]);
      expect(scratch.summedStockCount()).toBe(4);
      const pages = [...scratch.summedStock(2)];
      expect(pages.map((p) => p.length)).toEqual([2, 2]);
      expect(pages.flat().map((r) => [r.source, r.sku, String(r.quantity)])).toEqual([
        ['default', 'A', '1'], ['default', 'B', '0.3'], ['default', 'C', '7.250'], ['maribor', 'A', '5'],
      ]);
    } finally {
      scratch.close();
    }
  });

  it('keeps values by key, the last put winning, and pages every key in order', () => {
    const scratch = openScratch();
    try {
      scratch.put('price', Array.from({ length: 1203 }, (_, i): [string, unknown] => [`SKU-${String(i).padStart(5, '0')}`, { price: `${i}.10` }]));
      scratch.put('price', [['SKU-00007', { price: '99.99' }]]);
      expect(scratch.get<{ price: string }>('price', ['SKU-00007', 'SKU-01202', 'NONE'])).toEqual(new Map([['SKU-00007', { price: '99.99' }], ['SKU-01202', { price: '1202.10' }]]));
      expect(scratch.get('other', ['SKU-00007']).size).toBe(0);
      const pages = [...scratch.keys('price', 500)];
      expect(pages.map((p) => p.length)).toEqual([500, 500, 203]);
      expect(pages.flat()[0]).toBe('SKU-00000');
      expect(new Set(pages.flat()).size).toBe(1203);
    } finally {
      scratch.close();
    }
  });

  it('lives in a temporary file that close deletes', () => {
    const folder = mkdtempSync(join(tmpdir(), 'icsync-scratch-test-'));
    const scratch = openScratch(folder);
    scratch.addStock([{ sku: 'A', source: 'default', quantity: q('1') }]);
    const [file] = readdirSync(folder);
    expect(file).toMatch(/^icsync-scratch-/);
    scratch.close();
    expect(existsSync(join(folder, file!))).toBe(false);
    scratch.close();
  });
});
