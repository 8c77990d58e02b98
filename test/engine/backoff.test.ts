import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/engine/backoff.js';

describe('backoff', () => {
  const settings = { baseMs: 1000, maxMs: 60_000 };
  it('grows exponentially under full jitter and stops at the cap', () => {
    expect(backoffDelay(1, settings, undefined, () => 0.999)).toBe(999);
    expect(backoffDelay(4, settings, undefined, () => 0.999)).toBe(7992);
    expect(backoffDelay(30, settings, undefined, () => 0.999)).toBe(59_940);
    expect(backoffDelay(3, settings, undefined, () => 0)).toBe(0);
  });
  it('never asks sooner than Retry-After (capped by the maximum)', () => {
    expect(backoffDelay(1, settings, 5000, () => 0)).toBe(5000);
    expect(backoffDelay(1, settings, 600_000, () => 0)).toBe(60_000);
  });
});
