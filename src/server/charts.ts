/**
 * Charts of the dashboard, drawn on the server as SVG (no chart library, no build step, nothing
 * the browser has to run): records moved per flow over time, and each flow's lag over time.
 * Both come from the run history: a run's counts say what it moved, its end says when the flow
 * was last good. Pure functions: runs in, numbers or SVG text out.
 */
import type { FlowName } from '../config/index.js';
import type { RunRow } from '../store/index.js';

/** Counts that mean a record was moved (written somewhere, or a ledger step finished). */
const MOVED = ['created', 'updated', 'disabled', 'written', 'done'];

export interface Series {
  name: string;
  /** One value per bucket; null where there is nothing to say (no good run yet). */
  values: (number | null)[];
}

export interface Window {
  from: Date;
  to: Date;
  buckets: number;
}

const bucketMs = (w: Window): number => (w.to.getTime() - w.from.getTime()) / w.buckets;

/** Records moved per bucket, per flow (a run counts in the bucket it finished in). */
export function throughputSeries(runsByFlow: Record<string, readonly RunRow[]>, w: Window): Series[] {
  return Object.entries(runsByFlow).map(([name, runs]) => {
    const values = new Array<number>(w.buckets).fill(0);
    for (const run of runs) {
      const at = (run.finishedAt ?? run.startedAt).getTime();
      const index = Math.floor((at - w.from.getTime()) / bucketMs(w));
      if (index < 0 || index >= w.buckets) continue;
      values[index]! += MOVED.reduce((sum, key) => sum + (run.counts[key] ?? 0), 0);
    }
    return { name, values };
  });
}

/**
 * Lag at the end of each bucket: seconds since the flow last finished a good run, as
 * `icsync_flow_lag_seconds` would have said then. Null before the first good run.
 */
export function lagSeries(runsByFlow: Record<string, readonly RunRow[]>, w: Window): Series[] {
  return Object.entries(runsByFlow).map(([name, runs]) => {
    const goodEnds = runs
      .filter((run) => run.status === 'ok')
      .map((run) => (run.finishedAt ?? run.startedAt).getTime())
      .sort((a, b) => a - b);
    const values = Array.from({ length: w.buckets }, (_, i) => {
      const t = w.from.getTime() + (i + 1) * bucketMs(w);
      let last: number | undefined;
      for (const end of goodEnds) {
        if (end > t) break;
        last = end;
      }
      return last === undefined ? null : Math.max(0, Math.round((t - last) / 1000));
    });
    return { name, values };
  });
}

/** One colour per flow, the same in every chart and in the page's legend. */
export const FLOW_COLOURS: Record<FlowName, string> = { products: '#2f6fdf', stock: '#1b9e77', subjects: '#9467bd', orders: '#d95f02', invoices: '#c2185b' };

const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Tick steps for a time axis (seconds): a quarter of the axis reads as 15 min, 1 h, 6 h, … */
const DURATION_STEPS = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

/** A round upper bound for the y axis (4 ticks): 1, 2, 5 × 10^n, or whole time steps for durations. */
function niceMax(value: number, durations = false): number {
  if (durations) return 4 * (DURATION_STEPS.find((step) => 4 * step >= value) ?? Math.ceil(value / 4 / 604800) * 604800);
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

export interface ChartOptions {
  title: string;
  series: Series[];
  window: Window;
  /** How a y value reads (`42`, `3 h`). */
  format: (value: number) => string;
  /** The values are seconds: ticks at whole minutes and hours. */
  durations?: boolean;
  width?: number;
  height?: number;
}

/** A line chart with UTC time on x, a legend, and a text alternative in <title>/<desc>. */
export function lineChartSvg(options: ChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 260;
  const pad = { left: 64, right: 16, top: 34, bottom: 46 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const { window: w } = options;
  const all = options.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = niceMax(Math.max(0, ...all), options.durations);
  const x = (i: number) => pad.left + ((i + 0.5) / w.buckets) * plotW;
  const y = (v: number) => pad.top + plotH - (v / max) * plotH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" font-family="system-ui, sans-serif" font-size="12">`);
  const totals = options.series.map((s) => `${s.name} ${options.format(s.values.reduce<number>((a, v) => (v === null ? a : Math.max(a, v)), 0))} at most`).join(', ');
  parts.push(`<title>${escapeXml(options.title)}</title><desc>${escapeXml(totals)}</desc>`);
  parts.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  parts.push(`<text x="${pad.left}" y="20" font-size="14" font-weight="600" fill="#1d2330">${escapeXml(options.title)}</text>`);
  for (let k = 0; k <= 4; k++) {
    const v = (max / 4) * k;
    const yy = y(v);
    parts.push(`<line x1="${pad.left}" x2="${width - pad.right}" y1="${yy}" y2="${yy}" stroke="#e4e6ea"/>`);
    parts.push(`<text x="${pad.left - 6}" y="${yy + 4}" text-anchor="end" fill="#667">${escapeXml(options.format(v))}</text>`);
  }
  const span = w.to.getTime() - w.from.getTime();
  const ticks = 6;
  for (let k = 0; k <= ticks; k++) {
    const t = new Date(w.from.getTime() + (span / ticks) * k);
    const xx = pad.left + (plotW / ticks) * k;
    const label = span > 2 * 86_400_000 ? `${t.toISOString().slice(5, 10)} ${t.toISOString().slice(11, 13)}h` : t.toISOString().slice(11, 16);
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${pad.top + plotH}" y2="${pad.top + plotH + 4}" stroke="#99a"/>`);
    parts.push(`<text x="${xx}" y="${pad.top + plotH + 17}" text-anchor="middle" fill="#667">${label}</text>`);
  }
  parts.push(`<text x="${width - pad.right}" y="${pad.top + plotH + 17}" text-anchor="end" fill="#667" dy="14">UTC</text>`);
  // Flows often run together and their lines coincide: earlier lines are drawn wider, so each stays visible.
  for (const [index, s] of options.series.entries()) {
    const colour = FLOW_COLOURS[s.name as FlowName] ?? '#555';
    const strokeWidth = 2 + (options.series.length - 1 - index) * 1.5;
    // Gaps (null) split the line: no lag is drawn before a flow's first good run.
    let path = '';
    let open = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        open = false;
        return;
      }
      path += `${open ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      open = true;
    });
    if (path) parts.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="${strokeWidth}" stroke-linejoin="round"><title>${escapeXml(s.name)}</title></path>`);
  }
  let lx = pad.left;
  for (const s of options.series) {
    const colour = FLOW_COLOURS[s.name as FlowName] ?? '#555';
    parts.push(`<rect x="${lx}" y="${height - 14}" width="10" height="10" fill="${colour}"/><text x="${lx + 14}" y="${height - 5}" fill="#1d2330">${escapeXml(s.name)}</text>`);
    lx += 24 + s.name.length * 7;
  }
  parts.push('</svg>');
  return parts.join('');
}

/** "45 s", "12 min", "3 h", "2 d": a lag for an axis. */
export function shortDuration(seconds: number): string {
  const round = (value: number) => String(Math.round(value * 10) / 10);
  if (seconds < 90) return `${round(seconds)} s`;
  if (seconds < 3600) return `${round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${round(seconds / 3600)} h`;
  return `${round(seconds / 86400)} d`;
}
