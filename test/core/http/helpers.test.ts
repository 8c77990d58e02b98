import { describe, expect, it } from 'vitest';
import { backoffDelayMs, isIdempotentMethod, parseRetryAfter, redactHeaders, redactPathAndQuery, remoteMessage } from '../../../src/core/http/index.js';

describe('backoff with full jitter', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1000 };
  it('spans 0 up to base * 2^(attempt-1), capped by the maximum', () => {
    expect(backoffDelayMs(1, options, () => 0)).toBe(0);
    expect(backoffDelayMs(1, options, () => 0.999)).toBe(99);
    expect(backoffDelayMs(3, options, () => 0.999)).toBe(399);
    expect(backoffDelayMs(10, options, () => 0.999)).toBe(999);
  });
  it('really is random between attempts', () => {
    const values = new Set(Array.from({ length: 20 }, () => backoffDelayMs(5, options)));
    expect(values.size).toBeGreaterThan(5);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T10:00:00Z');
  it('reads seconds and HTTP-dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('idempotency', () => {
  it('treats GET/HEAD/PUT/DELETE/OPTIONS as idempotent, POST/PATCH not', () => {
    expect(['GET', 'head', 'PUT', 'DELETE', 'OPTIONS'].every(isIdempotentMethod)).toBe(true);
    expect(isIdempotentMethod('POST') || isIdempotentMethod('PATCH')).toBe(false);
  });
});

describe('redaction for logs', () => {
  it('censors credential headers and secret-looking query parameters', () => {
    expect(redactHeaders({ Authorization: 'OAuth oauth_signature="x"', 'X-Api-Key': 'k', accept: 'application/json' })).toEqual({
      Authorization: '[REDACTED]', 'X-Api-Key': '[REDACTED]', accept: 'application/json',
    });
    expect(redactPathAndQuery('/a?access_token=t&page=1&api_key=k&q=plain')).toBe('/a?access_token=[REDACTED]&page=1&api_key=[REDACTED]&q=plain');
    expect(redactPathAndQuery('/users/hunter2/x', ['hunter2'])).toBe('/users/[REDACTED]/x');
  });
});

describe('remoteMessage', () => {
  it('takes Magento messages with parameters filled in', () => {
    expect(remoteMessage('{"message":"No such entity with %fieldName = %fieldValue","parameters":{"fieldName":"sku","fieldValue":"X"}}')).toBe(
      'No such entity with sku = X',
    );
  });
  it('joins iCenter error messages', () => {
    const xml = '<?xml version="1.0"?><ArrayOfError><Error><Level>ValidationError</Level><Message>Šifra &quot;A&quot; ne obstaja</Message></Error><Error><Message>Druga</Message></Error></ArrayOfError>';
    expect(remoteMessage(xml, 'application/xml; charset=utf-8')).toBe('Šifra "A" ne obstaja; Druga');
  });
  it('shortens an HTML page without a title to readable text', () => {
    const message = remoteMessage(`<html><head><script>var a=1</script></head><body><p>Service &amp; stuff</p>${'x '.repeat(1000)}</body></html>`);
    expect(message?.startsWith('Service & stuff x x')).toBe(true);
    expect(message?.length).toBeLessThanOrEqual(300);
  });
  it('returns nothing for an empty body', () => {
    expect(remoteMessage(Buffer.alloc(0))).toBeUndefined();
  });
});
