// Issue 11: the faults a hostile or broken server shows on the wire, seen
// with a plain HTTP client (what arrived, not what fetch makes of it).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import {
  api,
  apiJson,
  createRun,
  JSON_API,
  MAIN_TF,
  post,
  runBody,
  sleep,
  uploadConfig,
  waitFor,
  waitForStatus
} from './helpers.js';
import { rawRequest, type RawOptions } from './raw-http.js';

// Characters that base64 and URL encoding both change.
const TOKEN = 'abc.atlasv1.s3cr3t/+=';

describe('emulator wire faults', () => {
  let emu: Emulator;
  let wsId: string;
  let cvId: string;

  beforeAll(async () => {
    emu = await startEmulator({ stepMs: 5, token: TOKEN });
    wsId = emu.addWorkspace({ organization: 'acme', name: 'wire' }).id;
    cvId = (await uploadConfig(emu, wsId, { files: { 'main.tf': MAIN_TF } })).id;
  });
  afterAll(async () => {
    await emu.close();
  });

  const call = (path: string, options: RawOptions = {}) =>
    rawRequest(`${emu.url}/api/v2${path}`, {
      ...options,
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': JSON_API, ...options.headers }
    });
  const lastRequest = () => emu.requests[emu.requests.length - 1];
  const wsPath = () => `/workspaces/${wsId}`;

  it('cut: sends status, headers and half the body, then drops the connection', async () => {
    const whole = await call(wsPath());
    expect(whole.complete).toBe(true);
    emu.addFault({ method: 'GET', path: wsPath(), mode: 'cut' });
    const cut = await call(wsPath());
    expect(cut.status).toBe(200);
    expect(cut.headers['content-length']).toBe(String(whole.received));
    expect(cut.received).toBe(Math.floor(whole.received / 2));
    expect(cut.complete).toBe(false);
    expect(cut.body.equals(whole.body.subarray(0, cut.received))).toBe(true);
    expect(lastRequest()).toMatchObject({ fault: 'cut', status: 200 });
  });

  it('cut: the request took effect; cutAfter sets how much of the answer arrives', async () => {
    emu.addFault({ method: 'POST', path: '/runs', mode: 'cut', cutAfter: 7 });
    const before = emu.runs.length;
    const cut = await call('/runs', {
      method: 'POST',
      body: JSON.stringify(runBody(wsId, cvId, { 'plan-only': true }))
    });
    expect(cut.status).toBe(201);
    expect(cut.body.toString()).toBe('{"data"');
    expect(cut.complete).toBe(false);
    expect(emu.runs.length).toBe(before + 1);
  });

  it('cut with its own body answers without processing the request', async () => {
    emu.addFault({
      method: 'POST',
      path: '/runs',
      mode: 'cut',
      status: 201,
      body: { data: { id: 'run-fake', type: 'runs' } },
      cutAfter: 0
    });
    const before = emu.runs.length;
    const cut = await call('/runs', { method: 'POST', body: '{}' });
    expect(cut.status).toBe(201);
    expect(cut.received).toBe(0);
    expect(cut.complete).toBe(false);
    expect(emu.runs.length).toBe(before);
  });

  it('stall: never answers until the client gives up', async () => {
    emu.addFault({ method: 'GET', path: wsPath(), mode: 'stall' });
    const stalled = await call(wsPath(), { timeoutMs: 150 });
    expect(stalled).toMatchObject({ status: null, timedOut: true });
    expect(lastRequest()).toMatchObject({ fault: 'stall', status: 0 });
    // The server let go of the request when the client did.
    await waitFor(
      () => Promise.resolve(emu.writer.waiting.size === 0 ? true : undefined),
      'no waits'
    );
    expect((await call(wsPath())).status).toBe(200);
  });

  it('stall: hangs up by itself after limitMs', async () => {
    emu.addFault({ method: 'GET', path: wsPath(), mode: 'stall', limitMs: 50 });
    const stalled = await call(wsPath(), { timeoutMs: 5000 });
    expect(stalled.status).toBeNull();
    expect(stalled.timedOut).toBe(false);
    expect(stalled.error).toMatch(/socket hang up|ECONNRESET/);
  });

  it('stall-headers: sends the real status and headers, then silence', async () => {
    emu.addFault({ method: 'POST', path: '/runs', mode: 'stall-headers' });
    const before = emu.runs.length;
    const stalled = await call('/runs', {
      method: 'POST',
      body: JSON.stringify(runBody(wsId, cvId, { 'plan-only': true })),
      timeoutMs: 500
    });
    expect(stalled.status).toBe(201);
    expect(Number(stalled.headers['content-length'])).toBeGreaterThan(100);
    expect(stalled.headers['tfp-api-version']).toBe('2.5');
    expect(stalled).toMatchObject({ received: 0, complete: false, timedOut: true });
    expect(emu.runs.length).toBe(before + 1);
  });

  it('trickle: sends the whole answer in small pieces', async () => {
    const whole = await call(wsPath());
    emu.addFault({ method: 'GET', path: wsPath(), mode: 'trickle', chunkBytes: 97, intervalMs: 2 });
    const slow = await call(wsPath());
    expect(slow.complete).toBe(true);
    expect(slow.body.equals(whole.body)).toBe(true);
    // Pieces may merge on a busy machine, but never into one.
    expect(slow.chunks.length).toBeGreaterThan(Math.ceil(whole.received / 97) / 3);
  });

  it('trickle: one byte at a time by default, cut off at limitMs', async () => {
    emu.addFault({ method: 'GET', path: wsPath(), mode: 'trickle', intervalMs: 10, limitMs: 60 });
    const slow = await call(wsPath());
    expect(slow.status).toBe(200);
    expect(slow.complete).toBe(false);
    expect(slow.received).toBeGreaterThan(0);
    expect(slow.received).toBeLessThan(50);
    expect(slow.chunks.length).toBeGreaterThan(slow.received / 3);
  });

  it('huge: a log URL that ignores limit and answers a very large body', async () => {
    const run = await createRun(emu, wsId, cvId, { 'plan-only': true });
    const doc = await waitForStatus(emu, run.id, ['planned_and_finished']);
    const logUrl = doc.included?.find(r => r.type === 'plans')?.attributes[
      'log-read-url'
    ] as string;
    const size = 128 * 1024 * 1024;
    emu.addFault({ method: 'GET', path: /^\/logs\//, mode: 'huge', size, prefix: '\x02' });
    // The emulator streams it: memory stays far below the answer's size.
    const before = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak = Math.max(peak, now.arrayBuffers - before.arrayBuffers);
    }, 5);
    const huge = await rawRequest(`${logUrl}?offset=0&limit=10`, { keep: 200 });
    clearInterval(sampler);
    expect(huge.status).toBe(200);
    expect(huge.headers['content-length']).toBe(String(size));
    expect(huge.received).toBe(size);
    expect(huge.complete).toBe(true);
    expect(huge.body[0]).toBe(0x02);
    expect(huge.body.subarray(1, 40).toString()).toMatch(/^emulator filler line/);
    expect(peak).toBeLessThan(size / 2);
  });

  it('huge: fill and status are the fault’s own', async () => {
    emu.addFault({
      method: 'GET',
      path: wsPath(),
      mode: 'huge',
      size: 10,
      fill: 'ab',
      status: 500
    });
    const huge = await call(wsPath());
    expect(huge.status).toBe(500);
    expect(huge.body.toString()).toBe('ababababab');
  });

  it('echo-auth: an error that repeats the Authorization header in several encodings', async () => {
    emu.addFault({ method: 'GET', path: wsPath(), mode: 'echo-auth' });
    const res = await call(wsPath());
    expect(res.status).toBe(401);
    const doc = JSON.parse(res.body.toString()) as { errors: { detail: string }[] };
    const header = `Bearer ${TOKEN}`;
    expect(doc.errors.map(e => e.detail)).toEqual([
      `invalid credentials: ${header}`,
      `credentials (base64): ${Buffer.from(header).toString('base64')}`,
      `token (base64): ${Buffer.from(TOKEN).toString('base64')}`,
      `credentials (url-encoded): ${encodeURIComponent(header)}`
    ]);
    // The encoded forms really differ from the plain token.
    expect(encodeURIComponent(header)).not.toContain(TOKEN);
  });

  it('answers a 3xx with a JSON body and no Location, or a Location elsewhere', async () => {
    emu.addFault({ method: 'GET', path: wsPath(), status: 302, body: { data: { id: 'ws-x' } } });
    const bare = await call(wsPath());
    expect(bare.status).toBe(302);
    expect(bare.headers.location).toBeUndefined();
    expect(JSON.parse(bare.body.toString())).toEqual({ data: { id: 'ws-x' } });
    emu.addFault({
      method: 'GET',
      path: wsPath(),
      status: 307,
      headers: { Location: 'http://127.0.0.9:1/steal' },
      body: { errors: [] }
    });
    const moved = await call(wsPath());
    expect(moved.status).toBe(307);
    expect(moved.headers.location).toBe('http://127.0.0.9:1/steal');
  });

  it('fetch sees the same faults as a client would (a cut body rejects)', async () => {
    emu.addFault({ method: 'GET', path: wsPath(), mode: 'cut' });
    const res = await api(emu, wsPath());
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect((await apiJson(emu, wsPath())).data.id).toBe(wsId);
    expect((await api(emu, '/runs', post(runBody(wsId, cvId, { 'plan-only': true })))).status).toBe(
      201
    );
  });
});

