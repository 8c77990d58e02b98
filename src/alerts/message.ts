/**
 * One digest from many alerts: a subject line and a plain text for e-mail, and a JSON body for
 * webhooks. `text` is what Slack and Microsoft Teams incoming webhooks show (both read that
 * field); `alerts` carries the same content as data for any other receiver.
 */
import type { Alert } from './watch.js';

export interface Digest {
  subject: string;
  text: string;
  json: { text: string; summary: string; alerts: Alert[]; more: number };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function buildDigest(alerts: readonly Alert[], options: { maxItems: number; dashboardUrl?: string; host?: string }): Digest {
  const people = alerts.filter((a) => a.type === 'needs_person');
  const failing = alerts.filter((a) => a.type === 'flow_failing');
  const lag = alerts.filter((a) => a.type === 'lag');
  const parts = [
    ...(failing.length ? [`${failing.map((a) => a.flow).join(', ')} failing`] : []),
    ...(lag.length ? [`${lag.map((a) => a.flow).join(', ')} behind`] : []),
    ...(people.length ? [plural(people.length, 'record needs a person', 'records need a person')] : []),
  ];
  const summary = parts.join('; ') || 'no alerts';
  // Flow problems first: one of them can explain many records.
  const ordered = [...failing, ...lag, ...people];
  const shown = ordered.slice(0, options.maxItems);
  const more = ordered.length - shown.length;
  const lines = [
    `icsync${options.host ? ` on ${options.host}` : ''}: ${summary}.`,
    '',
    ...shown.map((a) => `- ${a.sentence}`),
    ...(more > 0 ? [`- … and ${more} more (icsync status --all lists every record).`] : []),
    '',
    options.dashboardUrl ? `Dashboard: ${options.dashboardUrl}` : 'See icsync status, then icsync explain <kind> <key>.',
  ];
  const text = lines.join('\n');
  return { subject: summary, text, json: { text, summary, alerts: shown, more } };
}
