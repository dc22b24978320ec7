/**
 * The whole step against a hostile server (issue 11): answers cut off, stalled or trickled,
 * and blob URLs of other schemes. Whatever the server does, the step ends within its
 * timeout plus a short wrap-up, with outputs and a summary, and never with Node's exit 13.
 * Bounds are generous (a loaded machine), far below what the faults would hold.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { run } from '../../src/main.js';
import { type Emulator, useEmulator } from '../helpers/emulator.js';
import { THIS_NODE, spawnStep } from '../helpers/spawn-step.js';
import { readCommandFile, resources, stepEnv, useCheckouts, withStep } from '../helpers/runner.js';

const fixture = useEmulator('bounds', { stepMs: 5 });
const { newWorkspace, runsOf } = fixture;
const newCheckout = useCheckouts();
let emulator: Emulator;

beforeAll(() => {
  emulator = fixture.emulator;
});

async function timedStep(workspace: string, inputs: Record<string, string> = {}) {
  const step = newCheckout({ 'main.tf': resources('a', 'b') });
  const started = Date.now();
  const result = await withStep(step, fixture.inputs(workspace, inputs), () => run());
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

function blobRequests(prefix: string): { status: number }[] {
  return (emulator.requests as { host: string; path: string; status: number }[]).filter(
    r => r.host === 'blob' && r.path.startsWith(prefix)
  );
}

describe('answers cut off mid-body', () => {
  it('reads a cut plan JSON again: outputs and summary as usual', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { planJsonBytes: 400_000 });
    const before = blobRequests('/json/').length;
    emulator.addFault({ method: 'GET', path: /^\/json\//, mode: 'cut' });
    const result = await timedStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs['run-status']).toBe('planned_and_finished');
    expect(result.summary).toContain('null_resource.a');
    expect(result.summary).not.toContain('Resource-level changes are not shown');
    expect(blobRequests('/json/').length - before).toBe(2);
  }, 20_000);

  it('goes on after a cut API answer while following the run', async () => {
    const ws = newWorkspace();
    emulator.addFault({ method: 'GET', path: /^\/runs\/run-/, mode: 'cut', times: 2 });
    const result = await timedStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs['run-status']).toBe('planned_and_finished');
  }, 20_000);
});

describe('a huge plan JSON', () => {
  it('past the cap: the report shows the counts and says why', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { planJsonBytes: 150_000_000 });
    const result = await timedStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs['resource-additions']).toBe('2');
    expect(result.summary).toMatch(
      /Resource-level changes are not shown: the plan's JSON output is larger than 128\.0 MiB/
    );
    expect(result.seconds).toBeLessThan(20);
  }, 60_000);
});

describe('stalled answers end with the timeout', () => {
  it('a stall while following the run: timeout, cancel, report', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { holdStatus: 'planning' });
    emulator.addFault({ method: 'GET', path: /^\/runs\/run-/, mode: 'stall', limitMs: 50_000 });
    const result = await timedStep(ws.name, { apply: 'true', timeout: '3s' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/did not settle within the timeout \(3s\)/);
    expect(emulator.actionNames(runsOf(ws.id)[0].id)).toEqual(['cancel']);
    expect(result.outputs['run-status']).toBe('canceled');
    expect(result.summary).toContain('timeout');
    expect(result.seconds).toBeLessThan(25);
  }, 60_000);

  it('headers then silence while following the run: the same', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { holdStatus: 'planning' });
    emulator.addFault({
      method: 'GET',
      path: /^\/runs\/run-/,
      mode: 'stall-headers',
      limitMs: 50_000
    });
    const result = await timedStep(ws.name, { apply: 'true', timeout: '3s' });
    expect(result.exitCode).toBe(1);
    expect(result.outputs['run-status']).toBe('canceled');
    expect(result.seconds).toBeLessThan(25);
  }, 60_000);

  it('a stall before the run exists: the timeout still bounds it, and no run is created', async () => {
    const ws = newWorkspace();
    emulator.addFault({
      method: 'GET',
      path: /^\/organizations\/acme\/workspaces\//,
      mode: 'stall',
      limitMs: 50_000
    });
    const result = await timedStep(ws.name, { timeout: '2s' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/within the timeout \(2s\)/);
    expect(runsOf(ws.id)).toHaveLength(0);
    expect(result.seconds).toBeLessThan(20);
  }, 60_000);
});

describe('blob URLs of other schemes', () => {
  it.each(['ftp://127.0.0.2:21', 'file:///tmp'])(
    'refuses an upload URL under %s, without showing its path',
    async origin => {
      const ws = newWorkspace();
      emulator.setBlobOrigin(origin);
      try {
        const result = await timedStep(ws.name, { speculative: 'true' });
        expect(result.exitCode).toBe(1);
        expect(result.stdout).toMatch(
          /Refused the upload URL the server gave: its scheme \w+ is neither https nor http/
        );
        expect(result.stdout).not.toContain('/upload/');
        expect(runsOf(ws.id)).toHaveLength(0);
      } finally {
        emulator.setBlobOrigin(null);
      }
    },
    30_000
  );
});

describe('dist/index.js as the runner runs it', () => {
  it('exits 0 with its outputs when the plan JSON read is cut (never 13)', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { planJsonBytes: 400_000 });
    emulator.addFault({ method: 'GET', path: /^\/json\//, mode: 'cut', times: 1 });
    const step = newCheckout({ 'main.tf': resources('a') });
    const env = stepEnv(step, fixture.inputs(ws.name, { speculative: 'true' }));
    const { code, stdout } = await spawnStep(THIS_NODE, 'dist/index.js', env).done;
    expect({ code, tail: stdout.slice(-500) }).toMatchObject({ code: 0 });
    expect(readCommandFile(step.output)['run-status']).toBe('planned_and_finished');
  }, 30_000);
});

// Last: its fault stays for every log read after it (faults cannot be taken back).
describe('a trickling log', () => {
  it('cannot hold the step: the run is reported although its log never comes', async () => {
    const ws = newWorkspace();
    emulator.addFault({
      method: 'GET',
      path: /^\/logs\//,
      mode: 'trickle',
      intervalMs: 20_000,
      limitMs: 100_000,
      times: 100
    });
    const result = await timedStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs['run-status']).toBe('planned_and_finished');
    expect(result.seconds).toBeLessThan(60);
  }, 120_000);
});
