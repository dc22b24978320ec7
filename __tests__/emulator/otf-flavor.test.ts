import { describe, expect, it } from '@jest/globals';
import type { Emulator } from '../../emulator/server.js';
import {
  api,
  apiJson,
  createRun,
  MAIN_TF,
  uploadConfig,
  waitFor,
  type Doc,
  useEmulatorServer
} from './helpers.js';

describe('emulator in the OTF flavor', () => {
  let emu: Emulator;

  useEmulatorServer(
    { stepMs: 5, flavor: 'otf', rateLimit: { limit: 1 } },
    started => (emu = started)
  );

  it('differs from TFC where OTF does (docs/tfe-api-notes.md §13)', async () => {
    const ws = emu.addWorkspace({ name: 'otf' });
    const ping = await fetch(`${emu.url}/api/v2/ping`);
    expect(ping.headers.get('tfp-api-version')).toBe('2.5');
    expect(ping.headers.get('tfp-appname')).toBeNull();
    expect(ping.headers.get('x-ratelimit-limit')).toBeNull();
    expect(emu.blobUrl.startsWith(emu.url)).toBe(true);

    emu.setScenario(ws.id, { costEstimate: true });
    const cv = await uploadConfig(emu, ws.id, { files: { 'main.tf': MAIN_TF } });
    const run = await createRun(emu, ws.id, cv.id, { 'plan-only': true });
    const done = await waitFor(async () => {
      // Unknown and plan/apply includes are ignored rather than refused.
      const doc = await apiJson<Doc>(emu, `/runs/${run.id}?include=plan,apply,bogus,workspace`);
      return doc.data.attributes.status === 'planned_and_finished' ? doc : undefined;
    }, 'plan finished');
    expect(done.included?.map(r => r.type)).toEqual(['workspaces']);

    const planId = (done.data.relationships?.plan.data as { id: string }).id;
    const plan = await apiJson<Doc>(emu, `/plans/${planId}`);
    expect(plan.data.attributes['resource-additions']).toBe(2);
    expect('resource-imports' in plan.data.attributes).toBe(false);

    const json = await api(emu, `/plans/${planId}/json-output`);
    expect(json.status).toBe(200);
    expect(((await json.json()) as { format_version: string }).format_version).toBe('1.2');

    const ceId = (done.data.relationships?.['cost-estimate'].data as { id: string }).id;
    expect((await api(emu, `/cost-estimates/${ceId}`)).status).toBe(404);
    expect((await api(emu, `/runs/${run.id}/policy-checks`)).status).toBe(404);
  });
});
