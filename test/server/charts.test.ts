/** The dashboard's charts from run history: what a run moved lands in its bucket; lag grows between good runs and drops after one. */
import { describe, expect, it } from 'vitest';
import { lagSeries, lineChartSvg, shortDuration, throughputSeries } from '../../src/server/charts.js';
import type { RunRow } from '../../src/store/index.js';

const t0 = new Date('2026-12-01T00:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
let id = 0;
const run = (flow: string, minutes: number, status: RunRow['status'], counts: Record<string, number> = {}): RunRow => ({
  id: ++id, flow, status, startedAt: at(minutes - 1), finishedAt: at(minutes), counts, error: status === 'failed' ? 'iCenter refused the login' : null, meta: null,
});
const window = { from: t0, to: at(240), buckets: 4 };

describe('charts', () => {
  it('throughput sums the records a run moved into the hour it finished; reads and unchanged do not count', () => {
    const [orders] = throughputSeries({ orders: [run('orders', 10, 'ok', { read: 50, done: 3 }), run('orders', 50, 'ok', { done: 2, unchanged: 9 }), run('orders', 130, 'ok', { created: 1, updated: 4, written: 5, disabled: 1 })] }, window);
    expect(orders).toEqual({ name: 'orders', values: [5, 0, 11, 0] });
  });

  it('lag is the time since the last good run at the end of each hour; null before the first; failed runs do not reset it', () => {
    const [stock] = lagSeries({ stock: [run('stock', 30, 'ok'), run('stock', 70, 'failed'), run('stock', 130, 'failed'), run('stock', 200, 'ok')] }, window);
    expect(stock!.values).toEqual([30 * 60, 90 * 60, 150 * 60, 40 * 60]);
    const [never] = lagSeries({ invoices: [run('invoices', 100, 'failed')] }, window);
    expect(never!.values).toEqual([null, null, null, null]);
  });

  it('draws an SVG with a title, a text alternative, one path per flow with data and time ticks in UTC', () => {
    const svg = lineChartSvg({ title: 'Lag <24h>', series: [{ name: 'stock', values: [1800, 5400, null, 2400] }, { name: 'orders', values: [null, null, null, null] }], window, format: shortDuration, durations: true });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('<title>Lag &#60;24h&#62;</title>');
    expect(svg).toContain('<desc>stock 1.5 h at most, orders 0 s at most</desc>');
    // The gap splits the stock line into two pieces; orders has no line at all.
    expect(svg.match(/<path d="[^"]*"/g)).toHaveLength(1);
    expect(/<path d="(M[^"]+)"/.exec(svg)![1]!.match(/M/g)).toHaveLength(2);
    // Durations tick at whole steps: 4 × 30 min for a 1.5 h peak.
    for (const label of ['0 s', '30 min', '1 h', '1.5 h', '2 h']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).toContain('>00:00</text>');
    expect(svg).toContain('>UTC</text>');
  });
});
