import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import {
  api,
  apiJson,
  createCv,
  makeArchive,
  MAIN_TF,
  post,
  runBody,
  uploadConfig,
  waitForCv,
  type ListDoc
} from './helpers.js';

describe('emulator faults', () => {
  let emu: Emulator;
  let wsId: string;
  let cvId: string;

  beforeAll(async () => {
    emu = await startEmulator({ stepMs: 5 });
    wsId = emu.addWorkspace({ organization: 'acme', name: 'faults' }).id;
    cvId = (await uploadConfig(emu, wsId, { files: { 'main.tf': MAIN_TF } })).id;
  });
  afterAll(async () => {
    await emu.close();
  });

  it('rejects a request with the fault, then serves normally', async () => {
    emu.addFault({ method: 'POST', path: '/runs', status: 429, headers: { 'Retry-After': '1' } });
    const first = await api(emu, '/runs', post(runBody(wsId, cvId, { 'plan-only': true })));
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(await first.json()).toEqual({ errors: [{ status: '429', title: 'too many requests' }] });
    expect(emu.runs).toHaveLength(0);
    const second = await api(emu, '/runs', post(runBody(wsId, cvId, { 'plan-only': true })));
    expect(second.status).toBe(201);
    expect(emu.runs).toHaveLength(1);
  });

  it('matches paths by RegExp and repeats a fault `times` times', async () => {
    const runId = emu.runs[0].id;
    emu.addFault({
      method: 'GET',
      path: /^\/runs\/run-/,
      status: 503,
      times: 2,
      body: 'upstream down'
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await api(emu, `/runs/${runId}`)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(emu.requests.filter(r => r.fault === 'reject').length).toBeGreaterThanOrEqual(3);
  });

  it('loses the answer of a processed create (mode lost)', async () => {
    emu.addFault({ method: 'POST', path: '/runs', mode: 'lost' });
    const before = emu.runs.length;
    await expect(
      api(emu, '/runs', post(runBody(wsId, cvId, { 'plan-only': true, message: 'marker-123' })))
    ).rejects.toThrow();
    expect(emu.runs.length).toBe(before + 1);
    const lost = emu.requests.filter(r => r.fault === 'lost');
    expect(lost).toHaveLength(1);
    expect(lost[0].status).toBe(0);
    // A client can reconcile by searching for its marker.
    const found = await apiJson<ListDoc>(
      emu,
      `/workspaces/${wsId}/runs?search%5Bbasic%5D=marker-123&filter%5Boperation%5D=plan_only`
    );
    expect(found.data.map(r => r.id)).toEqual([emu.runs[before].id]);
  });

  it('drops the connection before reading the request (mode refuse)', async () => {
    emu.addFault({
      method: 'POST',
      path: `/workspaces/${wsId}/configuration-versions`,
      mode: 'refuse'
    });
    const before = emu.configurationVersions.length;
    await expect(createCv(emu, wsId)).rejects.toThrow();
    expect(emu.configurationVersions.length).toBe(before);
    expect((await createCv(emu, wsId)).attributes.status).toBe('pending');
  });

  it('applies faults to the blob host by its whole path', async () => {
    emu.addFault({ method: 'PUT', path: /^\/upload\//, status: 503 });
    const cv = await createCv(emu, wsId);
    const body = await makeArchive({ files: { 'main.tf': MAIN_TF } });
    const put = () => fetch(cv.attributes['upload-url'] as string, { method: 'PUT', body });
    expect((await put()).status).toBe(503);
    expect((await put()).status).toBe(200);
    expect((await waitForCv(emu, cv.id)).attributes.status).toBe('uploaded');
  });
});

describe('emulator rate limit and app name', () => {
  let emu: Emulator;

  beforeAll(async () => {
    emu = await startEmulator({ stepMs: 5, rateLimit: { limit: 3 }, appName: null });
    emu.addWorkspace({ organization: 'acme', name: 'limited' });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('answers 429 with a float X-RateLimit-Reset over the per-second limit', async () => {
    // Sequential calls: well within a second the fourth one is over budget.
    const responses: Response[] = [];
    for (let i = 0; i < 50 && !responses.some(r => r.status === 429); i++) {
      responses.push(await api(emu, '/organizations/acme/workspaces/limited'));
    }
    const limited = responses.filter(r => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    const reset = Number(limited[0].headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(1);
    expect(limited[0].headers.get('x-ratelimit-limit')).toBe('3');
    const body = (await limited[0].json()) as { errors: { status: number; title: string }[] };
    expect(body.errors[0]).toMatchObject({ status: 429, title: 'Too many requests' });
    expect(responses[0].headers.get('tfp-appname')).toBeNull();
  });
});
