// Issue 11: content a pull request or a server controls: planted log bytes,
// JSON plans of any size, blob URLs with another scheme or host.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import {
  api,
  apiJson,
  createCv,
  createRun,
  included,
  MAIN_TF,
  uploadConfig,
  waitForStatus,
  useEmulatorServer
} from './helpers.js';
import { rawRequest } from './raw-http.js';

/** Reads a log in 7-byte pieces by offset (so planted bytes straddle reads), STX to ETX. */
async function readLog(url: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < 2000; i++) {
    const body = Buffer.from(await (await fetch(`${url}?offset=${offset}&limit=7`)).arrayBuffer());
    parts.push(body);
    offset += body.length;
    if (body.length < 7) break;
  }
  return Buffer.concat(parts);
}

const PLANTED = [
  '::add-mask::x\n',
  'progress 10%\r::stop-commands::x\n',
  'resource ok ##[error]fake failure mid-line\n',
  `${JSON.stringify({ '@level': 'info', '@message': 'two\n::warning::lines', type: 'log' })}\n`,
  '\u001b[31mred\u001b[0m \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007\n',
  Buffer.from([0xff, 0xfe, 0x03, 0x02, 0x0a]),
  'no newline at the end'
];

describe('emulator planted log lines', () => {
  let emu: Emulator;

  useEmulatorServer({ stepMs: 5 }, started => (emu = started));

  it('writes the planted bytes verbatim into the plan and apply logs', async () => {
    const ws = emu.addWorkspace({ organization: 'acme', name: 'planted', autoApply: true });
    emu.setScenario(ws.id, { planLog: PLANTED, applyLog: Buffer.from('apply\r\n::endgroup::\n') });
    const cv = await uploadConfig(emu, ws.id, { files: { 'main.tf': MAIN_TF } });
    const run = await createRun(emu, ws.id, cv.id);
    const done = await waitForStatus(emu, run.id, ['applied', 'errored']);
    expect(done.data.attributes.status).toBe('applied');
    const planLog = await readLog(included(done, 'plans').attributes['log-read-url'] as string);
    const planted = Buffer.concat(
      PLANTED.map(p => (Buffer.isBuffer(p) ? p : Buffer.from(p, 'utf8')))
    );
    const at = planLog.indexOf(planted);
    expect(at).toBeGreaterThan(0);
    // Between the change lines and the summary, with the STX/ETX frame intact.
    expect(planLog.subarray(0, at).toString()).toContain('aws_vpc.main: Plan to create');
    expect(planLog.subarray(at + planted.length).toString()).toMatch(/^\nPlan: 2 to add/);
    expect(planLog[0]).toBe(0x02);
    expect(planLog[planLog.length - 1]).toBe(0x03);
    const applyLog = await readLog(included(done, 'applies').attributes['log-read-url'] as string);
    expect(
      applyLog.includes(Buffer.from('Creation complete after 0s\napply\r\n::endgroup::\n'))
    ).toBe(true);
  });

  it('plants into the log of a plan that errors, and a single string works too', async () => {
    const ws = emu.addWorkspace({ organization: 'acme', name: 'planted-error' });
    emu.setScenario(ws.id, { planError: true, planLog: '::error::forged\n' });
    const cv = await uploadConfig(emu, ws.id, { files: { 'main.tf': MAIN_TF } });
    const run = await createRun(emu, ws.id, cv.id, { 'plan-only': true });
    const done = await waitForStatus(emu, run.id, ['errored']);
    const log = (
      await readLog(included(done, 'plans').attributes['log-read-url'] as string)
    ).toString();
    expect(log).toMatch(
      /Initializing plugins and modules...\n::error::forged\n\nError: Unsupported/
    );
  });
});

