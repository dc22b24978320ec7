/**
 * The action end to end, in process: run() against the emulator over real HTTP, on real
 * directories, with real GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { run } from '../src/main.js';
import { type StepResult, resources, withStep, useCheckouts } from './helpers/runner.js';
import { type Emulator, useEmulator } from './helpers/emulator.js';

const fixture = useEmulator('action');
const { newWorkspace, runsOf, cvsOf } = fixture;
let emulator: Emulator;
const newCheckout = useCheckouts();

beforeAll(() => {
  emulator = fixture.emulator;
});

async function runStep(
  workspace: string,
  inputs: Record<string, string>,
  files: Record<string, string> = { 'main.tf': resources('a', 'b') },
  options: { signal?: AbortSignal } = {}
): Promise<StepResult> {
  const step = newCheckout(files);
  return withStep(step, fixture.inputs(workspace, inputs), () => run({ signal: options.signal }));
}

function requestsFor(pathPart: string, method?: string): unknown[] {
  return (emulator.requests as { path: string; method: string }[]).filter(
    r => r.path.includes(pathPart) && (!method || r.method === method)
  );
}

function expectOneOfEach(workspaceId: string): void {
  expect(cvsOf(workspaceId)).toHaveLength(1);
  expect(runsOf(workspaceId)).toHaveLength(1);
}

describe('speculative plan', () => {
  it('plans, succeeds and reports the counts', async () => {
    const ws = newWorkspace();
    const result = await runStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(0);
    expectOneOfEach(ws.id);
    const runId = runsOf(ws.id)[0].id;
    expect(result.outputs['run-id']).toBe(runId);
    expect(result.outputs['run-status']).toBe('planned_and_finished');
    expect(result.outputs['run-url']).toBe(
      `${emulator.url}/app/acme/workspaces/${ws.name}/runs/${runId}`
    );
    expect(result.outputs['configuration-version-id']).toBe(cvsOf(ws.id)[0].id);
    expect(result.outputs['plan-id']).toMatch(/^plan-/);
    expect(result.outputs['apply-id']).toBeUndefined();
    expect(result.outputs['has-changes']).toBe('true');
    expect(result.outputs['resource-additions']).toBe('2');
    expect(result.outputs['resource-changes']).toBe('0');
    expect(result.outputs['resource-destructions']).toBe('0');
    expect(result.outputs['resource-imports']).toBe('0');
    expect(result.summary).toContain(runId);
    expect(result.summary).toContain('planned_and_finished');
    expect(emulator.actionNames(runId)).toEqual([]);
  });

  it('uploads the directory as the archive root, without ignored files', async () => {
    const ws = newWorkspace();
    const result = await runStep(
      ws.name,
      { speculative: 'true' },
      {
        'main.tf': resources('a'),
        'modules/net/main.tf': resources('n'),
        '.terraformignore': 'secret.tfvars\n',
        'secret.tfvars': 'password = "hunter2"\n',
        '.terraform/providers/p': 'binary',
        '.terraform/modules/m/main.tf': resources('m')
      }
    );
    expect(result.exitCode).toBe(0);
    const upload = emulator.uploads.get(cvsOf(ws.id)[0].id) as {
      entries: { name: string }[];
    };
    const names = upload.entries.map(e => e.name);
    expect(names).toEqual(
      expect.arrayContaining(['main.tf', 'modules/net/main.tf', '.terraform/modules/m/main.tf'])
    );
    expect(names).not.toContain('secret.tfvars');
    expect(names.some(n => n.startsWith('.terraform/providers'))).toBe(false);
  });
});

describe('applyable runs', () => {
  it('confirms a plan with changes exactly once and waits for the apply', async () => {
    const ws = newWorkspace();
    const result = await runStep(ws.name, { apply: 'true' });
    expect(result.exitCode).toBe(0);
    expectOneOfEach(ws.id);
    const runId = runsOf(ws.id)[0].id;
    expect(emulator.actionNames(runId)).toEqual(['apply']);
    expect(result.outputs['run-status']).toBe('applied');
    expect(result.outputs['apply-id']).toMatch(/^apply-/);
    expect(result.outputs['has-changes']).toBe('true');
  });

  it('confirms again after a 409 that applied nothing', async () => {
    const ws = newWorkspace();
    emulator.addFault({ method: 'POST', path: /\/actions\/apply$/, status: 409 });
    const result = await runStep(ws.name, { apply: 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs['run-status']).toBe('applied');
    expect(result.stdout).toMatch(/could not be confirmed just now \(409\)/);
    expect(requestsFor(`/runs/${runsOf(ws.id)[0].id}/actions/apply`, 'POST')).toHaveLength(2);
  });

  it('waits for an auto-apply workspace without calling apply', async () => {
    const ws = newWorkspace({ autoApply: true });
    const result = await runStep(ws.name, {});
    expect(result.exitCode).toBe(0);
    const runId = runsOf(ws.id)[0].id;
    expect(emulator.actionNames(runId)).toEqual([]);
    expect(result.outputs['run-status']).toBe('applied');
    expect(result.outputs['apply-id']).toMatch(/^apply-/);
  });

  it('confirms nothing when the plan has no changes', async () => {
    const ws = newWorkspace();
    const first = await runStep(ws.name, { apply: 'true' });
    expect(first.outputs['run-status']).toBe('applied');
    // The same configuration again: the state already matches it.
    const result = await runStep(ws.name, { apply: 'true' });
    expect(result.exitCode).toBe(0);
    expect(runsOf(ws.id)).toHaveLength(2);
    const runId = result.outputs['run-id'];
    expect(runId).toBe(runsOf(ws.id)[1].id);
    expect(emulator.actionNames(runId)).toEqual([]);
    expect(result.outputs['run-status']).toBe('planned_and_finished');
    expect(result.outputs['has-changes']).toBe('false');
    expect(result.outputs['resource-additions']).toBe('0');
    expect(result.outputs['apply-id']).toBeUndefined();
  });

  it('without apply, succeeds at the first confirmable moment, after the cost estimate', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { costEstimate: true });
    const result = await runStep(ws.name, { apply: 'false' });
    expect(result.exitCode).toBe(0);
    const runId = runsOf(ws.id)[0].id;
    expect(emulator.actionNames(runId)).toEqual([]);
    expect(result.outputs['run-status']).toBe('cost_estimated');
    expect(result.outputs['apply-id']).toBeUndefined();
    // The run waits for a person: the post step must leave it alone.
    expect(result.state['stop-on-exit']).toBe('false');
  });
});

describe('failures still report', () => {
  it('an errored plan fails the step with outputs and summary', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { planError: true });
    const result = await runStep(ws.name, { apply: 'true' });
    expect(result.exitCode).toBe(1);
    expectOneOfEach(ws.id);
    expect(result.outputs['run-status']).toBe('errored');
    expect(result.outputs['run-id']).toBe(runsOf(ws.id)[0].id);
    expect(result.summary).toContain('errored');
    expect(result.stdout).toMatch(/::error::Plan errored/);
    // The end of the plan log, folded, so the reason is one click away.
    expect(result.summary).toMatch(/<details>[\s\S]*Error:[\s\S]*<\/details>/);
  });

  it('an errored apply fails the step with outputs and summary', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { applyError: true });
    const result = await runStep(ws.name, { apply: 'true' });
    expect(result.exitCode).toBe(1);
    expect(result.outputs['run-status']).toBe('errored');
    expect(result.outputs['apply-id']).toMatch(/^apply-/);
    expect(result.stdout).toMatch(/::error::Apply errored/);
    expect(result.summary).toContain(result.outputs['run-id']);
  });

  it('an unknown workspace fails clearly and creates nothing', async () => {
    const before = emulator.configurationVersions.length;
    const result = await runStep('does-not-exist', { speculative: 'true' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/404: not found, or the token has no access to it/);
    expect(emulator.configurationVersions.length).toBe(before);
    expect(result.summary).toMatch(/nothing was created/i);
  });

  it('a run the server refuses to create is "could not start", not "could not be completed"', async () => {
    const ws = newWorkspace();
    emulator.addFault({ method: 'POST', path: '/runs', status: 422 });
    const result = await runStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(1);
    expect(runsOf(ws.id)).toHaveLength(0);
    expect(result.stdout).toMatch(
      /::error::The run could not start\. POST \/runs failed with HTTP 422/
    );
    expect(result.summary).not.toMatch(/could not be completed/);
  });

  it('reports every input error at once, before any request', async () => {
    const before = emulator.requests.length;
    const result = await runStep('ws-name-without-org', {
      organization: '',
      speculative: 'true',
      apply: 'true'
    });
    expect(result.exitCode).toBe(1);
    expect(emulator.requests.length).toBe(before);
    expect(result.summary).toMatch(/"organization" is required/);
    expect(result.summary).toMatch(/"speculative" and "apply" cannot both be true/);
  });

  it('a missing token fails before any request', async () => {
    const before = emulator.requests.length;
    const result = await runStep('anything', { token: '' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/token/);
    expect(result.stdout).toMatch(/TF_API_TOKEN/);
    expect(emulator.requests.length).toBe(before);
    expect(result.summary).toMatch(/nothing was created/i);
  });

  it('a symlink leaving the checkout is refused before any request', async () => {
    const ws = newWorkspace();
    const before = emulator.requests.length;
    const step = newCheckout({ 'main.tf': resources('a') });
    const outside = path.join(step.temp, 'secret.txt');
    fs.writeFileSync(outside, 'runner secret');
    fs.symlinkSync(outside, path.join(step.workspace, 'infra', 'leak.txt'));
    const result = await withStep(step, fixture.inputs(ws.name, { speculative: 'true' }), () =>
      run()
    );
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('leak.txt');
    expect(emulator.requests.length).toBe(before);
  });
});

describe('retries', () => {
  it('retries a rate-limited create after Retry-After, with one CV and one run', async () => {
    const ws = newWorkspace();
    emulator.addFault({
      method: 'POST',
      path: `/workspaces/${ws.id}/configuration-versions`,
      status: 429,
      headers: { 'Retry-After': '1' }
    });
    emulator.addFault({
      method: 'POST',
      path: '/runs',
      status: 429,
      headers: { 'Retry-After': '1' }
    });
    const result = await runStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(0);
    expectOneOfEach(ws.id);
    expect(requestsFor(`/workspaces/${ws.id}/configuration-versions`, 'POST')).toHaveLength(2);
  });

  it('recovers from 503s on creates and reads with exactly one CV and one run', async () => {
    const ws = newWorkspace();
    emulator.addFault({
      method: 'GET',
      path: `/organizations/acme/workspaces/${ws.name}`,
      status: 503
    });
    emulator.addFault({
      method: 'POST',
      path: `/workspaces/${ws.id}/configuration-versions`,
      status: 503
    });
    emulator.addFault({ method: 'POST', path: '/runs', status: 503 });
    const result = await runStep(ws.name, { apply: 'true' });
    expect(result.exitCode).toBe(0);
    expectOneOfEach(ws.id);
    expect(emulator.actionNames(runsOf(ws.id)[0].id)).toEqual(['apply']);
  });

  it('adopts the run when the answer to its create was lost', async () => {
    const ws = newWorkspace();
    emulator.addFault({ method: 'POST', path: '/runs', status: 0, mode: 'lost' });
    const result = await runStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(0);
    expectOneOfEach(ws.id);
    expect(result.outputs['run-id']).toBe(runsOf(ws.id)[0].id);
  });
});

describe('progress in the log', () => {
  it('repeats an unchanged status every 30 s of waiting', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { holdStatus: 'pending' });
    // Time runs 200 times faster for the action: half a real second is 100 s for it.
    const start = Date.now();
    const fast = {
      now: () => start + (Date.now() - start) * 200,
      sleep: (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms / 200)),
      random: () => 0.5
    };
    const release = setTimeout(() => emulator.release(runsOf(ws.id)[0].id), 600);
    const step = newCheckout({ 'main.tf': resources('a') });
    const result = await withStep(step, fixture.inputs(ws.name, { speculative: 'true' }), () =>
      run({ clock: fast })
    ).finally(() => clearTimeout(release));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Run status: pending \(for \d+s\)/);
    expect(result.stdout).toMatch(/Run status: pending \(for 1m\d*s?\)/);
  });
});

describe('stopping the run', () => {
  it('cancels the run on timeout', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { holdStatus: 'planning' });
    const result = await runStep(ws.name, { apply: 'true', timeout: '2s' });
    expect(result.exitCode).toBe(1);
    const runId = runsOf(ws.id)[0].id;
    expect(emulator.actionNames(runId)).toEqual(['cancel']);
    expect(result.stdout).toMatch(/did not settle within the timeout \(2s\)/);
    expect(result.outputs['run-status']).toBe('canceled');
  });

  it('leaves the run alone on timeout with cancel-on-timeout: false', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { holdStatus: 'planning' });
    const result = await runStep(ws.name, { timeout: '1s', 'cancel-on-timeout': 'false' });
    expect(result.exitCode).toBe(1);
    expect(emulator.actionNames(runsOf(ws.id)[0].id)).toEqual([]);
    emulator.release(runsOf(ws.id)[0].id);
  });

  it('cancels the run when the job is cancelled', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { holdStatus: 'planning' });
    const controller = new AbortController();
    const watcher = setInterval(() => {
      if (runsOf(ws.id).length) controller.abort();
    }, 20);
    const result = await runStep(ws.name, { apply: 'true' }, undefined, {
      signal: controller.signal
    }).finally(() => clearInterval(watcher));
    expect(result.exitCode).toBe(1);
    expect(emulator.actionNames(runsOf(ws.id)[0].id)).toEqual(['cancel']);
    expect(result.summary).toContain(runsOf(ws.id)[0].id);
  });
});

describe('secrets', () => {
  it('never shows the token, and never sends it to the blob host', async () => {
    const ws = newWorkspace();
    const result = await runStep(ws.name, { apply: 'true' });
    expect(result.exitCode).toBe(0);
    const token = emulator.token;
    // core.setSecret announces the mask once; nothing else may carry the token.
    const withoutMask = result.stdout.replace(`::add-mask::${token}`, '');
    expect(withoutMask).not.toContain(token);
    expect(JSON.stringify(result.outputs)).not.toContain(token);
    expect(result.summary).not.toContain(token);
    const blob = (emulator.requests as { host: string; authorization?: string }[]).filter(
      r => r.host === 'blob'
    );
    expect(blob.length).toBeGreaterThan(0);
    expect(blob.every(r => r.authorization === undefined)).toBe(true);
  });
});
