/**
 * The built bundle, run the way the GitHub runner runs it: `node dist/index.js` in a child
 * process with INPUT_* variables (hyphenated names as the runner writes them), then the post
 * step with the state the main step saved. On this machine's Node and on the one action.yml
 * declares (the runtime every user gets).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readCommandFile, resources, stepEnv, useCheckouts } from './helpers/runner.js';
import { type Emulator, useEmulator } from './helpers/emulator.js';
import { type Runtime, runtimes } from './helpers/runtimes.js';

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
  runtime: Runtime,
  script: string,
  env: Record<string, string>,
  nodeArgs: string[] = []
): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(runtime.node, [...nodeArgs, path.join(root, script)], {
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

/**
 * Writes about `mb` MB below the checkout's infra/: text files (compressible) alternating
 * with random ones (stored), as in a repository with binaries checked in.
 */
function addBulk(workspace: string, mb: number): void {
  const dir = path.join(workspace, 'infra', 'bulk');
  fs.mkdirSync(dir, { recursive: true });
  const line = (i: number) => `resource "aws_instance" "web_${i}" { count = ${i % 7} }\n`;
  const text = Buffer.from(Array.from({ length: 1200 }, (_, i) => line(i)).join(''));
  for (let i = 0; i * 96 * 1024 < mb * 1024 * 1024; i++) {
    fs.writeFileSync(
      path.join(dir, `notes-${i}.txt`),
      Buffer.concat([Buffer.from(`${i}\n`), text])
    );
    fs.writeFileSync(path.join(dir, `blob-${i}.bin`), crypto.randomBytes(32 * 1024));
  }
}

function inputsFor(workspace: string, extra: Record<string, string>): Record<string, string> {
  return fixture.inputs(workspace, { 'cancel-on-timeout': 'true', ...extra });
}

describe.each(runtimes())('dist/index.js as the runner runs it, on $label', runtime => {
  const spawnOn = (script: string, env: Record<string, string>) => spawnStep(runtime, script, env);

  it('plans and applies with hyphenated INPUT_ names', async () => {
    const ws = newWorkspace();
    const step = newCheckout({ 'main.tf': resources('a', 'b', 'c') });
    const env = stepEnv(step, inputsFor(ws.name, { apply: 'true', 'is-destroy': 'false' }));
    expect(Object.keys(env)).toContain('INPUT_CANCEL-ON-TIMEOUT');
    const { done } = spawnOn('dist/index.js', env);
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
    const { child, done } = spawnOn('dist/index.js', env);
    for (let i = 0; i < 800 && runsOf(ws.id).length === 0; i++) {
      await new Promise(resolve => setTimeout(resolve, 25));
    }
    expect(runsOf(ws.id)).toHaveLength(1);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(1);
    const runId = runsOf(ws.id)[0].id;
    expect(emulator.actionCalls(runId)).toEqual(['cancel']);
    const state = readCommandFile(step.state);
    expect(state['run-id']).toBe(runId);
    expect(state['stop-on-exit']).toBe('false');
  });

  it('packs and uploads a 40 MB checkout in about the memory of an 8 MB one', async () => {
    /** Peak RSS in MB of the main step packing and uploading `mb` MB. */
    const peak = async (mb: number): Promise<number> => {
      const step = newCheckout({ 'main.tf': resources('a') });
      addBulk(step.workspace, mb);
      const file = path.join(step.temp, 'peak-rss');
      const env = { ...stepEnv(step, inputsFor(newWorkspace().name, {})), PEAK_RSS_FILE: file };
      const preload = path.join(root, '__tests__/helpers/peak-rss.js');
      const result = await spawnStep(runtime, 'dist/index.js', env, ['--import', preload]).done;
      expect(result.code).toBe(0);
      return Number(fs.readFileSync(file, 'utf8')) / 1024;
    };
    // Chunk and output buffers reach their bounds early, so growth stops after ~8 MB: what
    // stays is a few MB of jitter. Before the fix for Node 24 it was +19 MB here (zlib
    // engines kept alive), and grew with the tree up to ~80 MB per compression thread.
    const small = await peak(8);
    const large = await peak(40);
    expect(large - small).toBeLessThan(12);
  }, 60_000);

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
    const main = spawnOn('dist/index.js', env);
    for (let i = 0; i < 800 && runsOf(ws.id).length === 0; i++) {
      await new Promise(resolve => setTimeout(resolve, 25));
    }
    main.child.kill('SIGKILL');
    await main.done;
    const runId = runsOf(ws.id)[0].id;
    expect(emulator.actionCalls(runId)).toEqual([]);
    return { runId, env, state: readCommandFile(step.state) };
  }

  /** The post step as the runner runs it: the main step's state as STATE_* variables. */
  function postStep(env: Record<string, string>, state: Record<string, string>) {
    const stateEnv = Object.fromEntries(
      Object.entries(state).map(([name, value]) => [`STATE_${name}`, value])
    );
    return spawnOn('dist/post/index.js', { ...env, ...stateEnv }).done;
  }

  it('the post step stops a run the killed main step left behind', async () => {
    const { runId, env, state } = await killedMainStep();
    expect(state['stop-on-exit']).toBe('true');
    const result = await postStep(env, state);
    expect(result.code).toBe(0);
    expect(emulator.actionCalls(runId)).toEqual(['cancel']);
  });

  it('the post step finds the run when the main step died before hearing of it', async () => {
    const { runId, env, state } = await killedMainStep();
    // As if the answer to POST /runs never reached the main step.
    delete state['run-id'];
    expect(state['configuration-version-id']).toMatch(/^cv-/);
    const result = await postStep(env, state);
    expect(result.code).toBe(0);
    expect(emulator.actionCalls(runId)).toEqual(['cancel']);
  });
});
