/**
 * Time as iCenter speaks it. State keeps UTC epoch milliseconds; the wire shows local time
 * without an offset (`2026-07-15T09:48:04.173`, docs/contracts/icenter.md#dates-times-and-numbers [CAP]) and `recordDtModifiedFrom`
 * is read as local time too. Which zone that is, is [INF] (docs/contracts/icenter.md#dates-times-and-numbers and #open-questions, question 4: Europe/Ljubljana
 * is the guess), so every function takes the zone: the `timeZone` setting.
 */
export const DEFAULT_ZONE = 'Europe/Ljubljana';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Throws a sentence naming the setting when `zone` is not an IANA zone Node knows. */
export function checkZone(zone: string): void {
  try {
    formatterFor(zone);
  } catch {
    throw new Error(`timeZone "${zone}" is not a time zone this Node knows (use an IANA name such as Europe/Ljubljana or UTC)`);
  }
}

function localFields(utcMs: number, zone: string): number[] {
  const map: Record<string, string> = {};
  for (const p of formatterFor(zone).formatToParts(new Date(utcMs))) map[p.type] = p.value;
  return [Number(map.year), Number(map.month), Number(map.day), Number(map.hour), Number(map.minute), Number(map.second)];
}

// Zone offsets change only on whole hours (DST) in the zones iCenter runs in, so one Intl lookup
// per zone and UTC hour is enough; a 5000-item page formats 10,000 stamps.
const offsetByHour = new Map<string, Map<number, number>>();
function offsetAt(utcMs: number, zone: string): number {
  let byHour = offsetByHour.get(zone);
  if (!byHour) offsetByHour.set(zone, (byHour = new Map()));
  const hour = Math.floor(utcMs / 3_600_000);
  let offset = byHour.get(hour);
  if (offset === undefined) {
    const base = hour * 3_600_000;
    const [y, mo, d, h, mi, s] = localFields(base, zone) as [number, number, number, number, number, number];
    offset = Date.UTC(y, mo - 1, d, h, mi, s) - base;
    if (byHour.size > 100_000) byHour.clear();
    byHour.set(hour, offset);
  }
  return offset;
}

/** UTC ms → `yyyy-MM-ddTHH:mm:ss.fff` in the zone's local time, no offset. */
export function toLocalText(utcMs: number, zone: string): string {
  return new Date(utcMs + offsetAt(utcMs, zone)).toISOString().slice(0, 23);
}

/** UTC ms → `yyyy-MM-ddT00:00:00` (document dates carry no time of day). */
export function toLocalDate(utcMs: number, zone: string): string {
  return `${toLocalText(utcMs, zone).slice(0, 10)}T00:00:00`;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;

/**
 * Reads a date-time from a query or body. With an offset or `Z` it is absolute; without one it is
 * local time in `zone`. Returns undefined when unparsable.
 */
export function parseIcenterTime(text: string, zone: string): number | undefined {
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
    const [ly, lmo, ld, lh, lmi, ls] = localFields(guess, zone) as [number, number, number, number, number, number];
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
