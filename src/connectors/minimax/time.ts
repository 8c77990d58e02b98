/**
 * Minimax writes and reads date-times without a zone (`2026-05-04T10:15:00`); which zone is
 * not documented (INF), so it is the `timeZone` setting. The model speaks UTC.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function offsetAt(utcMs: number, zone: string): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(utcMs))) p[part.type] = part.value;
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - Math.floor(utcMs / 1000) * 1000;
}

/** A UTC instant as Minimax local text, whole seconds. */
export const toMinimaxTime = (date: Date, zone: string): string => new Date(date.getTime() + offsetAt(date.getTime(), zone)).toISOString().slice(0, 19);
export const toMinimaxDate = (date: Date, zone: string): string => toMinimaxTime(date, zone).slice(0, 10);

/** Minimax local text (or text with an offset) as a UTC instant; undefined when unreadable. */
export function fromMinimaxTime(text: string | null | undefined, zone: string): Date | undefined {
  if (!text) return undefined;
  const t = text.trim();
  if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : new Date(ms);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(t);
  if (!m) return undefined;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  let guess = asUtc;
  for (let i = 0; i < 2; i++) guess = asUtc - offsetAt(guess, zone);
  return new Date(guess);
}
