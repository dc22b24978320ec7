/**
 * The built bundle, run the way the GitHub runner runs it: `node dist/index.js` in a child
 * process with INPUT_* variables (hyphenated names as the runner writes them), then the post
 * step with the state the main step saved.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readCommandFile, resources, stepEnv, useCheckouts } from './helpers/runner.js';
import { type Emulator, useEmulator } from './helpers/emulator.js';

const root = path.resolve(import.meta.dirname, '..');
const fixture = useEmulator('dist', { stepMs: 10 });
const { newWorkspace, runsOf } = fixture;
let emulator: Emulator;
const newCheckout = useCheckouts();

beforeAll(() => {
  emulator = fixture.emulator;
});

interface Finished {
  code: number | null;
  stdout: string;
}

function spawnStep(
  script: string,
  env: Record<string, string>
): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [path.join(root, script)], {
    // Only what the runner would give: no inherited INPUT_* or tokens from this process.
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const done = new Promise<Finished>(resolve =>
    child.on('exit', code => resolve({ code, stdout }))
  );
  return { child, done };
}

function inputsFor(workspace: string, extra: Record<string, string>): Record<string, string> {
  return fixture.inputs(workspace, { 'cancel-on-timeout': 'true', ...extra });
}

describe('dist/index.js as the runner runs it', () => {
  it('plans and applies with hyphenated INPUT_ names', async () => {
    const ws = newWorkspace();
    const step = newCheckout({ 'main.tf': resources('a', 'b', 'c') });
    const env = stepEnv(step, inputsFor(ws.name, { apply: 'true', 'is-destroy': 'false' }));
    expect(Object.keys(env)).toContain('INPUT_CANCEL-ON-TIMEOUT');
    const { done } = spawnStep('dist/index.js', env);
    const result = await done;
    expect(result.code).toBe(0);
    const outputs = readCommandFile(step.output);
    expect(outputs['run-status']).toBe('applied');
    expect(outputs['resource-additions']).toBe('3');
    expect(runsOf(ws.id)).toHaveLength(1);
    expect(result.stdout.replace(`::add-mask::${emulator.token}`, '')).not.toContain(
      emulator.token
    );
  });

  it('cancels the run on SIGINT, and the post step has nothing left to do', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { holdStatus: 'planning' });
    const step = newCheckout({ 'main.tf': resources('a') });
    const env = stepEnv(step, inputsFor(ws.name, { apply: 'true' }));
    const { child, done } = spawnStep('dist/index.js', env);
    for (let i = 0; i < 800 && runsOf(ws.id).length === 0; i++) {
      await new Promise(resolve => setTimeout(resolve, 25));
    }
    expect(runsOf(ws.id)).toHaveLength(1);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(1);
    const runId = runsOf(ws.id)[0].id;
    expect(emulator.actionNames(runId)).toEqual(['cancel']);
    const state = readCommandFile(step.state);
    expect(state['run-id']).toBe(runId);
    expect(state['stop-on-exit']).toBe('false');
  });

  /** Starts the main step on a run held in planning and kills it once the run exists. */
  async function killedMainStep(): Promise<{
    runId: string;
    env: Record<string, string>;
    state: Record<string, string>;
  }> {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { holdStatus: 'planning' });
    const step = newCheckout({ 'main.tf': resources('a') });
    const env = stepEnv(step, inputsFor(ws.name, { apply: 'true' }));
    const main = spawnStep('dist/index.js', env);
    for (let i = 0; i < 800 && runsOf(ws.id).length === 0; i++) {
      await new Promise(resolve => setTimeout(resolve, 25));
    }
    main.child.kill('SIGKILL');
    await main.done;
    const runId = runsOf(ws.id)[0].id;
    expect(emulator.actionNames(runId)).toEqual([]);
    return { runId, env, state: readCommandFile(step.state) };
  }

  /** The post step as the runner runs it: the main step's state as STATE_* variables. */
  function postStep(env: Record<string, string>, state: Record<string, string>) {
    const stateEnv = Object.fromEntries(
      Object.entries(state).map(([name, value]) => [`STATE_${name}`, value])
    );
    return spawnStep('dist/post/index.js', { ...env, ...stateEnv }).done;
  }

  it('the post step stops a run the killed main step left behind', async () => {
    const { runId, env, state } = await killedMainStep();
    expect(state['stop-on-exit']).toBe('true');
    const result = await postStep(env, state);
    expect(result.code).toBe(0);
    expect(emulator.actionNames(runId)).toEqual(['cancel']);
  });

  it('the post step finds the run when the main step died before hearing of it', async () => {
    const { runId, env, state } = await killedMainStep();
    // As if the answer to POST /runs never reached the main step.
    delete state['run-id'];
    expect(state['configuration-version-id']).toMatch(/^cv-/);
    const result = await postStep(env, state);
    expect(result.code).toBe(0);
    expect(emulator.actionNames(runId)).toEqual(['cancel']);
  });
});
