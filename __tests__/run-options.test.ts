/**
 * Every run option of docs/contract.md ("Inputs") reaches the API as documented, and the workspace states
 * that must stop or warn do so before anything is created.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { run } from '../src/main.js';
import { type StepResult, resources, withStep, useCheckouts } from './helpers/runner.js';
import { type Emulator, useEmulator } from './helpers/emulator.js';

const fixture = useEmulator('opts');
const { newWorkspace, runsOf, cvsOf } = fixture;
let emulator: Emulator;
const newCheckout = useCheckouts();

beforeAll(() => {
  emulator = fixture.emulator;
});

async function runStep(
  workspace: string,
  inputs: Record<string, string>,
  files: Record<string, string> = { 'main.tf': resources('a', 'b') }
): Promise<StepResult> {
  const step = newCheckout(files);
  return withStep(step, fixture.inputs(workspace, inputs), () => run());
}

describe('run options', () => {
  it('sends targets, replacements, variables, refresh and the derived message', async () => {
    const ws = newWorkspace({ state: ['null_resource.a'] });
    const result = await runStep(ws.name, {
      targets: 'null_resource.a\nnull_resource.b\n',
      replace: 'null_resource.a',
      variables: 'replicas=2\nregion="eu-west-1"',
      refresh: 'false'
    });
    expect(result.exitCode).toBe(0);
    const [created] = runsOf(ws.id);
    expect(created.attrs['target-addrs']).toEqual(['null_resource.a', 'null_resource.b']);
    expect(created.attrs['replace-addrs']).toEqual(['null_resource.a']);
    expect(created.attrs.variables).toEqual([
      { key: 'replicas', value: '2' },
      { key: 'region', value: '"eu-west-1"' }
    ]);
    expect(created.attrs.refresh).toBe(false);
    expect(created.attrs['plan-only']).toBeUndefined();
    const message = created.attrs.message as string;
    expect(message).toContain('acme/infrastructure');
    expect(message).toContain('0123456789abcdef0123456789abcdef01234567');
    expect(message).toContain('terraform');
    expect(cvsOf(ws.id)).toEqual([
      expect.objectContaining({ autoQueueRuns: false, speculative: false, provisional: false })
    ]);
    // Variable values are the user's business: never in the log.
    expect(result.stdout).not.toContain('eu-west-1');
  });

  it('a speculative run with a Terraform version and a message of its own', async () => {
    const ws = newWorkspace();
    const result = await runStep(ws.name, {
      speculative: 'true',
      'terraform-version': '1.9.8',
      message: 'Preview of PR #12'
    });
    expect(result.exitCode).toBe(0);
    const [created] = runsOf(ws.id);
    expect(created.attrs['plan-only']).toBe(true);
    expect(created.attrs['terraform-version']).toBe('1.9.8');
    expect(created.attrs.message).toBe('Preview of PR #12');
    expect(cvsOf(ws.id)[0]).toEqual(
      expect.objectContaining({ autoQueueRuns: false, speculative: true })
    );
  });

  it('a destroy run confirmed with apply', async () => {
    const ws = newWorkspace();
    await runStep(ws.name, { apply: 'true' });
    const result = await runStep(ws.name, { 'is-destroy': 'true', apply: 'true' });
    expect(result.exitCode).toBe(0);
    expect(runsOf(ws.id)[1].attrs['is-destroy']).toBe(true);
    expect(result.outputs['resource-destructions']).toBe('2');
    expect(result.outputs['run-status']).toBe('applied');
  });

  it('a saved plan settles as planned_and_saved on a provisional CV', async () => {
    const ws = newWorkspace();
    const result = await runStep(ws.name, { 'save-plan': 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs['run-status']).toBe('planned_and_saved');
    expect(runsOf(ws.id)[0].attrs['save-plan']).toBe(true);
    expect(cvsOf(ws.id)[0].provisional).toBe(true);
  });

  it('a refresh-only run', async () => {
    const ws = newWorkspace();
    const result = await runStep(ws.name, { 'refresh-only': 'true', apply: 'true' });
    expect(result.exitCode).toBe(0);
    expect(runsOf(ws.id)[0].attrs['refresh-only']).toBe(true);
  });

  it('wait: false returns once the run exists and leaves it running', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { holdStatus: 'planning' });
    const result = await runStep(ws.name, { wait: 'false' });
    expect(result.exitCode).toBe(0);
    const [created] = runsOf(ws.id);
    expect(result.outputs['run-id']).toBe(created.id);
    expect(result.outputs['run-status']).toBe('pending');
    expect(result.state['stop-on-exit']).toBe('false');
    expect(emulator.actionNames(created.id)).toEqual([]);
    emulator.release(created.id);
  });
});

describe('checks and failures', () => {
  it('a soft-failed policy on a speculative plan fails and names the policy', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { policySoftFail: true });
    const result = await runStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(1);
    expect(result.outputs['run-status']).toBe('policy_soft_failed');
    expect(result.outputs['policy-result']).toBe('soft-failed');
    expect(result.summary).toContain('| **soft failed** | `require-tags` | `emulator` |');
  });

  it('waits while a soft-failed policy awaits an override, then applies', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { policySoftFail: true });
    const overrider = setInterval(() => {
      const [pending] = runsOf(ws.id);
      if (pending?.status === 'policy_override') emulator.overridePolicy(pending.id);
    }, 50);
    const result = await runStep(ws.name, { apply: 'true' }).finally(() =>
      clearInterval(overrider)
    );
    expect(result.exitCode).toBe(0);
    expect(result.outputs['run-status']).toBe('applied');
    expect(emulator.actionNames(runsOf(ws.id)[0].id)).toEqual(['apply']);
  });

  it('a configuration the server cannot process fails with its message', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { cvError: true });
    const result = await runStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(1);
    expect(runsOf(ws.id)).toHaveLength(0);
    expect(result.stdout).toMatch(/could not be processed/);
    expect(result.outputs['configuration-version-id']).toBe(cvsOf(ws.id)[0].id);
  });

  it('refuses an applyable run on a VCS-connected workspace before creating anything', async () => {
    const ws = newWorkspace({ vcsRepo: { identifier: 'acme/infra' } });
    const result = await runStep(ws.name, { apply: 'true' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/connected to a VCS repository/);
    expect(cvsOf(ws.id)).toHaveLength(0);
    expect(result.summary).toMatch(/nothing was created/i);
  });

  it('refuses a workspace in local execution mode before creating anything', async () => {
    const ws = newWorkspace({ executionMode: 'local' });
    const result = await runStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/local execution mode/);
    expect(cvsOf(ws.id)).toHaveLength(0);
  });

  it('warns about a locked workspace; a speculative plan is not held by the lock', async () => {
    const ws = newWorkspace({ locked: true });
    const preview = await runStep(ws.name, { speculative: 'true' });
    expect(preview.exitCode).toBe(0);
    expect(preview.stdout).not.toMatch(/is locked/);
    const held = await runStep(ws.name, { apply: 'true', timeout: '2s' });
    expect(held.stdout).toMatch(/::warning::.*is locked/);
    expect(held.exitCode).toBe(1);
    expect(held.outputs['run-status']).toMatch(/^(canceled|discarded)$/);
  });
});
