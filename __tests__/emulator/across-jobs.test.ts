// Issue 9: a run planned by one job and confirmed, discarded or canceled by
// another; configuration versions promoted from one workspace to another.
import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { Emulator } from '../../emulator/server.js';
import {
  api,
  apiJson,
  createCv,
  createRun,
  makeArchive,
  MAIN_TF,
  post,
  runBody,
  sleep,
  statusesSeen,
  uploadConfig,
  waitForCv,
  waitForStatus,
  type Doc,
  useEmulatorServer
} from './helpers.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('emulator runs across jobs', () => {
  let emu: Emulator;
  let counter = 0;

  useEmulatorServer({ stepMs: 5 }, started => (emu = started));

  async function setup(
    scenario: Parameters<Emulator['setScenario']>[1] = {},
    organization = 'acme'
  ): Promise<{ wsId: string; cvId: string }> {
    counter++;
    const ws = emu.addWorkspace({ organization, name: `jobs-${counter}` });
    emu.setScenario(ws.id, scenario);
    const cv = await uploadConfig(emu, ws.id, { files: { 'main.tf': MAIN_TF } });
    return { wsId: ws.id, cvId: cv.id };
  }

  async function confirmable(runId: string): Promise<boolean> {
    const doc = await apiJson(emu, `/runs/${runId}`);
    return (doc.data.attributes.actions as Record<string, boolean>)['is-confirmable'];
  }

  it.each([
    ['planned', {}],
    ['cost_estimated', { costEstimate: true }],
    ['policy_checked', { policyPass: true }]
  ])('keeps a run paused in %s until another client confirms it', async (pause, scenario) => {
    const { wsId, cvId } = await setup(scenario);
    const run = await createRun(emu, wsId, cvId, { message: 'job 1' });
    await waitForStatus(emu, run.id, [pause]);
    // Fifty steps later (a job that ended long ago): still waiting, still confirmable.
    await sleep(250);
    const later = await apiJson(emu, `/runs/${run.id}`);
    expect(later.data.attributes.status).toBe(pause);
    expect(await confirmable(run.id)).toBe(true);
    const res = await api(emu, `/runs/${run.id}/actions/apply`, post({ comment: 'job 2' }));
    expect(res.status).toBe(202);
    await waitForStatus(emu, run.id, ['applied']);
    expect(emu.actionCalls(run.id)).toEqual([
      { action: 'apply', comment: 'job 2', status: 202, at: expect.any(String) }
    ]);
  });

  it('confirms a saved plan later: planned_and_saved, confirmed, applied', async () => {
    const { wsId, cvId } = await setup();
    const run = await createRun(emu, wsId, cvId, { 'save-plan': true });
    await waitForStatus(emu, run.id, ['planned_and_saved']);
    await sleep(100);
    const saved = await apiJson(emu, `/runs/${run.id}`);
    expect(saved.data.attributes.status).toBe('planned_and_saved');
    expect(saved.data.attributes.actions).toEqual({
      'is-confirmable': true,
      'is-discardable': true,
      'is-cancelable': false,
      'is-force-cancelable': false
    });
    expect(emu.workspace(wsId).state.size).toBe(0);
    const res = await api(emu, `/runs/${run.id}/actions/apply`, post({ comment: 'promote' }));
    expect(res.status).toBe(202);
    const applied = await waitForStatus(emu, run.id, ['applied', 'errored']);
    expect(applied.data.attributes.status).toBe('applied');
    expect(statusesSeen(applied)).toEqual(
      expect.arrayContaining(['planned-and-saved-at', 'confirmed-at', 'applying-at', 'applied-at'])
    );
    expect([...emu.workspace(wsId).state.keys()].sort()).toEqual(['aws_subnet.a', 'aws_vpc.main']);
    // The second job's confirmation of a run that already applied is refused and recorded.
    expect((await api(emu, `/runs/${run.id}/actions/apply`, post({}))).status).toBe(409);
    expect(emu.actionCalls(run.id).map(c => [c.action, c.comment, c.status])).toEqual([
      ['apply', 'promote', 202],
      ['apply', null, 409]
    ]);
  });

  it('discards a saved plan later', async () => {
    const { wsId, cvId } = await setup();
    const run = await createRun(emu, wsId, cvId, { 'save-plan': true });
    await waitForStatus(emu, run.id, ['planned_and_saved']);
    expect((await api(emu, `/runs/${run.id}/actions/discard`, post({}))).status).toBe(202);
    const doc = await waitForStatus(emu, run.id, ['discarded']);
    expect(doc.data.attributes.actions).toMatchObject({ 'is-confirmable': false });
    expect(emu.workspace(wsId).state.size).toBe(0);
  });

  it('records the comment and the answer of every run action', async () => {
    const { wsId, cvId } = await setup({ holdStatus: 'planning', ignoreCancel: true });
    const run = await createRun(emu, wsId, cvId);
    await waitForStatus(emu, run.id, ['planning']);
    const call = (action: string, body?: string) =>
      api(emu, `/runs/${run.id}/actions/${action}`, { method: 'POST', body });
    expect((await call('discard', JSON.stringify({ comment: 'too early' }))).status).toBe(409);
    expect((await call('cancel', '{not json')).status).toBe(422);
    expect((await call('cancel', JSON.stringify({ comment: 42 }))).status).toBe(202);
    expect((await call('force-cancel')).status).toBe(202);
    expect(emu.actionCalls(run.id).map(c => [c.action, c.comment, c.status])).toEqual([
      ['discard', 'too early', 409],
      ['cancel', null, 422],
      ['cancel', null, 202],
      ['force-cancel', null, 202]
    ]);
    expect(emu.actionNames(run.id)).toEqual(['discard', 'cancel', 'cancel', 'force-cancel']);
    // The records are copies: a test cannot rewrite the history by accident.
    emu.actionCalls(run.id)[0].comment = 'changed';
    expect(emu.actionCalls(run.id)[0].comment).toBe('too early');
  });

  it('plans a configuration version of another workspace of the organization', async () => {
    const staging = await setup();
    const production = emu.addWorkspace({ organization: 'acme', name: 'jobs-production' });
    const run = await createRun(emu, production.id, staging.cvId, { message: 'promote' });
    expect(run.relationships?.['configuration-version'].data).toEqual({
      id: staging.cvId,
      type: 'configuration-versions'
    });
    const planned = await waitForStatus(emu, run.id, ['planned', 'errored']);
    expect(planned.data.attributes.status).toBe('planned');
    const plan = planned.included?.find(r => r.type === 'plans');
    expect(plan?.attributes['resource-additions']).toBe(2);
    expect(emu.getRun(run.id).cvId).toBe(staging.cvId);
  });

  it('refuses a foreign configuration version when the scenario says so', async () => {
    const staging = await setup();
    const { wsId } = await setup({ foreignCv: 'invalid' });
    const invalid = await api(emu, '/runs', post(runBody(wsId, staging.cvId)));
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toEqual({
      errors: [
        {
          status: '422',
          title: 'invalid attribute',
          detail: 'Configuration version belongs to another workspace',
          source: { pointer: '/data/relationships/configuration-version' }
        }
      ]
    });
    emu.setScenario(wsId, { foreignCv: 'not-found' });
    const missing = await api(emu, '/runs', post(runBody(wsId, staging.cvId)));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ errors: [{ status: '404', title: 'not found' }] });
    // Its own configuration versions stay usable.
    const own = emu.configurationVersions.find(c => c.workspaceId === wsId);
    expect((await api(emu, '/runs', post(runBody(wsId, own?.id ?? '')))).status).toBe(201);
  });

  it('never lets a run use a configuration version of another organization', async () => {
    const other = await setup({}, 'globex');
    const { wsId } = await setup();
    const res = await api(emu, '/runs', post(runBody(wsId, other.cvId)));
    expect(res.status).toBe(404);
    expect(emu.runs.filter(r => r.workspaceId === wsId)).toHaveLength(0);
  });

  it('downloads the exact uploaded bytes, and a copy uploaded elsewhere is the same archive', async () => {
    const staging = await setup();
    const uploaded = emu.uploads.get(staging.cvId);
    expect(uploaded?.sha256).toBe(sha256(uploaded?.bytes ?? Buffer.alloc(0)));
    expect(uploaded?.size).toBe(uploaded?.bytes.length);
    const run = await createRun(emu, staging.wsId, staging.cvId, { 'plan-only': true });
    for (const path of [
      `/configuration-versions/${staging.cvId}/download`,
      `/runs/${run.id}/configuration-version/download`
    ]) {
      const res = await api(emu, path);
      expect(res.status).toBe(302);
      const location = res.headers.get('location') ?? '';
      expect(location.startsWith(`${emu.blobUrl}/download/`)).toBe(true);
      const blob = await fetch(location);
      expect(blob.headers.get('content-type')).toBe('application/octet-stream');
      expect(sha256(Buffer.from(await blob.arrayBuffer()))).toBe(uploaded?.sha256);
    }
    // The fallback: the same bytes uploaded to a CV of another workspace.
    const production = emu.addWorkspace({ organization: 'acme', name: 'jobs-copy' });
    const copy = await createCv(emu, production.id);
    const redirect = await api(emu, `/configuration-versions/${staging.cvId}/download`);
    const bytes = Buffer.from(
      await (await fetch(redirect.headers.get('location') ?? '')).arrayBuffer()
    );
    await fetch(copy.attributes['upload-url'] as string, { method: 'PUT', body: bytes });
    expect((await waitForCv(emu, copy.id)).attributes.status).toBe('uploaded');
    expect(emu.uploads.get(copy.id)?.sha256).toBe(uploaded?.sha256);
  });

  it('answers 404 for the download of a configuration version that is not uploaded', async () => {
    const ws = emu.addWorkspace({ organization: 'acme', name: 'jobs-pending' });
    const pending = await createCv(emu, ws.id);
    expect((await api(emu, `/configuration-versions/${pending.id}/download`)).status).toBe(404);
    emu.setScenario(ws.id, { cvError: true });
    const broken = await createCv(emu, ws.id);
    await fetch(broken.attributes['upload-url'] as string, {
      method: 'PUT',
      body: await makeArchive({ files: { 'main.tf': MAIN_TF } })
    });
    expect((await waitForCv(emu, broken.id)).attributes.status).toBe('errored');
    expect((await api(emu, `/configuration-versions/${broken.id}/download`)).status).toBe(404);
    expect(emu.uploads.has(broken.id)).toBe(false);
  });

  it('serves the first of two uploads processed, not a later PUT', async () => {
    const ws = emu.addWorkspace({ organization: 'acme', name: 'jobs-late-put' });
    const cv = await createCv(emu, ws.id);
    const first = await makeArchive({ files: { 'main.tf': MAIN_TF } });
    await fetch(cv.attributes['upload-url'] as string, { method: 'PUT', body: first });
    await waitForCv(emu, cv.id);
    const later = await makeArchive({ files: { 'other.tf': MAIN_TF } });
    await fetch(cv.attributes['upload-url'] as string, { method: 'PUT', body: later });
    expect(emu.uploads.get(cv.id)?.sha256).toBe(sha256(first));
    const doc = await apiJson<Doc>(emu, `/configuration-versions/${cv.id}`);
    expect(doc.data.attributes.status).toBe('uploaded');
  });

  it('hides another organization from a token scoped to one', async () => {
    const other = await setup({}, 'initech');
    const own = await setup();
    emu.addToken('acme-only', { organizations: ['acme'] });
    const as = (apiPath: string, init: RequestInit = {}) =>
      api(emu, apiPath, { ...init, headers: { Authorization: 'Bearer acme-only' } });
    const otherRun = await createRun(emu, other.wsId, other.cvId, { 'plan-only': true });
    const ownRun = await createRun(emu, own.wsId, own.cvId, { 'plan-only': true });
    // What belongs to initech answers 404, as if it did not exist.
    for (const hidden of [
      `/organizations/initech/workspaces/${emu.workspace(other.wsId).name}`,
      `/workspaces/${other.wsId}`,
      `/configuration-versions/${other.cvId}`,
      `/configuration-versions/${other.cvId}/download`,
      `/runs/${otherRun.id}`,
      `/runs/${otherRun.id}/configuration-version/download`
    ]) {
      expect([hidden, (await as(hidden)).status]).toEqual([hidden, 404]);
    }
    expect((await as(`/runs/${otherRun.id}/actions/cancel`, post({}))).status).toBe(404);
    expect(emu.actionCalls(otherRun.id)).toEqual([]);
    // A run in its own organization from initech's configuration: 404, nothing created.
    const before = emu.runs.length;
    expect((await as('/runs', post(runBody(own.wsId, other.cvId)))).status).toBe(404);
    expect(emu.runs.length).toBe(before);
    // Its own organization answers as usual; an unknown token is still unauthorized.
    expect((await as(`/configuration-versions/${own.cvId}`)).status).toBe(200);
    expect((await as(`/runs/${ownRun.id}`)).status).toBe(200);
    const unknown = await api(emu, `/runs/${ownRun.id}`, {
      headers: { Authorization: 'Bearer nobody' }
    });
    expect(unknown.status).toBe(401);
    // The main token still sees everything.
    expect((await api(emu, `/configuration-versions/${other.cvId}`)).status).toBe(200);
  });

  it('archives an uploaded configuration version: no download, no run', async () => {
    const { wsId, cvId } = await setup();
    emu.archiveConfigurationVersion(cvId);
    const doc = await apiJson(emu, `/configuration-versions/${cvId}`);
    expect(doc.data.attributes.status).toBe('archived');
    expect(doc.data.attributes['status-timestamps']).toHaveProperty('archived-at');
    expect((await api(emu, `/configuration-versions/${cvId}/download`)).status).toBe(404);
    expect((await api(emu, '/runs', post(runBody(wsId, cvId)))).status).toBe(422);
    expect(() => emu.archiveConfigurationVersion(cvId)).toThrow(/not uploaded/);
  });
});