describe('emulator close() with faults in flight', () => {
  it('ends stalls and trickles at once and leaves no timers', async () => {
    const emu = await startEmulator({ stepMs: 5 });
    const ws = emu.addWorkspace({ organization: 'acme', name: 'closing' });
    emu.addFault({ method: 'GET', path: `/workspaces/${ws.id}`, mode: 'stall', limitMs: 600_000 });
    emu.addFault({
      method: 'GET',
      path: '/organizations/acme/workspaces/closing',
      mode: 'trickle',
      intervalMs: 60_000,
      limitMs: 600_000
    });
    const headers = { Authorization: `Bearer ${emu.token}` };
    const stalled = rawRequest(`${emu.url}/api/v2/workspaces/${ws.id}`, { headers });
    const trickled = rawRequest(`${emu.url}/api/v2/organizations/acme/workspaces/closing`, {
      headers
    });
    await waitFor(
      () => Promise.resolve(emu.writer.waiting.size === 2 ? true : undefined),
      'both waiting'
    );
    const timersBefore = process.getActiveResourcesInfo().filter(r => r === 'Timeout').length;
    await emu.close();
    const [a, b] = await Promise.all([stalled, trickled]);
    expect(a).toMatchObject({ status: null, timedOut: false });
    expect(b).toMatchObject({ status: 200, complete: false, timedOut: false });
    expect(b.received).toBeLessThanOrEqual(1);
    expect(emu.writer.waiting.size).toBe(0);
    await sleep(10);
    const timersAfter = process.getActiveResourcesInfo().filter(r => r === 'Timeout').length;
    // The two fault timers and the run machine's interval are gone.
    expect(timersBefore - timersAfter).toBeGreaterThanOrEqual(3);
  });
});
