import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import { api, apiJson, post, type Doc } from './helpers.js';

describe('emulator API basics', () => {
  let emu: Emulator;
  let wsId: string;

  beforeAll(async () => {
    emu = await startEmulator({ stepMs: 10 });
    wsId = emu.addWorkspace({
      organization: 'acme',
      name: 'networking',
      workingDirectory: 'infra',
      terraformVersion: '1.8.0'
    }).id;
    emu.addWorkspace({ organization: 'acme', name: 'laptop', executionMode: 'local' });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('answers ping with version, rate-limit and app-name headers', async () => {
    const res = await fetch(`${emu.url}/api/v2/ping`);
    expect(res.status).toBe(204);
    expect(res.headers.get('tfp-api-version')).toBe('2.5');
    expect(res.headers.get('x-ratelimit-limit')).toBe('30');
    expect(res.headers.get('tfp-appname')).toBe('HCP Terraform');
  });

  it('answers service discovery without a token', async () => {
    const res = await fetch(`${emu.url}/.well-known/terraform.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ 'tfe.v2': '/api/v2/' });
  });

  it('answers 401 without or with a wrong token', async () => {
    const missing = await fetch(`${emu.url}/api/v2/workspaces/${wsId}`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ errors: [{ status: '401', title: 'unauthorized' }] });
    const wrong = await fetch(`${emu.url}/api/v2/workspaces/${wsId}`, {
      headers: { Authorization: 'Bearer nope' }
    });
    expect(wrong.status).toBe(401);
  });

  it('answers 404 for unknown organizations, workspaces and resources', async () => {
    for (const p of [
      '/organizations/other/workspaces/networking',
      '/workspaces/ws-missing',
      '/runs/run-x',
      '/nope'
    ]) {
      const res = await api(emu, p);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ errors: [{ status: '404', title: 'not found' }] });
    }
  });

  it('shows a workspace by name and by ID with the attributes the action reads', async () => {
    const byName = await apiJson<Doc>(emu, '/organizations/acme/workspaces/networking');
    const byId = await apiJson<Doc>(emu, `/workspaces/${wsId}`);
    expect(byId.data).toEqual(byName.data);
    const ws = byName.data;
    expect(ws.id).toBe(wsId);
    expect(ws.type).toBe('workspaces');
    expect(ws.attributes).toMatchObject({
      name: 'networking',
      'auto-apply': false,
      locked: false,
      'execution-mode': 'remote',
      'working-directory': 'infra',
      'terraform-version': '1.8.0',
      'vcs-repo': null,
      'allow-destroy-plan': true,
      actions: { 'is-destroyable': true }
    });
    expect(ws.attributes.permissions).toMatchObject({
      'can-queue-run': true,
      'can-queue-apply': true
    });
    expect(ws.relationships?.organization.data).toEqual({ id: 'acme', type: 'organizations' });
    expect(ws.links?.['self-html']).toBe('/app/acme/workspaces/networking');
  });

  it('answers 415 to a POST without the JSON:API content type', async () => {
    const res = await fetch(`${emu.url}/api/v2/workspaces/${wsId}/configuration-versions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${emu.token}`, 'Content-Type': 'application/json' },
      body: '{}'
    });
    expect(res.status).toBe(415);
    expect(emu.configurationVersions).toHaveLength(0);
  });

  it('answers 422 with a pointer for bad bodies', async () => {
    const res = await api(
      emu,
      '/runs',
      post({ data: { type: 'runs', attributes: { 'is-destroy': 'yes' } } })
    );
    expect(res.status).toBe(422);
    const body = (await res.json()) as {
      errors: { detail: string; source: { pointer: string } }[];
    };
    expect(body.errors[0].source.pointer).toBe('/data/attributes/is-destroy');
    const noWs = await api(emu, '/runs', post({ data: { type: 'runs', attributes: {} } }));
    expect(noWs.status).toBe(422);
    const notJson = await api(emu, '/runs', { method: 'POST', body: '{' });
    expect(notJson.status).toBe(422);
  });

  it('locks and unlocks with 409 conflicts', async () => {
    const lock = () => api(emu, `/workspaces/${wsId}/actions/lock`, post({ reason: 'test' }));
    const unlock = () => api(emu, `/workspaces/${wsId}/actions/unlock`, { method: 'POST' });
    expect((await unlock()).status).toBe(409);
    const locked = await lock();
    expect(locked.status).toBe(200);
    expect(((await locked.json()) as Doc).data.attributes.locked).toBe(true);
    expect((await lock()).status).toBe(409);
    expect((await unlock()).status).toBe(200);
    expect((await apiJson<Doc>(emu, `/workspaces/${wsId}`)).data.attributes.locked).toBe(false);
  });

  it('rejects runs on a workspace in local execution mode', async () => {
    const ws = emu.workspace('laptop');
    const res = await api(
      emu,
      '/runs',
      post({
        data: {
          type: 'runs',
          relationships: { workspace: { data: { type: 'workspaces', id: ws.id } } }
        }
      })
    );
    expect(res.status).toBe(422);
  });

  it('records every request with its authorization header', () => {
    const ping = emu.requests.find(r => r.path === '/api/v2/ping');
    expect(ping).toMatchObject({
      host: 'api',
      method: 'GET',
      status: 204,
      authorization: undefined
    });
    const shown = emu.requests.find(
      r => r.path === `/api/v2/workspaces/${wsId}` && r.status === 200
    );
    expect(shown?.authorization).toBe(`Bearer ${emu.token}`);
  });
});
