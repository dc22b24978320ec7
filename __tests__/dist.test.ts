/**
 * The built bundle, run the way the GitHub runner runs it: `node dist/index.js` in a child
 * process with INPUT_* variables (hyphenated names as the runner writes them), then the post
 * step with the state the main step saved. On this machine's Node and on the one action.yml
 * declares (the runtime every user gets).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readCommandFile, resources, stepEnv, useCheckouts } from './helpers/runner.js';
import { type Emulator, useEmulator } from './helpers/emulator.js';
import { type Runtime, runtimes } from './helpers/runtimes.js';
import { spawnStep } from './helpers/spawn-step.js';

const root = path.resolve(import.meta.dirname, '..');
const fixture = useEmulator('dist', { stepMs: 10 });
const { newWorkspace, runsOf } = fixture;
let emulator: Emulator;
const newCheckout = useCheckouts();

beforeAll(() => {
  emulator = fixture.emulator;
});

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

/** The post step as the runner runs it: the main step's state as STATE_* variables. */
function postStep(runtime: Runtime, env: Record<string, string>, state: Record<string, string>) {
  const stateEnv = Object.fromEntries(
    Object.entries(state).map(([name, value]) => [`STATE_${name}`, value])
  );
  return spawnStep(runtime, 'dist/post/index.js', { ...env, ...stateEnv }).done;
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
    expect(emulator.actionNames(runId)).toEqual(['cancel']);
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
    expect(emulator.actionNames(runId)).toEqual([]);
    return { runId, env, state: readCommandFile(step.state) };
  }

  it('the post step stops a run the killed main step left behind', async () => {
    const { runId, env, state } = await killedMainStep();
    expect(state['stop-on-exit']).toBe('true');
    const result = await postStep(runtime, env, state);
    expect(result.code).toBe(0);
    expect(emulator.actionNames(runId)).toEqual(['cancel']);
  });

  it('the post step finds the run when the main step died before hearing of it', async () => {
    const { runId, env, state } = await killedMainStep();
    // As if the answer to POST /runs never reached the main step.
    delete state['run-id'];
    expect(state['configuration-version-id']).toMatch(/^cv-/);
    const result = await postStep(runtime, env, state);
    expect(result.code).toBe(0);
    expect(emulator.actionNames(runId)).toEqual(['cancel']);
  });
});

