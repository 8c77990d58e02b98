/**
 * Time as the emulated Minimax writes it: `YYYY-MM-DDTHH:MM:SS` without a zone (INF, Q11), in
 * the `timeZone` setting. State keeps UTC epoch milliseconds.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

export function checkZone(zone: string): void {
  try {
    formatterFor(zone);
  } catch {
    throw new Error(`timeZone "${zone}" is not a time zone this Node knows (use an IANA name such as Europe/Ljubljana or UTC)`);
  }
}

function offsetAt(utcMs: number, zone: string): number {
  const map: Record<string, string> = {};
  for (const p of formatterFor(zone).formatToParts(new Date(utcMs))) map[p.type] = p.value;
  const local = Date.UTC(Number(map.year), Number(map.month) - 1, Number(map.day), Number(map.hour), Number(map.minute), Number(map.second));
  return local - Math.floor(utcMs / 1000) * 1000;
}

/** UTC ms → `YYYY-MM-DDTHH:MM:SS` local, no offset. */
export function toWireTime(utcMs: number, zone: string): string {
  return new Date(utcMs + offsetAt(utcMs, zone)).toISOString().slice(0, 19);
}

/** UTC ms → `YYYY-MM-DDT00:00:00` (document dates). */
export const toWireDate = (utcMs: number, zone: string): string => `${toWireTime(utcMs, zone).slice(0, 10)}T00:00:00`;

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;

/** A date or date-time from a query or body: absolute with `Z`/offset, else local in `zone`. */
export function parseWireTime(text: string, zone: string): number | undefined {
  const t = text.trim();
  if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const m = LOCAL.exec(t);
  if (!m) return undefined;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  let guess = asUtc;
  for (let i = 0; i < 2; i++) guess = asUtc - offsetAt(guess, zone);
  return guess;
}
