import { describe, expect, it } from '@jest/globals';
import type { Emulator } from '../../emulator/server.js';
import {
  api,
  apiJson,
  createRun,
  uploadConfig,
  waitForStatus,
  type Doc,
  type ListDoc,
  type Resource,
  useEmulatorServer
} from './helpers.js';

const OUTPUTS_TF = `resource "null_resource" "one" {
}

output "name" {
  value = "web"
}
output "port" {
  value = 8080
}
output "enabled" {
  value = false
}
output "zones" {
  value = ["eu-1a", "eu-1b"]
}
output "settings" {
  value = {
    tier  = "gold"
    sizes = { small = 1, large = 4 }
  }
}
output "nothing" {
  value = null
}
output "password" {
  value     = "hunter2"
  sensitive = true
}
`;

describe('emulator state outputs', () => {
  let emu: Emulator;
  let counter = 0;

  useEmulatorServer({ stepMs: 5 }, started => (emu = started));

  /** Applies `files` on a new auto-apply workspace with `scenario`. */
  async function applied(
    scenario: Parameters<Emulator['setScenario']>[1] = {},
    files: Record<string, string> = { 'main.tf': OUTPUTS_TF },
    permissions: Record<string, boolean> = {}
  ): Promise<string> {
    const ws = emu.addWorkspace({ name: `outputs-${++counter}`, autoApply: true, permissions });
    emu.setScenario(ws.id, scenario);
    const cv = await uploadConfig(emu, ws.id, { files });
    const run = await createRun(emu, ws.id, cv.id);
    await waitForStatus(emu, run.id, ['applied']);
    return ws.id;
  }

  const list = (wsId: string) => api(emu, `/workspaces/${wsId}/current-state-version-outputs`);

  it('serves every output type of the applied configuration, sensitive values null', async () => {
    const wsId = await applied();
    const doc = await apiJson<ListDoc>(emu, `/workspaces/${wsId}/current-state-version-outputs`);
    const byName: Record<string, Resource> = Object.fromEntries(
      doc.data.map(o => [String(o.attributes.name), o])
    );
    expect(Object.keys(byName)).toEqual([
      'name',
      'port',
      'enabled',
      'zones',
      'settings',
      'nothing',
      'password'
    ]);
    for (const output of doc.data) {
      expect(output.type).toBe('state-version-outputs');
      expect(output.id).toMatch(/^wsout-[A-Za-z0-9]{16}$/);
    }
    expect(byName.name.attributes).toEqual({
      name: 'name',
      sensitive: false,
      type: 'string',
      value: 'web',
      'detailed-type': 'string'
    });
    expect(byName.port.attributes).toMatchObject({ value: 8080, 'detailed-type': 'number' });
    expect(byName.enabled.attributes).toMatchObject({ value: false, 'detailed-type': 'bool' });
    expect(byName.zones.attributes).toMatchObject({
      type: 'array',
      value: ['eu-1a', 'eu-1b'],
      'detailed-type': ['tuple', ['string', 'string']]
    });
    expect(byName.settings.attributes).toMatchObject({
      type: 'object',
      value: { tier: 'gold', sizes: { small: 1, large: 4 } },
      'detailed-type': [
        'object',
        { tier: 'string', sizes: ['object', { small: 'number', large: 'number' }] }
      ]
    });
    expect(byName.nothing.attributes).toMatchObject({ value: null, 'detailed-type': 'dynamic' });
    expect(byName.password.attributes).toMatchObject({ sensitive: true, value: null });

    // One by one, the sensitive value is readable.
    const secret = await apiJson<Doc>(emu, `/state-version-outputs/${byName.password.id}`);
    expect(secret.data.attributes).toMatchObject({ name: 'password', value: 'hunter2' });
    const zones = await apiJson<Doc>(emu, `/state-version-outputs/${byName.zones.id}`);
    expect(zones.data.attributes.value).toEqual(['eu-1a', 'eu-1b']);
    expect((await api(emu, '/state-version-outputs/wsout-missing')).status).toBe(404);
  });

  it('answers 404 without a state and without the permission to read it', async () => {
    const ws = emu.addWorkspace({ name: `outputs-${++counter}` });
    expect((await list(ws.id)).status).toBe(404);
    const hidden = await applied({}, undefined, {
      'can-read-state-outputs': false,
      'can-read-state-versions': false
    });
    expect((await list(hidden)).status).toBe(404);
    const id = [...emu.store.stateOutputs.values()].find(o => o.workspaceId === hidden)?.id;
    expect(id).toBeDefined();
    expect((await api(emu, `/state-version-outputs/${String(id)}`)).status).toBe(404);
  });

  it('answers 503 a number of times while the new state is processed', async () => {
    const wsId = await applied({ outputsPending: 2 });
    const first = await list(wsId);
    expect(first.status).toBe(503);
    expect(((await first.json()) as { errors: { status: string }[] }).errors[0].status).toBe('503');
    expect((await list(wsId)).status).toBe(503);
    expect((await list(wsId)).status).toBe(200);
    expect((await list(wsId)).status).toBe(200);
  });

  it('answers 503 for a while after an apply', async () => {
    // Generous, so that a loaded machine still asks within the window.
    const wsId = await applied({ outputsPending: { ms: 600 } });
    let answered = 0;
    let unavailable = 0;
    while (answered !== 200) {
      answered = (await list(wsId)).status;
      if (answered === 503) unavailable++;
      else expect(answered).toBe(200);
    }
    expect(unavailable).toBeGreaterThan(0);
    expect((await list(wsId)).status).toBe(200);
  });

  it('serves what a scenario or a test sets, hostile names and values included', async () => {
    const hostile = '::error::pwned\u202e<img src=x>|`md`';
    const wsId = await applied({
      outputs: [
        { name: hostile, value: hostile },
        { name: 'token', value: { nested: [hostile] }, sensitive: true },
        { name: 'typed', value: ['a'], type: ['list', 'string'] }
      ]
    });
    const doc = await apiJson<ListDoc>(emu, `/workspaces/${wsId}/current-state-version-outputs`);
    expect(doc.data.map(o => o.attributes.name)).toEqual([hostile, 'token', 'typed']);
    expect(doc.data[0].attributes.value).toBe(hostile);
    expect(doc.data[1].attributes.value).toBeNull();
    expect(doc.data[2].attributes).toMatchObject({
      type: 'array',
      'detailed-type': ['list', 'string']
    });
    const token = await apiJson<Doc>(emu, `/state-version-outputs/${doc.data[1].id}`);
    expect(token.data.attributes.value).toEqual({ nested: [hostile] });

    const before = doc.data[0].id;
    emu.setOutputs(wsId, [{ name: 'only', value: 1 }]);
    const replaced = await apiJson<ListDoc>(
      emu,
      `/workspaces/${wsId}/current-state-version-outputs`
    );
    expect(replaced.data.map(o => o.attributes.name)).toEqual(['only']);
    // A new state has new output IDs; the old state's outputs stay readable.
    expect(replaced.data[0].id).not.toBe(before);
    expect((await api(emu, `/state-version-outputs/${before}`)).status).toBe(200);
    emu.setOutputs(wsId, null);
    expect((await list(wsId)).status).toBe(404);
  });

  it('pages long lists and empties them after a destroy', async () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ name: `out${i}`, value: i }));
    const wsId = await applied({ outputs: many });
    const page1 = await apiJson<ListDoc>(emu, `/workspaces/${wsId}/current-state-version-outputs`);
    expect(page1.data).toHaveLength(20);
    expect(page1.meta?.pagination).toMatchObject({ 'total-count': 25, 'next-page': 2 });
    const page2 = await apiJson<ListDoc>(
      emu,
      `/workspaces/${wsId}/current-state-version-outputs?page%5Bnumber%5D=2`
    );
    expect(page2.data.map(o => o.attributes.value)).toEqual([20, 21, 22, 23, 24]);

    const cv = await uploadConfig(emu, wsId, { files: { 'main.tf': OUTPUTS_TF } });
    const destroy = await createRun(emu, wsId, cv.id, { 'is-destroy': true });
    await waitForStatus(emu, destroy.id, ['applied']);
    const after = await apiJson<ListDoc>(emu, `/workspaces/${wsId}/current-state-version-outputs`);
    expect(after.data).toEqual([]);
  });
});
