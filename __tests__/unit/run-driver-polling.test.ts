/**
 * When the driver reads the run and its log, against a fake server whose run and logs
 * follow a clock that moves only when the driver waits: the run is read at once after a
 * log's end marker, never more often than the bucket allows whatever the log prints, and
 * nothing is waited for once the run settled.
 */
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_POLL_POLICY as P } from '../../src/poll-schedule.js';
import { drive, manualClock } from '../helpers/driver-harness.js';
import { FakeApi, type ScriptedRun } from '../helpers/fake-api.js';
import { withStdout } from '../helpers/stdout.js';

/** Runs `body` with the step's log (stdout) kept out of the test output. */
async function quietly<T>(body: () => Promise<T>): Promise<T> {
  return (await withStdout(body)).value;
}

const STX = '\u0002';
const ETX = '\u0003';
const PLAN_LOG = 'https://blob.invalid/logs/plan';
const APPLY_LOG = 'https://blob.invalid/logs/apply';

/** A log as written by `at` ms: STX, the lines whose time came, ETX from `endAt`. */
function logOf(lines: readonly [number, string][], endAt: number, at: number): Buffer {
  const written = lines.filter(([t]) => t <= at).map(([, line]) => `${line}\n`);
  return Buffer.from(STX + written.join('') + (at >= endAt ? ETX : ''), 'latin1');
}

/** When the manual clock starts. */
const T0 = manualClock().now();

/** A speculative plan that runs from `start`, whose log ends at `logEnd` and plan at `planEnd`. */
function speculativePlan(start: number, logEnd: number, planEnd: number) {
  const clock = manualClock();
  const t0 = clock.now();
  const lines: [number, string][] = [
    [1000, 'Terraform v1.9.5'],
    [2500, 'null_resource.a: Plan to create'],
    [logEnd - t0 - 1, 'Plan: 1 to add, 0 to change, 0 to destroy.']
  ];
  const api = new FakeApi([], {
    clock,
    runAt: (now): ScriptedRun => {
      const plan = { 'log-read-url': PLAN_LOG };
      if (now >= planEnd) {
        return {
          run: { status: 'planned_and_finished', 'has-changes': true },
          plan: { ...plan, status: 'finished' },
          apply: { status: 'unreachable', 'log-read-url': APPLY_LOG }
        };
      }
      return {
        run: { status: now >= start ? 'planning' : 'plan_queued' },
        plan: { ...plan, status: now >= start ? 'running' : 'queued' },
        apply: { status: 'pending', 'log-read-url': APPLY_LOG }
      };
    },
    logAt: (url, now) => (url === PLAN_LOG ? logOf(lines, logEnd - t0, now - t0) : Buffer.alloc(0))
  });
  return { clock, api };
}

const speculative = { speculative: true, apply: false } as const;

/** A speculative plan that runs until `settleAt`, then has finished without changes. */
function planningUntil(settleAt: number) {
  return (now: number): ScriptedRun =>
    now < settleAt
      ? { run: { status: 'planning' }, plan: { status: 'running', 'log-read-url': PLAN_LOG } }
      : {
          run: { status: 'planned_and_finished', 'has-changes': false },
          plan: { status: 'finished', 'log-read-url': PLAN_LOG }
        };
}

