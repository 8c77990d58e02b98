/**
 * Webhook signatures shared by the icsync Magento module (which signs the order events it
 * delivers) and icsync's webhook intake (which verifies them). The scheme is written down in
 * docs/magento-module-api.md ("Webhook signature"); the PHP signer in magento-module/ follows
 * the same page, and a cross-language test holds both to it.
 *
 * Header `X-Icsync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * Several `v1=` entries may be present while a secret is being rotated; one match is enough.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-icsync-signature';

/** How far a signature's timestamp may be from now before the delivery counts as a replay. */
export const DEFAULT_REPLAY_WINDOW_SECONDS = 300;

export function signatureOf(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

export function signatureHeader(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, rawBody)}`;
}

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch'; sentence: string };

export interface VerifyOptions {
  /** Unix seconds; the receiver's clock. */
  now: number;
  replayWindowSeconds?: number;
}

/** Checks a delivery's signature header against the raw body as received (before any JSON parse). */
export function verifySignature(
  secret: string,
  header: string | undefined,
  rawBody: string | Buffer,
  options: VerifyOptions,
): SignatureCheck {
  if (header === undefined || header.trim() === '') {
    return { ok: false, reason: 'missing', sentence: `The request has no ${SIGNATURE_HEADER} header.` };
  }
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value !== undefined && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
  }
  if (timestamp === undefined || candidates.length === 0) {
    return { ok: false, reason: 'malformed', sentence: `The ${SIGNATURE_HEADER} header is not of the form t=<unix seconds>,v1=<hex>.` };
  }
  const window = options.replayWindowSeconds ?? DEFAULT_REPLAY_WINDOW_SECONDS;
  if (Math.abs(options.now - timestamp) > window) {
    return {
      ok: false,
      reason: 'stale',
      sentence: `The signature's timestamp is ${Math.abs(options.now - timestamp)} s away from this server's clock (allowed ${window} s): a replay, or a clock to set right.`,
    };
  }
  const expected = Buffer.from(signatureOf(secret, timestamp, rawBody), 'hex');
  const matches = candidates.some((candidate) => timingSafeEqual(Buffer.from(candidate, 'hex'), expected));
  if (!matches) {
    return { ok: false, reason: 'mismatch', sentence: 'The signature does not match the body: a wrong webhook secret, or a body changed on the way.' };
  }
  return { ok: true, timestamp };
}
