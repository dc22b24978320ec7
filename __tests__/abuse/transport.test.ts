/**
 * The TFE client against a hostile server (issue 11): every way the emulator's faults can
 * deliver an answer (cut, stalled, trickled, huge, a redirect with a body) and blob URLs it
 * should not follow. Limits are made small so each hole shows in milliseconds.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { PlanChangesReader } from '../../src/report/plan-changes-reader.js';
import { PhaseLog } from '../../src/run-log.js';
import type { TfeClientOptions } from '../../src/tfe/client.js';
import { TfeClient } from '../../src/tfe/client.js';
import {
  BodyTooLargeError,
  TfeApiError,
  TfeNetworkError,
  UnsafeUrlError
} from '../../src/tfe/errors.js';
import { createdRun, runReaches } from '../helpers/api-runs.js';
import { type Emulator, useEmulator } from '../helpers/emulator.js';

const fixture = useEmulator('transport', { stepMs: 5 });
let emulator: Emulator;
const clients: TfeClient[] = [];

beforeAll(() => {
  emulator = fixture.emulator;
});
afterEach(() => {
  for (const client of clients.splice(0)) client.dispose();
});

interface Recorded {
  host: string;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  authorization?: string;
}

function requests(filter: (r: Recorded) => boolean): Recorded[] {
  return (emulator.requests as Recorded[]).filter(filter);
}

/** A client with quick retries and small limits (each test shortens what it looks at). */
function client(options: Partial<TfeClientOptions> = {}): TfeClient {
  const made = new TfeClient({
    baseUrl: emulator.url,
    token: emulator.token,
    retryPolicy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
    ...options,
    limits: { documentMs: 2_000, idleMs: 2_000, logReadMs: 1_000, ...options.limits }
  });
  clients.push(made);
  return made;
}

async function seconds<T>(work: Promise<T>): Promise<{ value?: T; error?: unknown; s: number }> {
  const started = Date.now();
  try {
    return { value: await work, s: (Date.now() - started) / 1000 };
  } catch (error) {
    return { error, s: (Date.now() - started) / 1000 };
  }
}

/** A finished plan-only run of a new workspace, its plan's ID and log URL. */
async function finishedPlan(scenario: Record<string, unknown> = {}) {
  const ws = fixture.newWorkspace();
  emulator.setScenario(ws.name, scenario);
  const api = client();
  const { runId } = await createdRun(api, ws.id, { 'plan-only': true });
  await runReaches(emulator, runId, ['planned_and_finished']);
  const planId = (
    (await api.getRun(runId)).data.relationships?.plan?.data as { id: string } | undefined
  )?.id;
  const plan = await api.getPlan(planId ?? '');
  return { ws, planId: plan.id, logUrl: plan.attributes?.['log-read-url'] ?? '' };
}

