import { describe, expect, it } from '@jest/globals';
import { backoffDelay, retryDelay, serverDelayMs, systemClock, type Clock } from '../src/retry.js';

const policy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 };

function fixedClock(now: number, random: number): Clock {
  return { now: () => now, sleep: () => Promise.resolve(), random: () => random };
}

describe('backoffDelay', () => {
  it('doubles per retry with half of each delay random', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(250);
    expect(backoffDelay(1, policy, () => 0.999999)).toBe(500);
    expect(backoffDelay(2, policy, () => 0)).toBe(500);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(1500);
  });

  it('never exceeds the ceiling', () => {
    expect(backoffDelay(30, policy, () => 0.999999)).toBeLessThanOrEqual(30_000);
    expect(backoffDelay(30, policy, () => 0)).toBe(15_000);
  });
});

describe('serverDelayMs', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');

  it('reads Retry-After in seconds and as an HTTP date', () => {
    expect(serverDelayMs({ 'retry-after': '2' }, now)).toBe(2000);
    expect(serverDelayMs({ 'retry-after': 'Mon, 23 Nov 2026 12:00:05 GMT' }, now)).toBe(5000);
  });

  it("reads TFC's decimal X-RateLimit-Reset with go-tfe's 100 ms floor", () => {
    expect(serverDelayMs({ 'x-ratelimit-reset': '0.35' }, now)).toBe(350);
    expect(serverDelayMs({ 'x-ratelimit-reset': '0.01' }, now)).toBe(100);
  });

  it('prefers Retry-After and ignores garbage', () => {
    expect(serverDelayMs({ 'retry-after': '1', 'x-ratelimit-reset': '9' }, now)).toBe(1000);
    expect(serverDelayMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(serverDelayMs({}, now)).toBeUndefined();
  });
});

describe('retryDelay', () => {
  it('uses the server delay plus a little jitter, capped', () => {
    expect(retryDelay(1, policy, fixedClock(0, 0), { 'retry-after': '3' })).toBe(3000);
    expect(retryDelay(1, policy, fixedClock(0, 0.5), { 'retry-after': '3' })).toBe(3125);
    expect(retryDelay(1, policy, fixedClock(0, 0), { 'retry-after': '3600' })).toBe(30_000);
  });

  it('falls back to backoff without a server delay', () => {
    expect(retryDelay(2, policy, fixedClock(0, 0))).toBe(500);
  });
});

describe('systemClock.sleep', () => {
  it('rejects at once when the signal aborts', async () => {
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
  });
});
