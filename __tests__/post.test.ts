/**
 * The post step in-process, as the runner starts it after a main step that was killed:
 * only STATE_* variables and three inputs, the checkout possibly gone.
 */
import * as fs from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { runPost } from '../src/post-main.js';
import type { Clock } from '../src/retry.js';
import { apiClient, createdRun, runReaches } from './helpers/api-runs.js';
import { useEmulator } from './helpers/emulator.js';
import { useCheckouts, withStep } from './helpers/runner.js';

const fixture = useEmulator('post', { stepMs: 5 });
const newCheckout = useCheckouts();

/** A run held in planning, as a killed main step leaves it, and the state it saved. */
async function abandonedRun(): Promise<{ runId: string; state: Record<string, string> }> {
  const ws = fixture.newWorkspace();
  fixture.emulator.setScenario(ws.name, { holdStatus: 'planning' });
  const api = apiClient(fixture.emulator);
  const { runId, configurationVersionId } = await createdRun(api, ws.id);
  api.dispose();
  await runReaches(fixture.emulator, runId, ['planning']);
  return {
    runId,
    state: {
      'STATE_run-id': runId,
      'STATE_workspace-id': ws.id,
      'STATE_configuration-version-id': configurationVersionId,
      'STATE_stop-on-exit': 'true'
    }
  };
}

/** Sleeps that return at once: retries against an unreachable server take no time. */
const instantClock: Clock = {
  now: () => Date.now(),
  sleep: () => Promise.resolve(),
  random: () => 0.5
};

async function post(
  state: Record<string, string>,
  inputs: Record<string, string> = {},
  budgetMs?: number
) {
  const step = newCheckout({});
  const options = { clock: instantClock, budgetMs };
  return withStep(step, fixture.inputs('unused', inputs), () => runPost(options), {
    // @actions/core reads state as STATE_<name>.
    ...state
  });
}

describe('the post step', () => {
  it('cancels the run the killed main step left behind', async () => {
    const { runId, state } = await abandonedRun();
    const result = await post(state);
    expect(result.exitCode).toBe(0);
    expect(fixture.emulator.actionNames(runId)).toEqual(['cancel']);
    expect(result.stdout).toContain(
      `Run ${runId}: canceled (the job ended while the action waited)`
    );
  });

  it('works when the checkout and every other input are gone or wrong', async () => {
    const { runId, state } = await abandonedRun();
    const result = await post(state, {
      directory: 'removed-by-a-later-step',
      workspace: 'not a valid name!',
      timeout: 'soon',
      apply: 'maybe'
    });
    expect(result.stdout).not.toMatch(/Could not stop run/);
    expect(fixture.emulator.actionNames(runId)).toEqual(['cancel']);
  });

  it('also works after the checkout directory was removed', async () => {
    const { runId, state } = await abandonedRun();
    const step = newCheckout({ 'main.tf': '' });
    fs.rmSync(step.workspace, { recursive: true, force: true });
    const result = await withStep(step, fixture.inputs('unused'), () => runPost(), {
      ...state
    });
    expect(result.stdout).not.toMatch(/Could not stop run/);
    expect(fixture.emulator.actionNames(runId)).toEqual(['cancel']);
  });

  it('finds the run by its configuration version when the main step never heard of it', async () => {
    const { runId, state } = await abandonedRun();
    delete state['STATE_run-id'];
    await post(state);
    expect(fixture.emulator.actionNames(runId)).toEqual(['cancel']);
  });

  it('leaves the run alone with cancel-on-timeout: false', async () => {
    const { runId, state } = await abandonedRun();
    const result = await post(state, { 'cancel-on-timeout': 'false' });
    expect(result.stdout).toContain('cancel-on-timeout: false');
    expect(fixture.emulator.actionNames(runId)).toEqual([]);
  });

  it('does nothing when the main step said nothing is left to stop', async () => {
    const { runId, state } = await abandonedRun();
    await post({ ...state, 'STATE_stop-on-exit': 'false' });
    expect(fixture.emulator.actionNames(runId)).toEqual([]);
  });

  it('leaves a run that already settled', async () => {
    const { runId, state } = await abandonedRun();
    fixture.emulator.cancelRun(runId);
    await runReaches(fixture.emulator, runId, ['canceled']);
    await post(state);
    expect(fixture.emulator.actionNames(runId)).toEqual([]);
  });

  it('warns, never fails, when the server cannot be reached', async () => {
    const { runId, state } = await abandonedRun();
    const result = await post(state, { hostname: 'http://127.0.0.1:1' });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`::warning::Could not stop run ${runId}`));
  });

  it('gives up within its budget when the server stalls, and says so', async () => {
    const { runId, state } = await abandonedRun();
    // Only this run's reads stall (longer than the budget and the test's own limit).
    fixture.emulator.addFault({
      method: 'GET',
      path: new RegExp(`^/runs/${runId}$`),
      mode: 'stall',
      limitMs: 60_000
    });
    const started = Date.now();
    const result = await post(state, {}, 1000);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      `::warning::Could not stop run ${runId}: Stopping the run took longer than 1s.`
    );
    expect(fixture.emulator.actionNames(runId)).toEqual([]);
  });
});
