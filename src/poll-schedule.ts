/**
 * When to read a waiting run again, and its log. Run reads count against the API's rate
 * limit (docs/tfe-api-notes.md §3.1, shared by every job of the token's user): they come out
 * of a token bucket (`burst` at most at once, refilled at `perSecond`; in any T seconds of a
 * wait at most `burst + perSecond × T` reads), and the schedule spends less than the refill
 * where it can. Log reads go to the blob store, which the limit does not count (§3.2): while
 * a phase is queued or runs its log is read often, and the log's end marker (ETX, §8.4) says
 * the run is about to change, so the run is read at once, then a few times shortly after
 * (TFE reports a phase's end a moment after its log ends). Pure functions over an immutable
 * state; the driver does the waiting.
 */
import { growingDelay } from './retry.js';

export interface PollPolicy {
  /** The second read, this long after the first: a run a quick server settled at once. */
  readonly firstMs: number;
  /** Between reads when nothing tells of a change (a pause, cost estimation, policy checks). */
  readonly maxMs: number;
  /** Between reads while a phase's log is followed: its end marker tells of the end. */
  readonly logOpenMs: number;
  /** Between reads after an end marker, until the run shows another status. */
  readonly afterEndMs: number;
  /** Run reads at most at once (the bucket's size), and the bucket's refill. */
  readonly burst: number;
  readonly perSecond: number;
  /** Log reads: the wait after new bytes, growing by `logFactor` per empty read up to `logMaxMs`. */
  readonly logFirstMs: number;
  readonly logFactor: number;
  readonly logMaxMs: number;
  /** The longest wait between reads of a log that has not started (a queued phase). */
  readonly logIdleMaxMs: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  firstMs: 50,
  maxMs: 1000,
  logOpenMs: 4000,
  afterEndMs: 400,
  burst: 3,
  perSecond: 1,
  logFirstMs: 150,
  logFactor: 1.5,
  logMaxMs: 500,
  logIdleMaxMs: 2000
};

export interface RunReads {
  /** Run reads left in the bucket at `at` (fractional while it refills). */
  readonly tokens: number;
  readonly at: number;
  /** Run reads so far, the answer the run came from included. */
  readonly count: number;
  /** When the run was last read (or the answer it came from arrived). */
  readonly lastReadAt: number;
  /** An end marker was read and the run has not been read since: read as soon as allowed. */
  readonly eager: boolean;
}

/**
 * What the driver sees between run reads: the log of a phase that is queued or has not
 * printed yet (`starting`: read it, but it promises no end marker, so the run is read as
 * when quiet), a log that began with STX and will mark its end (`following`), a followed
 * log that ended while its phase had not yet (`ending`), or none of these (`quiet`: a
 * pause, cost estimation, policy checks, a server whose logs carry no markers).
 */
export type RunLook = 'starting' | 'following' | 'ending' | 'quiet';

/**
 * A full bucket, and the run as the step just learnt it (the create or the look-up answer)
 * counted as the first read: the next one comes `firstMs` later.
 */
export function startRunReads(now: number, policy: PollPolicy = DEFAULT_POLL_POLICY): RunReads {
  return { tokens: policy.burst, at: now, count: 1, lastReadAt: now, eager: false };
}

/** What the followed log (none: undefined) says about the run. */
export function runLook(
  log:
    | {
        readonly done: boolean;
        readonly bytesRead: number;
        readonly startMarkerSeen: boolean;
        readonly endMarkerSeen: boolean;
      }
    | undefined
): RunLook {
  if (!log || log.done) return 'quiet';
  if (log.endMarkerSeen) return 'ending';
  // Until a log shows its first bytes, it may never (a server that serves no logs).
  if (log.bytesRead === 0) return 'starting';
  // A log that began without STX will not mark its end either: it tells nothing.
  return log.startMarkerSeen ? 'following' : 'quiet';
}

/** When the run may be read next (epoch ms): never before the bucket holds a whole read. */
export function nextRunReadAt(
  reads: RunReads,
  look: RunLook,
  policy: PollPolicy = DEFAULT_POLL_POLICY
): number {
  const tokenAt =
    reads.tokens >= 1 ? reads.at : reads.at + ((1 - reads.tokens) * 1000) / policy.perSecond;
  if (reads.eager) return tokenAt;
  return Math.max(reads.lastReadAt + runReadWait(reads.count, look, policy), tokenAt);
}

function runReadWait(count: number, look: RunLook, policy: PollPolicy): number {
  if (count === 1) return policy.firstMs;
  if (look === 'following') return policy.logOpenMs;
  return look === 'ending' ? policy.afterEndMs : policy.maxMs;
}

/** The run was read at `now` (when the request was sent). */
export function afterRunRead(
  reads: RunReads,
  now: number,
  policy: PollPolicy = DEFAULT_POLL_POLICY
): RunReads {
  const elapsed = Math.max(0, now - reads.at);
  const refilled = Math.min(policy.burst, reads.tokens + (elapsed * policy.perSecond) / 1000);
  return { tokens: refilled - 1, at: now, count: reads.count + 1, lastReadAt: now, eager: false };
}

/** A log's end marker was read: the run is read next as soon as the bucket allows. */
export function afterEndMarker(reads: RunReads): RunReads {
  return { ...reads, eager: true };
}

/**
 * The wait before the next read of a followed log, after `emptyReads` reads with nothing
 * new; `started`: the log has shown its first bytes (the phase runs, its end may come).
 */
export function logReadDelay(
  emptyReads: number,
  started: boolean,
  policy: PollPolicy = DEFAULT_POLL_POLICY
): number {
  const ceiling = started ? policy.logMaxMs : policy.logIdleMaxMs;
  return growingDelay(emptyReads, policy.logFirstMs, ceiling, policy.logFactor);
}

/**
 * The phase whose log to follow between run reads: the apply once the run was confirmed
 * and until the apply is over, else the plan until it is over, unless the run settled or
 * pauses (nothing will be logged until someone acts).
 */
export function followedPhase(
  run: { readonly settled: boolean; readonly pause: boolean; readonly applying: boolean },
  plan: { readonly final: boolean } | undefined,
  apply: { readonly final: boolean; readonly started: boolean } | undefined
): 'plan' | 'apply' | undefined {
  if (run.settled || run.pause) return undefined;
  if (apply && !apply.final && (run.applying || apply.started)) return 'apply';
  if (plan && !plan.final && !run.applying) return 'plan';
  return undefined;
}

/** The wait before read number `poll` + 2 of something a server processes in moments. */
export function pollDelay(poll: number, policy: PollPolicy = DEFAULT_POLL_POLICY): number {
  return growingDelay(poll, policy.firstMs, policy.maxMs);
}
