import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, signatureOf, verifySignature } from '../../src/bus/signature.js';

const secret = 'whsec-test-1';
const body = '{"specversion":"1.0","id":"1","type":"com.icsync.magento.order.placed","subject":"000000123"}';
const now = 1_764_854_400;

describe('webhook signature scheme (docs/magento-module-api.md)', () => {
  it('matches the documented HMAC of "<t>.<body>" (independent computation)', () => {
    // Written out by hand so a change of the scheme (separator, encoding) fails here first.
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(signatureOf(secret, now, body)).toBe(expected);
    expect(signatureHeader(secret, now, body)).toBe(`t=${now},v1=${expected}`);
  });

  it('accepts its own signature, also among rotated ones and in upper case', () => {
    const good = signatureOf(secret, now, body);
    expect(verifySignature(secret, `t=${now},v1=${good}`, body, { now })).toEqual({ ok: true, timestamp: now });
    expect(verifySignature(secret, `t=${now}, v1=${'0'.repeat(64)}, v1=${good.toUpperCase()}`, body, { now }).ok).toBe(true);
  });

  it('refuses missing, malformed, stale and mismatched signatures with a reason', () => {
    const good = signatureHeader(secret, now, body);
    expect(verifySignature(secret, undefined, body, { now })).toMatchObject({ ok: false, reason: 'missing' });
    expect(verifySignature(secret, 'sha256=abc', body, { now })).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifySignature(secret, good, body, { now: now + 301 })).toMatchObject({ ok: false, reason: 'stale' });
    expect(verifySignature(secret, good, body, { now: now + 10, replayWindowSeconds: 5 })).toMatchObject({ ok: false, reason: 'stale' });
    expect(verifySignature(secret, good, `${body} `, { now })).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifySignature('other-secret', good, body, { now })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('never puts the secret into a refusal sentence', () => {
    const result = verifySignature(secret, `t=${now},v1=${'a'.repeat(64)}`, body, { now });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.sentence).not.toContain(secret);
  });
});
