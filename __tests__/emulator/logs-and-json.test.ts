import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import { api, createRun, included, MAIN_TF, post, uploadConfig, waitForStatus } from './helpers.js';

const STX = 0x02;
const ETX = 0x03;

async function readBytes(
  url: string,
  query: string
): Promise<{ status: number; type: string | null; body: Buffer }> {
  const res = await fetch(`${url}?${query}`);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: Buffer.from(await res.arrayBuffer())
  };
}

/** Reads a log in small chunks the way go-tfe's LogReader does, until ETX. */
async function readWholeLog(url: string): Promise<string> {
  let offset = 0;
  const chunks: Buffer[] = [];
  for (let i = 0; i < 500; i++) {
    const { body } = await readBytes(url, `limit=16&offset=${offset}`);
    offset += body.length;
    chunks.push(body);
    if (body.length > 0 && body[body.length - 1] === ETX) break;
    if (body.length === 0) await new Promise(resolve => setTimeout(resolve, 5));
  }
  const all = Buffer.concat(chunks);
  expect(all[0]).toBe(STX);
  expect(all[all.length - 1]).toBe(ETX);
  return all.subarray(1, all.length - 1).toString('utf8');
}

describe('emulator logs and JSON plans', () => {
  let emu: Emulator;
  let wsId: string;
  let cvId: string;

  beforeAll(async () => {
    emu = await startEmulator({ stepMs: 5 });
    wsId = emu.addWorkspace({ organization: 'acme', name: 'logs' }).id;
    cvId = (await uploadConfig(emu, wsId, { files: { 'main.tf': MAIN_TF } })).id;
  });
  afterAll(async () => {
    await emu.close();
  });

  it('serves a growing log with STX, offsets and limits, and ETX once the plan is over', async () => {
    emu.setScenario(wsId, { holdStatus: 'pending' });
    const run = await createRun(emu, wsId, cvId, { 'plan-only': true });
    const pending = await waitForStatus(emu, run.id, ['pending']);
    const logUrl = included(pending, 'plans').attributes['log-read-url'] as string;
    expect(new URL(logUrl).origin).toBe(emu.blobUrl);
    // Nothing written before the phase started: an empty 200.
    expect(await readBytes(logUrl, 'offset=0&limit=100')).toMatchObject({
      status: 200,
      body: Buffer.alloc(0)
    });

    // A new scenario moves the hold of the unfinished run to `planning`.
    emu.setScenario(wsId, { holdStatus: 'planning' });
    await waitForStatus(emu, run.id, ['planning']);
    const partial = await readBytes(logUrl, 'offset=0');
    expect(partial.status).toBe(200);
    expect(partial.type).toMatch(/^text\/plain/);
    expect(partial.body[0]).toBe(STX);
    expect(partial.body.includes(ETX)).toBe(false);
    expect((await readBytes(logUrl, 'offset=1&limit=9')).body.toString()).toBe('Terraform');
    expect((await readBytes(logUrl, 'offset=100000&limit=10')).body.length).toBe(0);

    emu.release(run.id);
    const text = await readWholeLog(logUrl);
    expect(text).toContain('Terraform v1.9.5');
    expect(text).toContain('aws_vpc.main: Plan to create');
    expect(text).toContain('Plan: 2 to add, 0 to change, 0 to destroy.');
    const logReads = emu.requests.filter(r => r.host === 'blob' && r.path.startsWith('/logs/'));
    expect(logReads.every(r => r.authorization === undefined && r.status === 200)).toBe(true);
    emu.setScenario(wsId, {});
  });

  it('writes an Error block for a plan error and an apply log after an apply', async () => {
    emu.setScenario(wsId, { planError: true });
    const bad = await createRun(emu, wsId, cvId, { 'plan-only': true });
    const errored = await waitForStatus(emu, bad.id, ['errored']);
    expect(
      await readWholeLog(included(errored, 'plans').attributes['log-read-url'] as string)
    ).toContain('Error: ');
    emu.setScenario(wsId, {});
    const run = await createRun(emu, wsId, cvId);
    await waitForStatus(emu, run.id, ['planned']);
    await api(emu, `/runs/${run.id}/actions/apply`, post({}));
    const applied = await waitForStatus(emu, run.id, ['applied']);
    const applyLog = await readWholeLog(
      included(applied, 'applies').attributes['log-read-url'] as string
    );
    expect(applyLog).toContain('aws_vpc.main: Creation complete');
    expect(applyLog).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.');
  });

  it('answers json-output with 204 until the plan finished, then 307 to the blob host', async () => {
    emu.setScenario(wsId, { holdStatus: 'planning' });
    const run = await createRun(emu, wsId, cvId, {
      'plan-only': true,
      'replace-addrs': ['aws_vpc.main']
    });
    const planning = await waitForStatus(emu, run.id, ['planning']);
    const planId = included(planning, 'plans').id;
    expect((await api(emu, `/plans/${planId}/json-output`)).status).toBe(204);
    emu.release(run.id);
    await waitForStatus(emu, run.id, ['planned_and_finished']);
    for (const p of [`/plans/${planId}/json-output`, `/runs/${run.id}/plan/json-output`]) {
      const res = await api(emu, p);
      expect(res.status).toBe(307);
      const location = res.headers.get('location') ?? '';
      expect(location.startsWith(`${emu.blobUrl}/`)).toBe(true);
      const plan = (await (await fetch(location)).json()) as {
        format_version: string;
        resource_changes: { address: string; mode: string; change: { actions: string[] } }[];
      };
      expect(plan.format_version).toBe('1.2');
      const actions = Object.fromEntries(
        plan.resource_changes.map(c => [c.address, c.change.actions])
      );
      expect(actions).toEqual({ 'aws_vpc.main': ['delete', 'create'], 'aws_subnet.a': ['no-op'] });
    }
    emu.setScenario(wsId, {});
  });

  it('answers json-output with 403 or 404 when the scenario says so', async () => {
    for (const [mode, status] of [
      ['forbidden', 403],
      ['not-found', 404]
    ] as const) {
      emu.setScenario(wsId, { planJson: mode });
      const run = await createRun(emu, wsId, cvId, { 'plan-only': true });
      const done = await waitForStatus(emu, run.id, ['planned_and_finished']);
      const res = await api(emu, `/plans/${included(done, 'plans').id}/json-output`);
      expect(res.status).toBe(status);
    }
    emu.setScenario(wsId, {});
  });
});