describe('emulator JSON plans of a given size', () => {
  let emu: Emulator;
  let wsId: string;
  let cvId: string;

  beforeAll(async () => {
    emu = await startEmulator({ stepMs: 5 });
    wsId = emu.addWorkspace({ organization: 'acme', name: 'big-plan' }).id;
    cvId = (await uploadConfig(emu, wsId, { files: { 'main.tf': MAIN_TF } })).id;
  });
  afterAll(async () => {
    await emu.close();
  });

  async function jsonPlan(planJsonBytes: number) {
    emu.setScenario(wsId, { planJsonBytes });
    const run = await createRun(emu, wsId, cvId, { 'plan-only': true });
    await waitForStatus(emu, run.id, ['planned_and_finished']);
    const redirect = await api(emu, `/runs/${run.id}/plan/json-output`);
    expect(redirect.status).toBe(307);
    return rawRequest(redirect.headers.get('location') ?? '');
  }

  it('pads the plan to exactly the size asked, as valid JSON with the real changes first', async () => {
    const size = 5 * 1024 * 1024 + 3;
    const res = await jsonPlan(size);
    expect(res.headers['content-length']).toBe(String(size));
    expect(res.received).toBe(size);
    const doc = JSON.parse(res.body.toString()) as {
      format_version: string;
      resource_changes: { address: string; change: { actions: string[] } }[];
    };
    expect(doc.format_version).toBe('1.2');
    const real = doc.resource_changes.filter(c => c.change.actions[0] !== 'no-op');
    expect(real.map(c => c.address)).toEqual(['aws_vpc.main', 'aws_subnet.a']);
    expect(doc.resource_changes.slice(0, 2)).toEqual(real);
    expect(doc.resource_changes.length).toBeGreaterThan(10_000);
    expect(doc.resource_changes[2].address).toBe('terraform_data.pad_0000000000');
  });

  it.each([1, 600, 1000])(
    'keeps the natural plan when %i bytes is no larger, else pads exactly',
    async size => {
      const natural = (await jsonPlan(0)).body;
      const res = await jsonPlan(size);
      expect(res.body.length).toBeGreaterThanOrEqual(Math.min(size, natural.length));
      expect(JSON.parse(res.body.toString())).toBeTruthy();
      if (size <= natural.length) expect(res.body.equals(natural)).toBe(true);
      else expect(res.body.length).toBe(size);
    }
  );

  it('pads the inline JSON plan of the OTF flavor too', async () => {
    const otf = await startEmulator({ stepMs: 5, flavor: 'otf' });
    try {
      const ws = otf.addWorkspace({ organization: 'acme', name: 'otf-big' });
      otf.setScenario(ws.id, { planJsonBytes: 100_000 });
      const cv = await uploadConfig(otf, ws.id, { files: { 'main.tf': MAIN_TF } });
      const run = await createRun(otf, ws.id, cv.id, { 'plan-only': true });
      await waitForStatus(otf, run.id, ['planned_and_finished']);
      const res = await api(otf, `/runs/${run.id}/plan/json-output`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe('100000');
      expect(JSON.parse(await res.text())).toHaveProperty('resource_changes');
    } finally {
      await otf.close();
    }
  });
});

describe('emulator blob URLs under another origin', () => {
  let emu: Emulator;

  useEmulatorServer({ stepMs: 5 }, started => (emu = started));

  it.each(['ftp://127.0.0.2:21', 'file:///tmp/blobs', 'http://127.0.0.9:8080'])(
    'hands out every blob URL under %s, until reset',
    async origin => {
      const ws = emu.addWorkspace({ organization: 'acme', name: `origin-${origin.length}` });
      const cv = await uploadConfig(emu, ws.id, { files: { 'main.tf': MAIN_TF } });
      const run = await createRun(emu, ws.id, cv.id, { 'plan-only': true });
      const done = await waitForStatus(emu, run.id, ['planned_and_finished']);
      emu.setBlobOrigin(`${origin}/`);
      const fresh = await createCv(emu, ws.id);
      const under = (url: unknown, kind: string) =>
        expect(String(url).startsWith(`${origin}/${kind}/`)).toBe(true);
      under(fresh.attributes['upload-url'], 'upload');
      const again = await apiJson(emu, `/runs/${run.id}?include=plan`);
      under(included(again, 'plans').attributes['log-read-url'], 'logs');
      const json = await api(emu, `/runs/${run.id}/plan/json-output`);
      under(json.headers.get('location'), 'json');
      const download = await api(emu, `/configuration-versions/${cv.id}/download`);
      under(download.headers.get('location'), 'download');
      emu.setBlobOrigin(null);
      const reset = await api(emu, `/configuration-versions/${cv.id}/download`);
      expect(reset.headers.get('location')?.startsWith(`${emu.blobUrl}/download/`)).toBe(true);
      // The path still works on the real blob host.
      const path = new URL(included(done, 'plans').attributes['log-read-url'] as string).pathname;
      expect((await fetch(`${emu.blobUrl}${path}`)).status).toBe(200);
    }
  );
});
