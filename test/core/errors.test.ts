import { describe, expect, it } from 'vitest';
import {
  SyncError, businessError, classifyHttpStatus, configurationError, isSyncError, redactSecrets, surelyNotApplied, toSyncError, transientError,
} from '../../src/core/errors.js';

describe('classifyHttpStatus', () => {
  it.each([
    [401, 'configuration'], [403, 'configuration'],
    [408, 'transient'], [429, 'transient'], [500, 'transient'], [502, 'transient'], [503, 'transient'], [504, 'transient'],
    [400, 'business'], [404, 'business'], [409, 'business'], [422, 'business'],
  ] as const)('%i is %s', (status, expected) => {
    expect(classifyHttpStatus(status)).toBe(expected);
  });
});

describe('SyncError', () => {
  it('carries the class, the sentence and the record it concerns', () => {
    const error = businessError({
      sentence: 'Order 000000123: SKU "X-1" is not in iCenter. Create the item in iCenter or fix the SKU in Magento, then retry.',
      record: { kind: 'order', key: '000000123', field: 'sku' },
      target: 'icenter',
      status: 409,
    });
    expect(error).toBeInstanceOf(Error);
    expect(isSyncError(error)).toBe(true);
    expect(error.errorClass).toBe('business');
    expect(error.message).toBe(error.sentence);
    expect(error.record).toEqual({ kind: 'order', key: '000000123', field: 'sku' });
    expect(transientError({ sentence: 'x' }).errorClass).toBe('transient');
    expect(configurationError({ sentence: 'x' }).errorClass).toBe('configuration');
    expect(isSyncError(new Error('x'))).toBe(false);
  });
});

describe('toSyncError', () => {
  it('passes a SyncError through unchanged', () => {
    const original = configurationError({ sentence: 'Set erp.organisationId.' });
    expect(toSyncError(original)).toBe(original);
  });

  it('makes a network error transient and keeps the cause', () => {
    const cause = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const error = toSyncError(cause, { target: 'magento', doing: 'Reading orders' });
    expect(error.errorClass).toBe('transient');
    expect(error.cause).toBe(cause);
    expect(error.sentence).toBe('Reading orders: network error (ECONNRESET: read ECONNRESET). It will be retried.');
  });

  it('finds the code in the cause chain', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(toSyncError(new Error('fetch failed', { cause: inner })).errorClass).toBe('transient');
  });

  it('makes anything else business, so a person looks instead of endless retries, without secrets', () => {
    const error = toSyncError(new TypeError('cannot read hunter2 of undefined'), { secrets: ['hunter2'], record: { kind: 'order', key: '7' } });
    expect(error).toBeInstanceOf(SyncError);
    expect(error.errorClass).toBe('business');
    expect(error.record).toEqual({ kind: 'order', key: '7' });
    expect(error.sentence).not.toContain('hunter2');
    expect(toSyncError('plain string').sentence).toContain('plain string');
  });
});

describe('redactSecrets', () => {
  it('removes every occurrence, also in JSON-escaped and URL-encoded form', () => {
    const secret = 'pa"ss w/rd';
    const text = `raw ${secret} json ${JSON.stringify({ p: secret })} url ?p=${encodeURIComponent(secret)} again ${secret}`;
    const clean = redactSecrets(text, [secret, '']);
    expect(clean).not.toContain('pa"ss');
    expect(clean).not.toContain('pa\\"ss');
    expect(clean).not.toContain('pa%22ss');
    expect(clean.match(/\[REDACTED\]/g)).toHaveLength(4);
  });
});

describe('surelyNotApplied: may a failed write be asked for again at once?', () => {
  const answered = (status: number) => transientError({ sentence: 'x', status });
  const network = (code: string) => toSyncError(Object.assign(new Error('socket'), { code }));
  it.each([
    ['the target answered 503', answered(503), true],
    ['the target answered 422', businessError({ sentence: 'x', status: 422 }), true],
    ['a gateway gave up (502)', answered(502), false],
    ['a gateway gave up (504)', answered(504), false],
    ['the connection was refused', network('ECONNREFUSED'), true],
    ['the connection was reset after sending', network('ECONNRESET'), false],
    ['no answer within the timeout', network('UND_ERR_HEADERS_TIMEOUT'), false],
    ['calls to the target are paused', transientError({ sentence: 'x', notSent: true }), true],
    ['a bug', new Error('boom'), false],
  ] as const)('%s: %s', (_what, error, expected) => {
    expect(surelyNotApplied(error)).toBe(expected);
  });
});
