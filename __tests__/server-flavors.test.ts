/**
 * The action against servers shaped like Terraform Enterprise (blob URLs on the API host)
 * and OTF (no includes, inline plan JSON, no imports count), plus a rate-limited server.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { startEmulator } from '../emulator/server.js';
import { run } from '../src/main.js';
import { type StepResult, resources, withStep, useCheckouts } from './helpers/runner.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

let emulator: Emulator | undefined;
const newCheckout = useCheckouts();

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function applyOn(server: Emulator, inputs: Record<string, string> = {}): Promise<StepResult> {
  const workspace = server.addWorkspace({ organization: 'acme', name: 'networking' }) as {
    id: string;
  };
  const step = newCheckout({ 'main.tf': resources('a', 'b') });
  const result = await withStep(
    step,
    {
      token: server.token,
      hostname: server.url,
      organization: 'acme',
      workspace: workspace.id,
      directory: 'infra',
      apply: 'true',
      ...inputs
    },
    () => run()
  );
  expect(server.runs).toHaveLength(1);
  expect(server.configurationVersions).toHaveLength(1);
  return result;
}

function blobRequests(server: Emulator): { authorization?: string; path: string }[] {
  return (server.requests as { host: string; authorization?: string; path: string }[]).filter(
    r => r.host === 'blob'
  );
}

describe('server flavors', () => {
  it('TFE layout: upload, logs and plan JSON on the API host still get no token', async () => {
    emulator = await startEmulator({
      stepMs: 5,
      sharedHost: true,
      appName: 'Terraform Enterprise'
    });
    const result = await applyOn(emulator);
    expect(result.exitCode).toBe(0);
    expect(result.outputs['run-status']).toBe('applied');
    const blobs = blobRequests(emulator);
    expect(blobs.some(r => r.path.startsWith('/_archivist'))).toBe(true);
    expect(blobs.every(r => r.authorization === undefined)).toBe(true);
  });

  it('OTF: plan and apply read one by one, plan JSON inline, run looked up by ID', async () => {
    emulator = await startEmulator({ stepMs: 5, flavor: 'otf' });
    const result = await applyOn(emulator);
    expect(result.exitCode).toBe(0);
    expect(result.outputs['run-status']).toBe('applied');
    expect(result.outputs['resource-additions']).toBe('2');
    expect(result.outputs['resource-imports']).toBe('0');
    expect(result.outputs['apply-id']).toMatch(/^apply-/);
    // The workspace was given as an ID: its name comes from the API for the link.
    expect(result.outputs['run-url']).toContain('/app/acme/workspaces/networking/runs/');
    expect(result.summary).toContain('`null_resource.a`');
  });

  it('a sparse server without run actions: confirmed once from the status, applied', async () => {
    emulator = await startEmulator({ stepMs: 5, sparse: true });
    const result = await applyOn(emulator);
    expect(result.exitCode).toBe(0);
    expect(result.outputs['run-status']).toBe('applied');
    expect(result.outputs['has-changes']).toBe('true');
    expect(emulator.actionNames((emulator.runs as { id: string }[])[0].id)).toEqual(['apply']);
  });

  it('a sparse server: the timeout still cancels the run', async () => {
    emulator = await startEmulator({ stepMs: 5, sparse: true });
    emulator.addWorkspace({ organization: 'acme', name: 'held' });
    emulator.setScenario('held', { holdStatus: 'planning' });
    const step = newCheckout({ 'main.tf': resources('a') });
    const result = await withStep(
      step,
      {
        token: emulator.token,
        hostname: emulator.url,
        organization: 'acme',
        workspace: 'held',
        directory: 'infra',
        apply: 'true',
        timeout: '1s'
      },
      () => run()
    );
    expect(result.exitCode).toBe(1);
    expect(emulator.actionNames((emulator.runs as { id: string }[])[0].id)).toEqual(['cancel']);
  });

  it('a rate-limited server: 429s are waited out, one CV and one run', async () => {
    emulator = await startEmulator({ stepMs: 5, rateLimit: { limit: 4 } });
    const result = await applyOn(emulator);
    expect(result.exitCode).toBe(0);
    const limited = (emulator.requests as { status: number }[]).filter(r => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
  });
});
