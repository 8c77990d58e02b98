/**
 * Time as iCenter speaks it. State keeps UTC epoch milliseconds; the wire shows
 * Europe/Ljubljana local time without an offset (`2026-07-15T09:48:04.173`, CONTRACT §1.2 [CAP]),
 * and `recordDtModifiedFrom` is read as Ljubljana local time [INF, CONTRACT §1.2/§7.4].
 */
export const ICENTER_ZONE = 'Europe/Ljubljana';

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: ICENTER_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function localFields(utcMs: number): number[] {
  const map: Record<string, string> = {};
  for (const p of parts.formatToParts(new Date(utcMs))) map[p.type] = p.value;
  return [Number(map.year), Number(map.month), Number(map.day), Number(map.hour), Number(map.minute), Number(map.second)];
}


// Zone offsets change only on whole hours (DST), so one Intl lookup per UTC hour is enough.
const offsetByHour = new Map<number, number>();
function offsetAt(utcMs: number): number {
  const hour = Math.floor(utcMs / 3_600_000);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    const base = hour * 3_600_000;
    const [y, mo, d, h, mi, s] = localFields(base) as [number, number, number, number, number, number];
    offset = Date.UTC(y, mo - 1, d, h, mi, s) - base;
    if (offsetByHour.size > 100_000) offsetByHour.clear();
    offsetByHour.set(hour, offset);
  }
  return offset;
}

/** UTC ms → `yyyy-MM-ddTHH:mm:ss.fff` in Ljubljana local time, no offset. */
export function toLocalText(utcMs: number): string {
  return new Date(utcMs + offsetAt(utcMs)).toISOString().slice(0, 23);
}

/** UTC ms → `yyyy-MM-ddT00:00:00` (document dates carry no time of day). */
export function toLocalDate(utcMs: number): string {
  return `${toLocalText(utcMs).slice(0, 10)}T00:00:00`;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;

/**
 * Reads a date-time from a query or body. With an offset or `Z` it is absolute; without one it is
 * Ljubljana local time. Returns undefined when unparsable.
 */
export function parseIcenterTime(text: string): number | undefined {
  const trimmed = text.trim();
  if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(trimmed)) {
    const ms = Date.parse(trimmed);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const m = LOCAL.exec(trimmed);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Find the offset the zone has at that wall-clock time (two passes settle DST edges).
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const [ly, lmo, ld, lh, lmi, ls] = localFields(guess) as [number, number, number, number, number, number];
    const offset = Date.UTC(ly, lmo - 1, ld, lh, lmi, ls, ms) - guess;
    guess = asUtc - offset;
  }
  return guess;
}

/** Modification stamps that strictly increase, so every write is visible to a delta filter. */
export function makeStampClock(now: () => number = Date.now): () => number {
  let last = 0;
  return () => {
    const t = Math.max(now(), last + 1);
    last = t;
    return t;
  };
}