describe('RunDriver: when it reads the run', () => {
  it('reads the run at once after the log shows its end marker, and waits no more', async () => {
    const planEnd = T0 + 7300;
    const scenario = speculativePlan(T0 + 800, planEnd, planEnd);
    const { outcome } = await drive(scenario.api, scenario.clock, speculative);
    expect(outcome.outcome).toBe('success');

    const timeline = scenario.api.timeline;
    const endRead = timeline.find(e => e.call.startsWith(`log ${PLAN_LOG}`) && e.at >= planEnd);
    expect(endRead).toBeDefined();
    // The log is read often enough to find the end within logMaxMs…
    expect(endRead!.at - planEnd).toBeLessThanOrEqual(P.logMaxMs);
    // …and the run is read in the same moment, which settles it.
    const settledRead = timeline.find(e => e.call === 'get run planned_and_finished');
    expect(settledRead?.at).toBe(endRead!.at);
    // No wait after the last read: the step goes on at once.
    expect(scenario.clock.now()).toBe(settledRead!.at);
    // While the log ran, the run was read seldom: at creation + firstMs, then per logOpenMs.
    const before = scenario.api.runReads().filter(at => at < planEnd);
    expect(before.length).toBeLessThanOrEqual(1 + Math.ceil(7300 / P.logOpenMs));
  });

  it('after the end marker, looks every afterEndMs until the phase is over', async () => {
    // TFE reports the plan's end a moment after its log ended.
    const scenario = speculativePlan(T0 + 800, T0 + 7300, T0 + 8200);
    await drive(scenario.api, scenario.clock, speculative);
    const reads = scenario.api.runReads().filter(at => at >= T0 + 7300);
    expect(reads.length).toBeGreaterThanOrEqual(3);
    const gaps = reads.slice(1).map((at, i) => at - reads[i]);
    expect(gaps.every(gap => gap === P.afterEndMs)).toBe(true);
    expect(reads.at(-1)! - (T0 + 8200)).toBeLessThan(P.afterEndMs);
  });

  it('never reads the run more than burst + T times in T seconds, whatever the log prints', async () => {
    const clock = manualClock();
    const t0 = clock.now();
    const settleAt = t0 + 180_000;
    const api = new FakeApi([], {
      clock,
      runAt: planningUntil(settleAt),
      // A line every 100 ms, an ETX byte after every other one: the log seems to end, and
      // goes on, over and over.
      logAt: (_url, now) => {
        const lines = Math.floor((now - t0) / 100) + 1;
        const text = Array.from({ length: lines }, (_, i) => (i % 2 ? `x\n${ETX}` : 'x\n'));
        return Buffer.from(STX + text.join(''), 'latin1');
      }
    });
    const { outcome } = await quietly(() =>
      drive(api, clock, { ...speculative, timeoutMs: 600_000 })
    );
    expect(outcome.outcome).toBe('success');
    const reads = api.runReads().filter(at => at < settleAt);
    expect(reads.length).toBeGreaterThan(100);
    for (const seconds of [1, 5, 30]) {
      for (const start of reads) {
        const inWindow = reads.filter(at => at >= start && at < start + seconds * 1000).length;
        expect(inWindow).toBeLessThanOrEqual(P.burst + seconds * P.perSecond);
      }
    }
  });

  it('waits for nothing once a speculative plan settled, though its apply never ran', async () => {
    const clock = manualClock();
    const api = new FakeApi([], {
      clock,
      runAt: (): ScriptedRun => ({
        run: { status: 'planned_and_finished', 'has-changes': true },
        plan: { status: 'finished', 'log-read-url': PLAN_LOG },
        apply: { status: 'unreachable', 'log-read-url': APPLY_LOG }
      }),
      logAt: url => Buffer.from(url === PLAN_LOG ? `${STX}Plan: 1 to add.\n${ETX}` : '', 'latin1')
    });
    await drive(api, clock, speculative);
    const [settled] = api.runReads();
    expect(clock.now()).toBe(settled);
    expect(api.timeline.some(e => e.call.startsWith(`log ${APPLY_LOG}`))).toBe(false);
  });

  it('follows the apply log once it confirmed, and reads the run at its end marker', async () => {
    const clock = manualClock();
    const t0 = clock.now();
    const confirmed = (): number =>
      api.timeline.find(e => e.call === 'action apply')?.at ?? Infinity;
    const api: FakeApi = new FakeApi([], {
      clock,
      runAt: (now): ScriptedRun => {
        const confirmedAt = confirmed();
        const plan = { status: 'finished', 'log-read-url': PLAN_LOG };
        const apply = { 'log-read-url': APPLY_LOG };
        if (now < t0 + 2000) {
          return { run: { status: 'planning' }, plan: { ...plan, status: 'running' } };
        }
        if (now < confirmedAt) {
          return {
            run: { status: 'planned', 'has-changes': true, actions: { 'is-confirmable': true } },
            plan,
            apply: { ...apply, status: 'pending' }
          };
        }
        return now < confirmedAt + 3000
          ? { run: { status: 'applying' }, plan, apply: { ...apply, status: 'running' } }
          : { run: { status: 'applied' }, plan, apply: { ...apply, status: 'finished' } };
      },
      logAt: (url, now) => {
        if (url === PLAN_LOG) return logOf([[0, 'Plan: 1 to add.']], 2000, now - t0);
        if (now < confirmed() + 500) return Buffer.alloc(0);
        return logOf([[0, 'Apply complete!']], 3000, now - confirmed());
      }
    });
    const { outcome } = await drive(api, clock);
    expect(outcome.outcome).toBe('success');
    expect(api.calls.filter(call => call.startsWith('action'))).toEqual(['action apply']);
    // Between the confirmation and the apply log's end, no run read was needed.
    const confirmedAt = confirmed();
    const afterConfirm = api.runReads().filter(at => at > confirmedAt);
    expect(afterConfirm[0]).toBeGreaterThanOrEqual(confirmedAt + 3000);
    expect(afterConfirm[0] - (confirmedAt + 3000)).toBeLessThanOrEqual(P.logMaxMs);
  });

  it('reads the run once a second while the log shows nothing (a server without logs)', async () => {
    const clock = manualClock();
    const t0 = clock.now();
    const settleAt = t0 + 9500;
    const api = new FakeApi([], {
      clock,
      runAt: planningUntil(settleAt),
      logAt: () => Buffer.alloc(0)
    });
    const { outcome } = await drive(api, clock, speculative);
    expect(outcome.outcome).toBe('success');
    const reads = api.runReads();
    const gaps = reads.slice(2).map((at, i) => at - reads[i + 1]);
    expect(gaps.every(gap => gap === P.maxMs)).toBe(true);
    // The settled run is seen within one gap, not after a log's end marker that never comes.
    expect(reads.at(-1)! - settleAt).toBeLessThanOrEqual(P.maxMs);
    // The empty log was still looked at between run reads, for when it starts.
    expect(api.timeline.filter(e => e.call.startsWith(`log ${PLAN_LOG}`)).length).toBeGreaterThan(
      reads.length
    );
  });
});
