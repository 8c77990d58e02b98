/**
 * iCenter writes date-times without an offset (`2026-07-15T09:48:04.173`); the contract
 * treats them as server local time, Europe/Ljubljana [INF], and sends
 * `recordDtModifiedFrom` in the same local form. icsync keeps UTC. Conversions use Intl
 * only (no time-zone library).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function partsIn(utcMs: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

// Zone offsets change only at quarter-hour instants of UTC, so one look-up serves a whole
// quarter hour: reading a page of items stamped within a few days costs a handful of Intl calls
// instead of two per row.
const QUARTER_HOUR_MS = 15 * 60_000;
const offsetCache = new Map<string, Map<number, number>>();

/** Offset of the zone from UTC at this instant, in ms (Ljubljana: +1h or +2h). */
function offsetAt(utcMs: number, timeZone: string): number {
  let zone = offsetCache.get(timeZone);
  if (!zone) offsetCache.set(timeZone, (zone = new Map()));
  const quarter = Math.floor(utcMs / QUARTER_HOUR_MS);
  let offset = zone.get(quarter);
  if (offset === undefined) {
    const start = quarter * QUARTER_HOUR_MS;
    const p = partsIn(start, timeZone);
    offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - start;
    if (zone.size >= 50_000) zone.clear();
    zone.set(quarter, offset);
  }
  return offset;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Local wall-clock text `yyyy-MM-ddTHH:mm:ss` of a UTC instant, as iCenter query parameters expect. */
export function toLocalText(date: Date, timeZone: string): string {
  const p = partsIn(date.getTime(), timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** The calendar year of a UTC instant in the zone (order years follow local dates). */
export function localYear(date: Date, timeZone: string): number {
  return partsIn(date.getTime(), timeZone).year;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;

/**
 * Parses an iCenter date-time to a UTC Date. Text with an offset or `Z` is absolute;
 * text without one is wall-clock time in `timeZone`. Undefined for empty or unreadable text.
 */
export function parseIcenterTime(text: string | null | undefined, timeZone: string): Date | undefined {
  if (!text) return undefined;
  const trimmed = text.trim();
  if (/(Z|[+-]\d{2}:?\d{2})$/.test(trimmed)) {
    // JS Date reads at most milliseconds; .NET writes up to 7 fraction digits.
    const ms = Date.parse(trimmed.replace(/(\.\d{3})\d+/, '$1'));
    return Number.isNaN(ms) ? undefined : new Date(ms);
  }
  const m = LOCAL.exec(trimmed);
  if (!m) return undefined;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)));
  // Two passes settle the offset around a DST change.
  let utc = wall - offsetAt(wall, timeZone);
  utc = wall - offsetAt(utc, timeZone);
  return new Date(utc);
}
