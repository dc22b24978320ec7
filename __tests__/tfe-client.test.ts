/**
 * The TFE client over real HTTP against the emulator: error messages, which requests are
 * repeated and how long it waits (an instant clock records the waits), and where the token
 * goes.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { PlanChangesReader } from '../src/report/plan-changes-reader.js';
import type { Clock } from '../src/retry.js';
import { TfeClient } from '../src/tfe/client.js';
import { TfeApiError, TfeNetworkError, errorMessages } from '../src/tfe/errors.js';
import { useEmulator } from './helpers/emulator.js';

const fixture = useEmulator('client', { stepMs: 5, sharedHost: true });

/** A clock whose sleeps return at once and are remembered. */
function instantClock(): Clock & { waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    now: () => Date.now(),
    sleep: ms => {
      waits.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5
  };
}

function client(clock: Clock, token = fixture.emulator.token): TfeClient {
  return new TfeClient({ baseUrl: fixture.emulator.url, token, clock });
}

function requests(method: string, pathPart: string): { authorization?: string }[] {
  return (
    fixture.emulator.requests as { method: string; path: string; authorization?: string }[]
  ).filter(r => r.method === method && r.path.includes(pathPart));
}

/** A port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

describe('errors', () => {
  it('explains 404 as "not found or no access" and 401 as a token problem', async () => {
    const tfe = client(instantClock());
    await expect(tfe.getWorkspaceByName('acme', 'missing')).rejects.toThrow(
      'GET /organizations/acme/workspaces/missing answered 404: not found, or the token has no access to it'
    );
    await expect(client(instantClock(), 'wrong').getWorkspaceById('ws-x')).rejects.toThrow(
      /401 unauthorized\): the token is missing, invalid or expired/
    );
    tfe.dispose();
  });

  it('reads both shapes of JSON:API error documents', () => {
    expect(
      errorMessages({ errors: [{ status: '422', title: 'invalid attribute', detail: 'bad' }] })
    ).toEqual(['invalid attribute: bad']);
    expect(errorMessages({ errors: ['one', 'two'] })).toEqual(['one', 'two']);
    expect(errorMessages('not json')).toEqual([]);
  });

  it('shows the server detail of a rejected create', async () => {
    const ws = fixture.newWorkspace();
    const tfe = client(instantClock());
    const error = await tfe
      .createRun(ws.id, 'cv-missing', { message: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TfeApiError);
    expect((error as TfeApiError).status).toBeGreaterThanOrEqual(400);
    expect((error as TfeApiError).message).toMatch(/^POST \/runs /);
    tfe.dispose();
  });
});

describe('retries', () => {
  it('repeats a GET after 503s, waiting as Retry-After says', async () => {
    const ws = fixture.newWorkspace();
    fixture.emulator.addFault({
      method: 'GET',
      path: `/workspaces/${ws.id}`,
      status: 503,
      times: 2,
      headers: { 'Retry-After': '3' }
    });
    const clock = instantClock();
    const tfe = client(clock);
    expect((await tfe.getWorkspaceById(ws.id)).id).toBe(ws.id);
    // 3 s asked, plus at most 250 ms of jitter (random 0.5 → 125 ms).
    expect(clock.waits).toEqual([3125, 3125]);
    expect(requests('GET', `/workspaces/${ws.id}`)).toHaveLength(3);
    tfe.dispose();
  });

  it('backs off exponentially without a server delay, then gives up', async () => {
    const ws = fixture.newWorkspace();
    fixture.emulator.addFault({
      method: 'GET',
      path: `/workspaces/${ws.id}`,
      status: 502,
      times: 10
    });
    const clock = instantClock();
    const tfe = client(clock);
    await expect(tfe.getWorkspaceById(ws.id)).rejects.toThrow(/HTTP 502/);
    expect(clock.waits).toEqual([375, 750, 1500, 3000, 6000]);
    tfe.dispose();
  });

  it('sends a create exactly once, whatever the answer: createOnce decides', async () => {
    const ws = fixture.newWorkspace();
    const path = `/workspaces/${ws.id}/configuration-versions`;
    const clock = instantClock();
    const tfe = client(clock);
    for (const status of [500, 429]) {
      fixture.emulator.addFault({ method: 'POST', path, status, headers: { 'Retry-After': '1' } });
      const error = await tfe
        .createConfigurationVersion(ws.id, { speculative: true, provisional: false })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TfeApiError);
      expect((error as TfeApiError).status).toBe(status);
    }
    // The server's delay travels with the error, for whoever sends the request again.
    expect(
      (await tfe.createRun(ws.id, 'cv-x', { message: 'm' }).catch((e: unknown) => e)) instanceof
        TfeApiError
    ).toBe(true);
    expect(requests('POST', path)).toHaveLength(2);
    expect(clock.waits).toEqual([]);

    const refused = new TfeClient({
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      token: 't',
      clock
    });
    const error = await refused
      .createRun('ws-x', 'cv-x', { message: 'm' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TfeNetworkError);
    expect((error as TfeNetworkError).notSent).toBe(true);
    expect(clock.waits).toEqual([]);
    refused.dispose();
    tfe.dispose();
  });

  it('carries the delay a 429 asked for in the error', async () => {
    const ws = fixture.newWorkspace();
    const path = `/workspaces/${ws.id}/configuration-versions`;
    fixture.emulator.addFault({
      method: 'POST',
      path,
      status: 429,
      headers: { 'Retry-After': '7' }
    });
    const tfe = client(instantClock());
    const error = await tfe
      .createConfigurationVersion(ws.id, { speculative: true, provisional: false })
      .catch((e: unknown) => e);
    expect((error as TfeApiError).retryDelayMs).toBe(7000);
    tfe.dispose();
  });

  it('ends a retry wait at once when the job is cancelled', async () => {
    const ws = fixture.newWorkspace();
    fixture.emulator.addFault({
      method: 'GET',
      path: `/workspaces/${ws.id}`,
      status: 503,
      times: 3
    });
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const tfe = new TfeClient({
      baseUrl: fixture.emulator.url,
      token: fixture.emulator.token,
      budget: { signal: controller.signal },
      // A real clock: the wait would last about 0.4 s, the abort comes first.
      retryPolicy: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 60_000 }
    });
    const started = Date.now();
    setTimeout(() => controller.abort(reason), 50);
    await expect(tfe.getWorkspaceById(ws.id)).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(5_000);
    tfe.dispose();
  });
});

describe('the token stays with the API', () => {
  it('uploads, reads logs and follows the plan JSON redirect without it, even on the API host', async () => {
    const ws = fixture.newWorkspace();
    const tfe = client(instantClock());
    const cv = await tfe.createConfigurationVersion(ws.id, {
      speculative: true,
      provisional: false
    });
    const uploadUrl = cv.attributes?.['upload-url'] ?? '';
    expect(new URL(uploadUrl).host).toBe(new URL(fixture.emulator.url).host);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-upload-'));
    const archive = path.join(dir, 'a.tar.gz');
    const { execFileSync } = await import('node:child_process');
    fs.writeFileSync(path.join(dir, 'main.tf'), 'resource "null_resource" "a" {\n}\n');
    execFileSync('tar', ['-czf', archive, '-C', dir, 'main.tf']);
    await tfe.uploadArchive(uploadUrl, archive, fs.statSync(archive).size);
    fs.rmSync(dir, { recursive: true, force: true });

    for (
      let i = 0;
      i < 100 && (await tfe.getConfigurationVersion(cv.id)).attributes?.status !== 'uploaded';
      i++
    ) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
    const run = await tfe.createRun(ws.id, cv.id, { message: 'client test', 'plan-only': true });
    let planId = '';
    for (let i = 0; i < 200; i++) {
      const document = await tfe.getRun(run.id);
      if (document.data.attributes?.status === 'planned_and_finished') {
        planId = (document.data.relationships?.plan?.data as { id: string }).id;
        break;
      }
      await new Promise(resolve => setTimeout(resolve, 10));
    }
    const plan = await tfe.getPlan(planId);
    const log = await tfe.readLogChunk(plan.attributes?.['log-read-url'] ?? '', 0, 65536);
    expect(log[0]).toBe(0x02);
    expect(log.toString('utf8')).toContain('Plan: 1 to add');
    const json = await tfe.getPlanJson(planId, () => new PlanChangesReader());
    expect(json.available).toBe(true);

    const blob = (fixture.emulator.requests as { host: string; authorization?: string }[]).filter(
      r => r.host === 'blob'
    );
    expect(blob.length).toBeGreaterThanOrEqual(3);
    expect(blob.every(r => r.authorization === undefined)).toBe(true);
    tfe.dispose();
  });
});