describe('two jobs with dist/index.js: plan, then apply or promote in another job', () => {
  // The runtime every user gets: the last of the list (action.yml's).
  const runtime = runtimes()[runtimes().length - 1];
  const approval = {
    GITHUB_ACTOR: 'approver',
    GITHUB_RUN_NUMBER: '12',
    GITHUB_SERVER_URL: 'https://github.com'
  };

  /** One job's step: its own checkout and files, the runner's variables, the bundle. */
  async function job(inputs: Record<string, string>, files = { 'main.tf': resources('a', 'b') }) {
    const checkout = newCheckout(files);
    const before = emulator.requests.length;
    const { done } = spawnStep(runtime, 'dist/index.js', {
      ...stepEnv(checkout, inputs),
      ...approval
    });
    const result = await done;
    const requests = (
      emulator.requests as unknown as {
        host: string;
        method: string;
        path: string;
        status: number;
      }[]
    ).slice(before);
    return { ...result, outputs: readCommandFile(checkout.output), requests };
  }

  const creates = (requests: { host: string; method: string; path: string; status: number }[]) =>
    requests.filter(
      r =>
        (r.method === 'POST' && /\/configuration-versions$|\/runs$/.test(r.path)) ||
        (r.host === 'blob' && r.method === 'PUT')
    );

  it("applies the plan job's run exactly once from the approval job; a re-run calls nothing", async () => {
    const ws = newWorkspace();
    const plan = await job(inputsFor(ws.name, {}));
    expect(plan.code).toBe(0);
    expect(plan.outputs['run-status']).toBe('planned');
    const runId = plan.outputs['run-id'];
    // The approval job gets only what `needs.plan.outputs.run-id` hands it.
    const applyInputs = {
      token: emulator.token,
      hostname: emulator.url,
      'run-id': runId,
      apply: 'true',
      'comment-on-pr': 'false'
    };
    const apply = await job(applyInputs, {} as { 'main.tf': string });
    expect(apply.code).toBe(0);
    expect(apply.outputs['run-status']).toBe('applied');
    expect(apply.outputs['configuration-version-id']).toBe(
      plan.outputs['configuration-version-id']
    );
    expect(creates(apply.requests)).toEqual([]);
    expect(emulator.actionCalls(runId).map(c => [c.action, c.comment, c.status])).toEqual([
      [
        'apply',
        'GitHub Actions: acme/infrastructure, workflow "terraform", run 12, actor approver (https://github.com/acme/infrastructure/actions/runs/7)',
        202
      ]
    ]);
    const again = await job(applyInputs, {} as { 'main.tf': string });
    expect(again.code).toBe(0);
    expect(again.requests.filter(r => r.method !== 'GET')).toEqual([]);
    expect(emulator.actionNames(runId)).toEqual(['apply']);
    expect(runsOf(ws.id)).toHaveLength(1);
  });

  it("promotes staging's configuration version by a byte-for-byte copy", async () => {
    const staging = newWorkspace();
    const plan = await job(inputsFor(staging.name, { apply: 'true' }));
    expect(plan.code).toBe(0);
    const source = plan.outputs['configuration-version-id'];
    const production = newWorkspace();
    emulator.setScenario(production.name, { foreignCv: 'not-found' });
    const promote = await job(
      inputsFor(production.name, {
        'configuration-version': source,
        directory: '.',
        apply: 'true'
      }),
      { 'main.tf': resources('not-this') }
    );
    expect(promote.code).toBe(0);
    expect(promote.outputs['run-status']).toBe('applied');
    const copy = promote.outputs['configuration-version-id'];
    expect(copy).not.toBe(source);
    expect(emulator.uploads.get(copy)?.sha256).toBe(emulator.uploads.get(source)?.sha256);
    // Directly first (refused), then one configuration version, its upload, one run.
    expect(
      creates(promote.requests).map(r => [r.method, r.path.replace(/\/[^/]*$/, '/…'), r.status])
    ).toEqual([
      ['POST', '/api/v2/…', 404],
      ['POST', `/api/v2/workspaces/${production.id}/…`, 201],
      ['PUT', '/upload/…', 200],
      ['POST', '/api/v2/…', 201]
    ]);
    expect(runsOf(production.id)).toHaveLength(1);
  });

  /** Starts the approval job on `runId` and kills it (SIGKILL) once `ready` holds. */
  async function killedApprovalJob(runId: string, ready: () => boolean) {
    const checkout = newCheckout({});
    const env = {
      ...stepEnv(checkout, {
        token: emulator.token,
        hostname: emulator.url,
        'run-id': runId,
        apply: 'true',
        'comment-on-pr': 'false'
      }),
      ...approval
    };
    const main = spawnStep(runtime, 'dist/index.js', env);
    for (let i = 0; i < 800 && !ready(); i++) {
      await new Promise(resolve => setTimeout(resolve, 25));
    }
    main.child.kill('SIGKILL');
    await main.done;
    return { env, state: readCommandFile(checkout.state) };
  }

  it('the post step stops an apply the killed approval job confirmed, and only that', async () => {
    // Killed while it waited for a run it had not confirmed: the post step leaves it.
    const busy = newWorkspace();
    emulator.setScenario(busy.name, { holdStatus: 'planning' });
    const planning = (await job(inputsFor(busy.name, { wait: 'false' }))).outputs['run-id'];
    const waiting = await killedApprovalJob(planning, () =>
      (emulator.requests as unknown as { path: string }[]).some(r =>
        r.path.startsWith(`/api/v2/runs/${planning}`)
      )
    );
    expect(waiting.state['stop-on-exit']).not.toBe('true');
    expect((await postStep(runtime, waiting.env, waiting.state)).code).toBe(0);
    expect(emulator.actionNames(planning)).toEqual([]);
    expect(emulator.getRun(planning).status).toBe('planning');
    emulator.release(planning);
    const ws = newWorkspace();
    const plan = await job(inputsFor(ws.name, {}));
    const runId = plan.outputs['run-id'];
    // Killed after it confirmed: the post step cancels the apply it is responsible for.
    emulator.setScenario(ws.name, { holdStatus: 'applying' });
    const confirmed = await killedApprovalJob(
      runId,
      () => emulator.getRun(runId).status === 'applying'
    );
    expect(confirmed.state['stop-on-exit']).toBe('true');
    expect((await postStep(runtime, confirmed.env, confirmed.state)).code).toBe(0);
    expect(emulator.actionCalls(runId).map(c => [c.action, c.comment])).toEqual([
      ['apply', expect.stringContaining('actor approver')],
      [
        'cancel',
        expect.stringMatching(/actor approver .*\(the job ended while the action waited\)$/)
      ]
    ]);
    emulator.release(runId);
  });
});
