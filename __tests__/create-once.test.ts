/**
 * createOnce against the emulator over real HTTP: what it sends again, what it looks for
 * first, and that its repeats never multiply with the client's (one budget for all sends).
 */
import { describe, expect, it } from '@jest/globals';
import { createOnce } from '../src/create-once.js';
import { type Clock, defaultRetryPolicy } from '../src/retry.js';
import { findRunOf } from '../src/run-stop.js';
import { TfeClient } from '../src/tfe/client.js';
import { TfeApiError } from '../src/tfe/errors.js';
import { uploadedConfiguration } from './helpers/api-runs.js';
import { useEmulator } from './helpers/emulator.js';

const fixture = useEmulator('create-once', { stepMs: 5 });

function instantClock(): Clock & { waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    now: () => Date.now(),
    sleep: (ms, signal) => {
      waits.push(ms);
      return signal?.aborted ? Promise.reject(signal.reason as Error) : Promise.resolve();
    },
    random: () => 0.5
  };
}

function posts(path: string): number {
  return (fixture.emulator.requests as { method: string; path: string }[]).filter(
    r => r.method === 'POST' && r.path === `/api/v2${path}`
  ).length;
}

/**
 * A client on a clock that records its waits, and a workspace with an uploaded
 * configuration version, ready for POST /runs.
 */
async function readyWorkspace() {
  const clock = instantClock();
  const api = new TfeClient({
    baseUrl: fixture.emulator.url,
    token: fixture.emulator.token,
    clock
  });
  const ws = fixture.newWorkspace().id;
  return { clock, api, ws, cv: await uploadedConfiguration(api, ws) };
}

function runCreator(api: TfeClient, clock: Clock, ws: string, cv: string, messages: string[] = []) {
  return createOnce({
    what: 'the run',
    create: () => api.createRun(ws, cv, { message: 'once' }),
    findExisting: () => findRunOf(api, ws, cv),
    clock,
    policy: defaultRetryPolicy,
    warn: message => messages.push(`warning: ${message}`),
    info: message => messages.push(message)
  });
}

describe('createOnce', () => {
  it('sends a rate-limited create again after the delay the server asked for', async () => {
    const { clock, api, ws, cv } = await readyWorkspace();
    fixture.emulator.addFault({
      method: 'POST',
      path: '/runs',
      status: 429,
      times: 2,
      headers: { 'Retry-After': '2' }
    });
    const before = posts('/runs');
    const run = await runCreator(api, clock, ws, cv);
    expect(run.id).toMatch(/^run-/);
    expect(posts('/runs') - before).toBe(3);
    expect(clock.waits).toEqual([2000, 2000]);
    expect(fixture.runsOf(ws)).toHaveLength(1);
    api.dispose();
  });

  it('adopts the run a lost answer created instead of creating a second one', async () => {
    const { clock, api, ws, cv } = await readyWorkspace();
    fixture.emulator.addFault({ method: 'POST', path: '/runs', mode: 'lost' });
    const messages: string[] = [];
    const run = await runCreator(api, clock, ws, cv, messages);
    expect(fixture.runsOf(ws).map(r => r.id)).toEqual([run.id]);
    expect(messages.join('\n')).toMatch(
      /no clear answer[\s\S]*made by the request whose answer was lost/
    );
    api.dispose();
  });

  it('sends at most as often as the retry policy says, also when 429s and 5xx alternate', async () => {
    const { clock, api, ws, cv } = await readyWorkspace();
    // Each 503 may have created the run, so each is followed by a look; each 429 is not.
    // Six faults: a seventh send would succeed, so only the budget can stop it.
    for (let i = 0; i < 2; i++) {
      fixture.emulator.addFault({
        method: 'POST',
        path: '/runs',
        status: 429,
        times: 2,
        headers: { 'Retry-After': '1' }
      });
      fixture.emulator.addFault({ method: 'POST', path: '/runs', status: 503 });
    }
    const before = posts('/runs');
    const error = await runCreator(api, clock, ws, cv).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TfeApiError);
    expect(posts('/runs') - before).toBe(defaultRetryPolicy.maxAttempts);
    expect(fixture.runsOf(ws)).toHaveLength(0);
    api.dispose();
  });

  it('gives up at once on an answer that sending again would not change', async () => {
    const { clock, api, ws, cv } = await readyWorkspace();
    fixture.emulator.addFault({ method: 'POST', path: '/runs', status: 422 });
    const before = posts('/runs');
    await expect(runCreator(api, clock, ws, cv)).rejects.toThrow(/HTTP 422/);
    expect(posts('/runs') - before).toBe(1);
    expect(clock.waits).toEqual([]);
    api.dispose();
  });

  it('stops waiting at once when the job is cancelled', async () => {
    const { clock, api, ws, cv } = await readyWorkspace();
    fixture.emulator.addFault({ method: 'POST', path: '/runs', status: 429, times: 1 });
    const controller = new AbortController();
    const reason = new Error('job cancelled');
    controller.abort(reason);
    const before = posts('/runs');
    await expect(
      createOnce({
        what: 'the run',
        create: () => api.createRun(ws, cv, { message: 'once' }),
        findExisting: () => findRunOf(api, ws, cv),
        clock,
        policy: defaultRetryPolicy,
        signal: controller.signal,
        warn: () => undefined,
        info: () => undefined
      })
    ).rejects.toBe(reason);
    expect(posts('/runs') - before).toBe(1);
    api.dispose();
  });
});
