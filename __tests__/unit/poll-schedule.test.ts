/**
 * When the driver reads the run and its log: the waits per situation, the bucket of run
 * reads (never more than `burst + T` reads in T seconds, whatever a log prints), which
 * phase's log is followed.
 */
import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_POLL_POLICY as P,
  type RunLook,
  type RunReads,
  afterEndMarker,
  afterRunRead,
  followedPhase,
  logReadDelay,
  nextRunReadAt,
  pollDelay,
  runLook,
  startRunReads
} from '../../src/poll-schedule.js';

const T0 = 1_000_000;

/** The reads state after reading at each of `times` (as early as allowed or later). */
function readAt(times: readonly number[]): RunReads {
  return times.reduce((reads, at) => afterRunRead(reads, at), startRunReads(T0));
}

describe('nextRunReadAt', () => {
  it('reads a run that was just created once more after firstMs, whatever the log says', () => {
    for (const look of ['starting', 'following', 'ending', 'quiet'] as const) {
      expect(nextRunReadAt(startRunReads(T0), look)).toBe(T0 + P.firstMs);
    }
  });

  it.each<[RunLook, number]>([
    ['quiet', P.maxMs],
    ['starting', P.maxMs],
    ['following', P.logOpenMs],
    ['ending', P.afterEndMs]
  ])('waits, after the second read, per situation: %s → %d ms', (look, wait) => {
    const reads = readAt([T0 + 50]);
    expect(nextRunReadAt(reads, look)).toBe(T0 + 50 + wait);
  });

  it('reads at once after an end marker when the bucket holds a read', () => {
    const reads = afterEndMarker(readAt([T0 + 50]));
    expect(nextRunReadAt(reads, 'ending')).toBe(T0 + 50);
  });

  it('waits for the bucket: a read a second once the burst is spent', () => {
    // Reads as early as the bucket allows, with an end marker before every one.
    let reads = startRunReads(T0);
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const at = nextRunReadAt(afterEndMarker(reads), 'ending');
      times.push(at - T0);
      reads = afterRunRead(reads, at);
    }
    // A full bucket of 3 (the creation answer took none), then one per second.
    expect(times).toEqual([0, 0, 0, 1000, 2000, 3000, 4000, 5000, 6000, 7000]);
  });

  it('counts a read made outside the schedule against the bucket', () => {
    const reads = readAt([T0, T0, T0, T0]);
    expect(reads.tokens).toBe(-1);
    expect(nextRunReadAt(afterEndMarker(reads), 'ending')).toBe(T0 + 2000);
  });
});

describe('the bucket of run reads', () => {
  /**
   * Reads as soon as the schedule allows, for `seconds`, under a `look` and an end marker
   * whenever `marker(i)` says so (a log that prints ETX bytes at will).
   */
  function readTimes(seconds: number, look: RunLook, marker: (i: number) => boolean): number[] {
    let reads = startRunReads(T0);
    const times: number[] = [];
    for (let i = 0; ; i++) {
      if (marker(i)) reads = afterEndMarker(reads);
      const at = nextRunReadAt(reads, look);
      if (at >= T0 + seconds * 1000) return times;
      times.push(at);
      reads = afterRunRead(reads, at);
    }
  }

  it.each<[string, RunLook, (i: number) => boolean]>([
    ['quiet', 'quiet', () => false],
    ['a log that ends and ends again', 'ending', () => true],
    ['an end marker every other read', 'ending', i => i % 2 === 0],
    ['following a log', 'following', () => false],
    ['a log that has not started', 'starting', () => false]
  ])('never more than burst + T reads in any T seconds: %s', (_name, look, marker) => {
    const times = readTimes(600, look, marker);
    for (const windowS of [1, 2, 5, 10, 60]) {
      for (const start of times) {
        const inWindow = times.filter(t => t >= start && t < start + windowS * 1000).length;
        expect(inWindow).toBeLessThanOrEqual(P.burst + windowS * P.perSecond);
      }
    }
    // Over the whole wait: one read a second at most.
    expect(times.length).toBeLessThanOrEqual(600 * P.perSecond + P.burst);
  });
});

describe('logReadDelay', () => {
  it.each<[number, boolean, number]>([
    [0, true, 150],
    [1, true, 225],
    [2, true, 337.5],
    [3, true, 500],
    [20, true, 500],
    [3, false, 506.25],
    [6, false, 1708.59375],
    [7, false, 2000],
    [50, false, 2000]
  ])('after %d empty reads (started: %s): %d ms', (empty, started, ms) => {
    expect(logReadDelay(empty, started)).toBe(ms);
  });
});

describe('pollDelay', () => {
  it('looks again soon, then at most once a second', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20].map(poll => pollDelay(poll))).toEqual([
      50, 75, 112.5, 168.75, 253.125, 379.6875, 569.53125, 854.296875, 1000
    ]);
  });
});

describe('followedPhase', () => {
  const run = (over: Partial<{ settled: boolean; pause: boolean; applying: boolean }> = {}) => ({
    settled: false,
    pause: false,
    applying: false,
    ...over
  });
  const phase = (final: boolean, started = true) => ({ final, started });

  it.each<
    [
      string,
      ReturnType<typeof run>,
      ReturnType<typeof phase> | undefined,
      ReturnType<typeof phase> | undefined,
      string | undefined
    ]
  >([
    ['a queued run: its plan', run(), phase(false, false), phase(false, false), 'plan'],
    ['planning', run(), phase(false), phase(false, false), 'plan'],
    ['a pause: nothing', run({ pause: true }), phase(true), phase(false, false), undefined],
    ['cost estimation after the plan: nothing', run(), phase(true), phase(false, false), undefined],
    [
      'confirmed, apply pending: the apply',
      run({ applying: true }),
      phase(true),
      phase(false, false),
      'apply'
    ],
    ['applying', run({ applying: true }), phase(true), phase(false), 'apply'],
    [
      'an apply that began though the run says otherwise',
      run(),
      phase(true),
      phase(false),
      'apply'
    ],
    ['post-apply tasks: nothing', run({ applying: true }), phase(true), phase(true), undefined],
    ['settled: nothing', run({ settled: true }), phase(false), phase(false), undefined],
    ['no phases known', run(), undefined, undefined, undefined]
  ])('%s', (_name, runMeaning, plan, apply, expected) => {
    expect(followedPhase(runMeaning, plan, apply)).toBe(expected);
  });
});

describe('runLook', () => {
  const log = (over: Partial<Parameters<typeof runLook>[0] & object> = {}) => ({
    done: false,
    bytesRead: 0,
    startMarkerSeen: false,
    endMarkerSeen: false,
    ...over
  });

  it.each<[string, Parameters<typeof runLook>[0], RunLook]>([
    ['no log to follow', undefined, 'quiet'],
    ['a log not started yet (it may never)', log(), 'starting'],
    ['a log that began with STX', log({ bytesRead: 10, startMarkerSeen: true }), 'following'],
    ['a log that began without STX', log({ bytesRead: 10 }), 'quiet'],
    [
      'a log whose last byte is ETX',
      log({ bytesRead: 10, startMarkerSeen: true, endMarkerSeen: true }),
      'ending'
    ],
    ['a log that ended or failed', log({ bytesRead: 10, done: true }), 'quiet']
  ])('%s: %s', (_name, followed, look) => {
    expect(runLook(followed)).toBe(look);
  });
});
