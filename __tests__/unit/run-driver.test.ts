/**
 * The driver's loop against a scripted API and a clock that only moves when told: the
 * decisions it acts on and its deadline, without the emulator's timing.
 */
import { describe, expect, it } from '@jest/globals';
import { type DriverDeps, RunDriver } from '../../src/run-driver.js';
import type { RunFacts } from '../../src/run-facts.js';
import { JobCancelledError, RunTimeoutError } from '../../src/step-errors.js';
import { drive, inputs, manualClock } from '../helpers/driver-harness.js';
import { FakeApi, type ScriptedRun } from '../helpers/fake-api.js';
import { withStdout } from '../helpers/stdout.js';

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

  describe('beforeConfirm', () => {
    const pause: ScriptedRun = {
      run: {
        status: 'planned',
        'has-changes': true,
        actions: { 'is-confirmable': true, 'is-discardable': true }
      },
      plan: { status: 'finished' }
    };
    const discarded: ScriptedRun = { run: { status: 'discarded' }, plan: { status: 'finished' } };
    const withHook = async (api: FakeApi, beforeConfirm: DriverDeps['beforeConfirm']) => {
      const driver = new RunDriver(inputs, {
        api,
        clock: manualClock(),
        signal: new AbortController().signal,
        beforeConfirm
      });
      await driver.resolveWorkspace();
      const run = await driver.createRun(await driver.uploadConfiguration({ path: '', size: 0 }));
      return { driver, outcome: await driver.follow(run.id) };
    };
    const actions = (api: FakeApi) => api.calls.filter(call => call.startsWith('action'));

    it('confirms when the hook allows, asking it once with the facts of the plan', async () => {
      const api = new FakeApi([
        pause,
        { run: { status: 'applied' }, plan: { status: 'finished' }, apply: { status: 'finished' } }
      ]);
      const seen: RunFacts[] = [];
      const { outcome } = await withHook(api, facts => {
        seen.push(facts);
        return Promise.resolve({ allow: true });
      });
      expect(actions(api)).toEqual(['action apply']);
      expect(outcome.outcome).toBe('success');
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ runId: 'run-fake', planId: 'plan-fake', hasChanges: true });
    });

    it('discards instead of confirming when the hook refuses, and fails with its reason', async () => {
      const api = new FakeApi([pause, pause, discarded]);
      const { driver, outcome } = await withHook(api, () =>
        Promise.resolve({ allow: false, headline: 'Not applied: no.', reason: 'Because.' })
      );
      expect(actions(api)).toEqual(['action discard']);
      expect(outcome).toEqual({
        outcome: 'failure',
        headline: 'Not applied: no.',
        error: 'Because.'
      });
      expect(driver.facts.runStatus).toBe('discarded');
    });

    it('refuses when the hook throws: an error never confirms', async () => {
      const api = new FakeApi([pause, pause, discarded]);
      const { outcome } = await withHook(api, () => Promise.reject(new Error('GitHub is down')));
      expect(actions(api)).toEqual(['action discard']);
      expect(outcome.outcome).toBe('failure');
      expect(outcome.error).toContain('GitHub is down');
    });

    it('is not asked when there is nothing to confirm', async () => {
      const api = new FakeApi([
        {
          run: { status: 'planned_and_finished', 'has-changes': false },
          plan: { status: 'finished' }
        }
      ]);
      let asked = 0;
      const { outcome } = await withHook(api, () => {
        asked++;
        return Promise.resolve({ allow: false, headline: 'x', reason: 'y' });
      });
      expect(asked).toBe(0);
      expect(outcome.outcome).toBe('success');
    });
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
      // At one read a second, more than 30 s of waiting.
      const api = new FakeApi([
        ...Array.from({ length: 45 }, () => waiting),
        { run: { status: 'applied' }, plan: { status: 'finished' }, apply: { status: 'finished' } }
      ]);
      const { value, stdout: log } = await withStdout(() => drive(api, manualClock()));
      expect(value.outcome.outcome).toBe('success');
      expect(log).toContain(`Run status: ${status}\n`);
      expect(log).toMatch(new RegExp(`Run status: ${status} \\(for 3\\ds\\)`));
      // A person's decision is announced once, as a warning that names the run.
      const warnings = log.split('\n').filter(line => line.startsWith('::warning::'));
      expect(warnings).toHaveLength(status === 'post_plan_running' ? 0 : 1);
      expect(api.calls.filter(call => call.startsWith('action'))).toEqual([]);
    }
  );
});
