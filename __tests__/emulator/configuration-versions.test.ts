import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gunzipSync, gzipSync } from 'node:zlib';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import {
  api,
  apiJson,
  createCv,
  createRun,
  makeArchive,
  MAIN_TF,
  uploadConfig,
  waitFor,
  waitForCv,
  type Doc,
  type ListDoc,
  useEmulatorServer
} from './helpers.js';

describe('emulator configuration versions', () => {
  let emu: Emulator;
  let wsId: string;

  beforeAll(async () => {
    emu = await startEmulator({ stepMs: 5 });
    wsId = emu.addWorkspace({ organization: 'acme', name: 'cvs' }).id;
  });
  afterAll(async () => {
    await emu.close();
  });

  it('creates a pending CV whose upload URL is on the blob host and only in the create response', async () => {
    const cv = await createCv(emu, wsId, { 'auto-queue-runs': false, speculative: true });
    expect(cv.type).toBe('configuration-versions');
    expect(cv.attributes).toMatchObject({
      status: 'pending',
      speculative: true,
      'auto-queue-runs': false
    });
    const uploadUrl = new URL(cv.attributes['upload-url'] as string);
    expect(uploadUrl.origin).toBe(emu.blobUrl);
    expect(uploadUrl.href).not.toContain(emu.token);
    const shown = await apiJson<Doc>(emu, `/configuration-versions/${cv.id}`);
    expect(shown.data.attributes['upload-url']).toBeNull();
  });

  it('defaults auto-queue-runs to true', async () => {
    const res = await api(emu, `/workspaces/${wsId}/configuration-versions`, { method: 'POST' });
    expect(res.status).toBe(201);
    expect(((await res.json()) as Doc).data.attributes['auto-queue-runs']).toBe(true);
  });

  it('processes an upload into uploaded and records the archive and the missing auth header', async () => {
    const cv = await uploadConfig(emu, wsId, {
      files: { 'main.tf': MAIN_TF, 'modules/x/x.tf': '# module\n' },
      symlinks: { 'link.tf': 'main.tf' }
    });
    expect(cv.attributes.status).toBe('uploaded');
    const upload = emu.uploads.get(cv.id);
    expect(upload?.files.get('main.tf')).toBe(MAIN_TF);
    expect(upload?.entries.find(e => e.name === 'link.tf')).toMatchObject({
      type: 'SymbolicLink',
      linkname: 'main.tf'
    });
    const put = emu.requests.find(r => r.host === 'blob' && r.method === 'PUT');
    expect(put).toMatchObject({ status: 200, authorization: undefined });
    expect(put?.contentLength).toBe(upload?.size);
  });

  it('accepts an upload that carries a token but records it', async () => {
    const cv = await createCv(emu, wsId);
    const res = await fetch(cv.attributes['upload-url'] as string, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${emu.token}` },
      body: await makeArchive({ files: { 'main.tf': MAIN_TF } })
    });
    expect(res.status).toBe(200);
    const leaked = emu.requests.filter(r => r.host === 'blob' && r.authorization !== undefined);
    expect(leaked).toHaveLength(1);
    expect((await waitForCv(emu, cv.id)).attributes.status).toBe('uploaded');
  });

  it('marks an archive with an escaping symlink as errored', async () => {
    const cv = await uploadConfig(emu, wsId, {
      files: { 'main.tf': MAIN_TF },
      symlinks: { 'evil.tf': '../../etc/passwd' }
    });
    expect(cv.attributes.status).toBe('errored');
    expect(cv.attributes['error-message']).toContain('has external target');
    const res = await api(emu, '/runs', {
      method: 'POST',
      body: JSON.stringify({
        data: {
          type: 'runs',
          relationships: {
            workspace: { data: { type: 'workspaces', id: wsId } },
            'configuration-version': { data: { type: 'configuration-versions', id: cv.id } }
          }
        }
      })
    });
    expect(res.status).toBe(422);
  });

  it('marks absolute symlinks, traversal names and non-gzip bodies as errored', async () => {
    const abs = await uploadConfig(emu, wsId, {
      files: { 'a.tf': '' },
      symlinks: { l: '/etc/shadow' }
    });
    expect(abs.attributes['error-message']).toContain('external target');
    // Hand-edit a tar so an entry name climbs out with "..".
    const tarBytes = gunzipSync(await makeArchive({ files: { 'xx/evil.txt': 'x' } }));
    tarBytes.write('../evil.txt', 0, 'latin1');
    tarBytes.fill(0, 11, 100);
    let sum = 0;
    tarBytes.fill(0x20, 148, 156);
    for (let i = 0; i < 512; i++) sum += tarBytes[i];
    tarBytes.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const cases: [Buffer, string][] = [
      [gzipSync(tarBytes), 'traversal'],
      [Buffer.from('not a gzip stream'), 'gzip']
    ];
    for (const [body, message] of cases) {
      const cv = await createCv(emu, wsId);
      await fetch(cv.attributes['upload-url'] as string, { method: 'PUT', body });
      const done = await waitForCv(emu, cv.id);
      expect(done.attributes.status).toBe('errored');
      expect(done.attributes['error-message']).toContain(message);
    }
  });

  it('applies the cvError scenario', async () => {
    emu.setScenario(wsId, { cvError: 'boom' });
    const cv = await uploadConfig(emu, wsId, { files: { 'main.tf': MAIN_TF } });
    emu.setScenario(wsId, {});
    expect(cv.attributes).toMatchObject({ status: 'errored', 'error-message': 'boom' });
  });

  it('queues a run by itself when auto-queue-runs stays true', async () => {
    const before = emu.runs.length;
    const cv = await uploadConfig(emu, wsId, { files: { 'main.tf': MAIN_TF } }, {});
    const auto = await waitFor(
      async () => Promise.resolve(emu.runs.find(r => r.cvId === cv.id)),
      'the automatic run'
    );
    await createRun(emu, wsId, cv.id, { message: 'mine' });
    expect(emu.runs.length - before).toBe(2);
    expect(auto.source).toBe('tfe-configuration-version');
  });

  it('lists CVs with pagination and downloads an uploaded one through a redirect', async () => {
    const list = await apiJson<ListDoc>(
      emu,
      `/workspaces/${wsId}/configuration-versions?page%5Bsize%5D=2`
    );
    expect(list.data).toHaveLength(2);
    expect(list.meta?.pagination['total-count']).toBe(
      emu.configurationVersions.filter(c => c.workspaceId === wsId).length
    );
    const uploaded = emu.configurationVersions.find(c => c.status === 'uploaded');
    const res = await api(emu, `/configuration-versions/${uploaded?.id}/download`);
    expect(res.status).toBe(302);
    const location = res.headers.get('location') ?? '';
    expect(location.startsWith(emu.blobUrl)).toBe(true);
    const blob = Buffer.from(await (await fetch(location)).arrayBuffer());
    expect(blob.equals(uploaded?.body ?? Buffer.alloc(0))).toBe(true);
    const pending = emu.configurationVersions.find(c => c.status === 'pending');
    expect((await api(emu, `/configuration-versions/${pending?.id}/download`)).status).toBe(404);
  });
});

describe('emulator with the TFE layout (blobs on the API host)', () => {
  let emu: Emulator;

  useEmulatorServer(
    { stepMs: 5, sharedHost: true, appName: 'Terraform Enterprise' },
    started => (emu = started)
  );

  it('serves upload and log URLs under /_archivist on the API host and records them as blob requests', async () => {
    const ws = emu.addWorkspace({ name: 'tfe', autoApply: true });
    expect(emu.blobUrl).toBe(`${emu.url}/_archivist`);
    const cv = await uploadConfig(emu, ws.id, { files: { 'main.tf': MAIN_TF } });
    expect(cv.attributes.status).toBe('uploaded');
    const run = await createRun(emu, ws.id, cv.id);
    const applied = await waitFor(async () => {
      const doc = await apiJson<Doc>(emu, `/runs/${run.id}?include=plan`);
      return doc.data.attributes.status === 'applied' ? doc : undefined;
    }, 'applied');
    const plan = applied.included?.find(r => r.type === 'plans');
    const logUrl = plan?.attributes['log-read-url'] as string;
    expect(logUrl.startsWith(`${emu.url}/_archivist/logs/`)).toBe(true);
    const log = await (await fetch(logUrl)).text();
    expect(log).toContain('Plan: 2 to add');
    const blobRequests = emu.requests.filter(r => r.host === 'blob');
    expect(blobRequests.map(r => r.method)).toEqual(['PUT', 'GET']);
    expect(blobRequests.every(r => r.authorization === undefined)).toBe(true);
    const ping = await fetch(`${emu.url}/api/v2/ping`);
    expect(ping.headers.get('tfp-appname')).toBe('Terraform Enterprise');
  });
});
