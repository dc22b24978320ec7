/**
 * Backoff, jitter and server-given delays in one place, with an injectable clock so
 * tests run in milliseconds and can count attempts.
 */

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A number in [0, 1). */
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  random: () => Math.random()
};

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('aborted');
}

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  readonly maxAttempts: number;
  /** Delay before the first retry, before jitter. */
  readonly baseDelayMs: number;
  /** No single wait is longer than this (server-given delays included). */
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000
};

/** `firstMs × factor^n`, at most `maxMs`: the wait before look or attempt n + 2. */
export function growingDelay(n: number, firstMs: number, maxMs: number, factor = 1.5): number {
  return Math.min(maxMs, firstMs * factor ** n);
}

/**
 * Exponential backoff with "equal jitter": half of the exponential delay is fixed, the
 * other half random, so parallel jobs hitting the same rate limit spread out.
 * `retry` counts from 1 (the wait before the second attempt).
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const exponential = growingDelay(retry - 1, policy.baseDelayMs, policy.maxDelayMs, 2);
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

type HeaderValue = string | string[] | undefined;

function firstHeader(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The delay a server asked for, in milliseconds: `Retry-After` (seconds or an HTTP date)
 * or TFC's `X-RateLimit-Reset` (decimal seconds until the rate window resets).
 */
export function serverDelayMs(
  headers: Record<string, HeaderValue>,
  now: number
): number | undefined {
  const retryAfter = firstHeader(headers['retry-after'])?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = firstHeader(headers['x-ratelimit-reset'])?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) {
    // go-tfe waits at least 100 ms even when the window resets sooner.
    return Math.max(100, Math.ceil(Number(reset) * 1000));
  }
  return undefined;
}

/** The wait before retry number `retry`: the server's delay when given, else backoff. */
export function retryDelay(
  retry: number,
  policy: RetryPolicy,
  clock: Clock,
  headers: Record<string, HeaderValue> = {}
): number {
  const asked = serverDelayMs(headers, clock.now());
  if (asked !== undefined) {
    // A little jitter on top, so parallel jobs do not come back in the same millisecond.
    return Math.min(policy.maxDelayMs, asked + Math.round(250 * clock.random()));
  }
  return backoffDelay(retry, policy, () => clock.random());
}
