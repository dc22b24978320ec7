/**
 * The driver's loop against a scripted API and a clock that only moves when told: the
 * decisions it acts on and its deadline, without the emulator's timing.
 */
import { describe, expect, it } from '@jest/globals';
import type { Inputs } from '../../src/inputs.js';
import type { Clock } from '../../src/retry.js';
import { RunDriver } from '../../src/run-driver.js';
import { JobCancelledError, RunTimeoutError } from '../../src/step-errors.js';
import { FakeApi, type ScriptedRun } from '../helpers/fake-api.js';

/** A clock whose sleeps advance its time at once. */
function manualClock(): Clock & { advance(ms: number): void } {
  let time = 1_000_000;
  return {
    now: () => time,
    advance: ms => (time += ms),
    sleep: (ms, signal) => {
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      time += ms;
      return Promise.resolve();
    },
    random: () => 0.5
  };
}

const inputs = {
  token: 't',
  baseUrl: 'https://tfe.invalid',
  organization: 'acme',
  workspace: 'net',
  workspaceIsId: false,
  directory: '/x',
  workspaceRoot: '/x',
  speculative: false,
  apply: true,
  isDestroy: false,
  message: 'm',
  targets: [],
  replace: [],
  variables: [],
  wait: true,
  timeoutMs: 60_000,
  cancelOnTimeout: true,
  savePlan: false,
  refresh: true,
  refreshOnly: false,
  terraformVersion: '',
  githubToken: '',
  commentOnPr: false,
  runId: undefined,
  discard: false,
  comment: 'GitHub Actions: acme/infra',
  configurationVersion: undefined,
  sensitiveOutputs: false
} satisfies Inputs;

async function drive(
  api: FakeApi,
  clock: Clock,
  extra: Partial<Inputs> = {},
  signal = new AbortController().signal
) {
  const driver = new RunDriver({ ...inputs, ...extra }, { api, clock, signal });
  await driver.resolveWorkspace();
  const cv = await driver.uploadConfiguration({ path: '/dev/null', size: 0 });
  const run = await driver.createRun(cv);
  return { driver, outcome: await driver.follow(run.id) };
}

// A server that says nothing about changes: no has-changes anywhere, no counts.
const silentPause: ScriptedRun = {
  run: { status: 'planned', actions: { 'is-confirmable': true } },
  plan: { status: 'finished' }
};

describe('RunDriver', () => {
  it('confirms with apply: true when nothing says whether the plan has changes', async () => {
    const api = new FakeApi([
      silentPause,
      { run: { status: 'applied' }, plan: { status: 'finished' }, apply: { status: 'finished' } }
    ]);
    const { outcome } = await drive(api, manualClock());
    expect(api.calls.filter(call => call.startsWith('action'))).toEqual(['action apply']);
    expect(outcome.outcome).toBe('success');
  });

  it('counts the timeout from the run creation, not from packing and uploading', async () => {
    const clock = manualClock();
    // The upload alone takes twice the timeout; the run then settles within it.
    const api = new FakeApi(
      [
        { run: { status: 'planning' } },
        { run: { status: 'planning' } },
        {
          run: { status: 'planned_and_finished', 'has-changes': false },
          plan: { status: 'finished' }
        }
      ],
      { onUpload: () => clock.advance(2 * inputs.timeoutMs) }
    );
    const { outcome } = await drive(api, clock);
    expect(outcome).toEqual({ outcome: 'success', headline: 'Plan finished: no changes.' });
  });

  it('still times out a run that never settles', async () => {
    const api = new FakeApi([{ run: { status: 'planning' } }]);
    await expect(drive(api, manualClock())).rejects.toBeInstanceOf(RunTimeoutError);
  });

  it('stops at once when the job is cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new JobCancelledError());
    const api = new FakeApi([{ run: { status: 'planning' } }]);
    const driver = new RunDriver(inputs, { api, clock: manualClock(), signal: controller.signal });
    await expect(driver.follow('run-fake')).rejects.toBeInstanceOf(JobCancelledError);
  });

  it('hands out frozen snapshots of its facts', async () => {
    const api = new FakeApi([
      {
        run: { status: 'planned_and_finished', 'has-changes': false },
        plan: { status: 'finished' }
      }
    ]);
    const { driver } = await drive(api, manualClock());
    const facts = driver.facts;
    expect(Object.isFrozen(facts)).toBe(true);
    expect(facts).toMatchObject({
      runId: 'run-fake',
      runStatus: 'planned_and_finished',
      workspaceId: 'ws-fake'
    });
  });

  it.each(['post_plan_running', 'post_plan_awaiting_decision', 'policy_override'])(
    'waits on %s with a progress line every 30 s, not as an error',
    async status => {
      const waiting: ScriptedRun = { run: { status }, plan: { status: 'finished' } };
      const api = new FakeApi([
        ...Array.from({ length: 24 }, () => waiting),
        { run: { status: 'applied' }, plan: { status: 'finished' }, apply: { status: 'finished' } }
      ]);
      const lines: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = (chunk: string | Uint8Array): boolean => {
        lines.push(String(chunk));
        return true;
      };
      let outcome;
      try {
        ({ outcome } = await drive(api, manualClock()));
      } finally {
        process.stdout.write = write;
      }
      expect(outcome.outcome).toBe('success');
      const log = lines.join('');
      expect(log).toContain(`Run status: ${status}\n`);
      expect(log).toMatch(new RegExp(`Run status: ${status} \\(for 3\\ds\\)`));
      // A person's decision is announced once, as a warning that names the run.
      const warnings = log.split('\n').filter(line => line.startsWith('::warning::'));
      expect(warnings).toHaveLength(status === 'post_plan_running' ? 0 : 1);
      expect(api.calls.filter(call => call.startsWith('action'))).toEqual([]);
    }
  );
});