describe('an answer cut off mid-body', () => {
  it('is read again for a GET', async () => {
    const ws = fixture.newWorkspace();
    emulator.addFault({ method: 'GET', path: `/workspaces/${ws.id}`, mode: 'cut' });
    const { value, s } = await seconds(client().getWorkspaceById(ws.id));
    expect(value?.id).toBe(ws.id);
    expect(requests(r => r.path.endsWith(`/workspaces/${ws.id}`))).toHaveLength(2);
    expect(s).toBeLessThan(10);
  });

  it('is a network error, never repeated, for a create', async () => {
    const ws = fixture.newWorkspace();
    const api = client();
    emulator.addFault({
      method: 'POST',
      path: `/workspaces/${ws.id}/configuration-versions`,
      mode: 'cut',
      cutAfter: 7
    });
    const { error } = await seconds(
      api.createConfigurationVersion(ws.id, { speculative: true, provisional: false })
    );
    expect(error).toBeInstanceOf(TfeNetworkError);
    expect(
      requests(
        r => r.method === 'POST' && r.path.endsWith(`/workspaces/${ws.id}/configuration-versions`)
      )
    ).toHaveLength(1);
  });

  it('is read again from the first byte for the plan JSON', async () => {
    const { planId } = await finishedPlan({ planJsonBytes: 300_000 });
    emulator.addFault({ method: 'GET', path: /^\/json\//, mode: 'cut', cutAfter: 150_001 });
    const result = await client().getPlanJson(planId, () => new PlanChangesReader());
    expect(result).toEqual({
      available: true,
      value: [{ address: 'null_resource.a', action: 'create' }]
    });
  });
});

describe('a slow server', () => {
  it('a stalled GET is given up at the attempt limit and sent again', async () => {
    const ws = fixture.newWorkspace();
    emulator.addFault({
      method: 'GET',
      path: `/workspaces/${ws.id}`,
      mode: 'stall',
      limitMs: 30_000
    });
    const { value, s } = await seconds(
      client({ limits: { documentMs: 500 } }).getWorkspaceById(ws.id)
    );
    expect(value?.id).toBe(ws.id);
    expect(s).toBeLessThan(10);
  });

  it('headers then silence: the idle limit ends it', async () => {
    const ws = fixture.newWorkspace();
    emulator.addFault({
      method: 'GET',
      path: `/workspaces/${ws.id}`,
      mode: 'stall-headers',
      limitMs: 30_000
    });
    const { value, s } = await seconds(
      client({ limits: { idleMs: 300, documentMs: 20_000 } }).getWorkspaceById(ws.id)
    );
    expect(value?.id).toBe(ws.id);
    expect(s).toBeLessThan(10);
  });

  it('a trickle that never goes quiet is ended by the attempt limit', async () => {
    const ws = fixture.newWorkspace();
    emulator.addFault({
      method: 'GET',
      path: `/workspaces/${ws.id}`,
      mode: 'trickle',
      intervalMs: 50,
      limitMs: 30_000,
      times: 5
    });
    const { error, s } = await seconds(
      client({ limits: { documentMs: 400, idleMs: 20_000 } }).getWorkspaceById(ws.id)
    );
    expect(error).toBeInstanceOf(TfeNetworkError);
    expect((error as TfeNetworkError).code).toBe('ETIMEDOUT');
    expect(s).toBeLessThan(10);
  });

  it('the budget ends a stalled request at once, with its own reason', async () => {
    const ws = fixture.newWorkspace();
    emulator.addFault({
      method: 'GET',
      path: `/workspaces/${ws.id}`,
      mode: 'stall',
      limitMs: 30_000,
      times: 5
    });
    const controller = new AbortController();
    const reason = new Error('the step is over');
    setTimeout(() => controller.abort(reason), 300);
    const { error, s } = await seconds(
      client({ budget: controller, limits: { documentMs: 60_000 } }).getWorkspaceById(ws.id)
    );
    expect(error).toBe(reason);
    expect(s).toBeLessThan(5);
  });

  it('a log read that trickles fails within its limit', async () => {
    const { logUrl } = await finishedPlan();
    emulator.addFault({
      method: 'GET',
      path: /^\/logs\//,
      mode: 'trickle',
      intervalMs: 5_000,
      limitMs: 30_000
    });
    const { error, s } = await seconds(
      client({ limits: { logReadMs: 400 } }).readLogChunk(logUrl, 0, 65536)
    );
    expect(error).toBeInstanceOf(TfeNetworkError);
    expect(s).toBeLessThan(5);
  });
});

describe('a huge answer', () => {
  it('an API document over the cap is refused before it is read, and not asked again', async () => {
    const ws = fixture.newWorkspace();
    emulator.addFault({
      method: 'GET',
      path: `/workspaces/${ws.id}`,
      mode: 'huge',
      size: 64 * 1024 * 1024
    });
    const { error } = await seconds(client().getWorkspaceById(ws.id));
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect(requests(r => r.path.endsWith(`/workspaces/${ws.id}`))).toHaveLength(1);
  });

  it('a huge error body is read only up to its cap', async () => {
    const ws = fixture.newWorkspace();
    emulator.addFault({
      method: 'GET',
      path: `/workspaces/${ws.id}`,
      mode: 'huge',
      status: 500,
      size: 64 * 1024 * 1024,
      times: 3
    });
    const { error, s } = await seconds(client().getWorkspaceById(ws.id));
    expect(error).toBeInstanceOf(TfeApiError);
    expect((error as TfeApiError).status).toBe(500);
    expect(s).toBeLessThan(10);
  });

  it('a log server that ignores limit is cut at it, and the offset grows by what was kept', async () => {
    const { logUrl } = await finishedPlan();
    emulator.addFault({ method: 'GET', path: /^\/logs\//, mode: 'huge', prefix: '\x02', times: 2 });
    const api = client();
    const chunk = await api.readLogChunk(logUrl, 0, 4096);
    expect(chunk.length).toBe(4096);
    const before = requests(r => r.path.startsWith('/logs/')).length;
    const lines: string[] = [];
    const log = new PhaseLog(
      api,
      line => lines.push(line),
      () => undefined
    );
    await log.pump(logUrl, 'Plan log:');
    const offsets = requests(r => r.path.startsWith('/logs/'))
      .slice(before)
      .map(r => Number(r.query.offset));
    // The second huge answer is cut at 64 KiB, then the real log is read from there on.
    expect(offsets.slice(0, 2)).toEqual([0, 65536]);
  });

  it('a plan JSON over the cap is refused before it is read', async () => {
    const { planId } = await finishedPlan({ planJsonBytes: 400_000 });
    const before = requests(r => r.path.startsWith('/json/')).length;
    const { error } = await seconds(
      client({ limits: { planJsonBytes: 100_000 } }).getPlanJson(
        planId,
        () => new PlanChangesReader()
      )
    );
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect(requests(r => r.path.startsWith('/json/')).length - before).toBe(1);
  });
});

describe('redirects', () => {
  it('a 3xx with a JSON body is never success, and its Location is not followed', async () => {
    const ws = fixture.newWorkspace();
    emulator.addFault({
      method: 'GET',
      path: `/workspaces/${ws.id}`,
      status: 302,
      headers: { Location: `${emulator.blobUrl}/json/elsewhere` },
      body: { data: { id: 'ws-forged', type: 'workspaces', attributes: { name: 'forged' } } }
    });
    const before = requests(r => r.host === 'blob').length;
    const { error } = await seconds(client().getWorkspaceById(ws.id));
    expect(error).toBeInstanceOf(TfeApiError);
    expect((error as TfeApiError).message).toMatch(/answered a redirect \(HTTP 302\)/);
    expect(requests(r => r.host === 'blob').length).toBe(before);
  });

  it('json-output: only 302 and 307 are followed', async () => {
    const { planId } = await finishedPlan();
    emulator.addFault({
      method: 'GET',
      path: `/plans/${planId}/json-output`,
      status: 301,
      headers: { Location: `${emulator.blobUrl}/json/x` },
      body: { resource_changes: [] }
    });
    const { error } = await seconds(client().getPlanJson(planId, () => new PlanChangesReader()));
    expect(error).toBeInstanceOf(TfeApiError);
  });
});

describe('blob URLs', () => {
  it('an http upload URL from an https API is refused before anything is sent', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transport-'));
    const archive = path.join(dir, 'a.tar.gz');
    fs.writeFileSync(archive, 'not sent');
    const before = emulator.requests.length;
    const secure = client({ baseUrl: 'https://tfe.invalid' });
    const { error } = await seconds(
      secure.uploadArchive(`${emulator.blobUrl}/upload/secret-part`, archive, 8)
    );
    fs.rmSync(dir, { recursive: true, force: true });
    expect(error).toBeInstanceOf(UnsafeUrlError);
    expect((error as Error).message).toMatch(
      /plain http \(host 127\.0\.0\.2:\d+\) while the API uses https/
    );
    expect((error as Error).message).not.toContain('secret-part');
    expect(emulator.requests.length).toBe(before);
  });

  it('a log URL of another scheme is refused and said once', async () => {
    const warnings: string[] = [];
    const api = client({ warn: message => warnings.push(message) });
    for (let i = 0; i < 3; i++) {
      await expect(api.readLogChunk('file:///etc/passwd', 0, 10)).rejects.toBeInstanceOf(
        UnsafeUrlError
      );
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/scheme file is neither https nor http/);
    expect(warnings[0]).not.toContain('passwd');
  });

  it('a plan JSON redirect to another scheme is refused', async () => {
    const { planId } = await finishedPlan();
    emulator.setBlobOrigin('ftp://127.0.0.2:21');
    try {
      const { error } = await seconds(client().getPlanJson(planId, () => new PlanChangesReader()));
      expect(error).toBeInstanceOf(UnsafeUrlError);
    } finally {
      emulator.setBlobOrigin(null);
    }
  });
});
