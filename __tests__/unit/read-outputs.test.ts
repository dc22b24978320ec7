/**
 * Reading outputs page by page, waiting for a state still processed, against a scripted
 * list of answers and a fake clock: the wait's bound is the step's deadline, which the
 * emulator tests cannot reach in reasonable time.
 */
import { describe, expect, it } from '@jest/globals';
import type { Clock } from '../../src/retry.js';
import { readTerraformOutputs } from '../../src/run-results/read-outputs.js';
import type { OutputsPage, RunResultsApi } from '../../src/tfe/results-api.js';
import type { StateOutputAttributes } from '../../src/tfe/result-types.js';
import type { Resource } from '../../src/tfe/types.js';

class FakeClock implements Clock {
  time = 1_000_000;
  sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    return Promise.resolve();
  }
  random(): number {
    return 0.5;
  }
}

const output = (
  id: string,
  attributes: StateOutputAttributes
): Resource<StateOutputAttributes> => ({
  id,
  type: 'state-version-outputs',
  attributes
});

/** Answers the scripted pages in order (the last repeats), and records what was asked. */
function scripted(
  pages: readonly OutputsPage[],
  values: Record<string, unknown> = {}
): Pick<RunResultsApi, 'stateOutputsPage' | 'getStateOutput'> & { asked: string[] } {
  let next = 0;
  const asked: string[] = [];
  return {
    asked,
    stateOutputsPage: (_ws, page) => {
      asked.push(`page ${page}`);
      return Promise.resolve(pages[Math.min(next++, pages.length - 1)] ?? 'none');
    },
    getStateOutput: id => {
      asked.push(`show ${id}`);
      if (id === 'wsout-throws') return Promise.reject(new Error('network'));
      return Promise.resolve(
        id in values ? output(id, { name: id, sensitive: true, value: values[id] }) : undefined
      );
    }
  };
}

const options = (
  clock: FakeClock,
  extra: Partial<Parameters<typeof readTerraformOutputs>[2]> = {}
) => ({
  readSensitive: false,
  deadline: clock.now() + 10_000,
  clock,
  warn: (message: string) => warnings.push(message),
  ...extra
});
let warnings: string[] = [];

describe('readTerraformOutputs', () => {
  it('follows the pages, and waits while the state is processed', async () => {
    warnings = [];
    const clock = new FakeClock();
    const api = scripted([
      'processing',
      'processing',
      {
        items: [output('wsout-1', { name: 'a', value: 1, type: 'number' })],
        included: [],
        nextPage: 2
      },
      'processing',
      {
        items: [output('wsout-2', { name: 'b', value: 'x', 'detailed-type': 'string' })],
        included: []
      }
    ]);
    const read = await readTerraformOutputs(api, 'ws-1', options(clock));
    expect(read.outputs).toEqual([
      { id: 'wsout-1', name: 'a', sensitive: false, type: 'number', value: 1 },
      { id: 'wsout-2', name: 'b', sensitive: false, type: 'string', value: 'x' }
    ]);
    expect(api.asked).toEqual(['page 1', 'page 1', 'page 1', 'page 2', 'page 2']);
    expect(clock.sleeps).toEqual([250, 375, 563]);
    expect(read.unavailable).toBeUndefined();
  });

  it('stops waiting at the deadline and says why', async () => {
    const clock = new FakeClock();
    const api = scripted(['processing']);
    const read = await readTerraformOutputs(
      api,
      'ws-1',
      options(clock, { deadline: clock.now() + 5_000 })
    );
    expect(read.outputs).toBeUndefined();
    expect(read.unavailable).toBe(
      'the new state was still being processed when the timeout ended.'
    );
    expect(clock.sleeps).toEqual([250, 375, 563, 844, 1_266, 1_702]);
  });

  it('says so when there is no state', async () => {
    const read = await readTerraformOutputs(scripted(['none']), 'ws-1', options(new FakeClock()));
    expect(read).toEqual({
      unavailable: 'the workspace has no state, or the token may not read its outputs.',
      sensitiveValues: new Map()
    });
  });

  it('reads at most 200 pages of a server that never ends', async () => {
    warnings = [];
    let n = 0;
    const api = {
      asked: [] as string[],
      stateOutputsPage: (_ws: string, page: number): Promise<OutputsPage> =>
        Promise.resolve({
          items: [output(`wsout-${++n}`, { name: `o${n}`, value: n })],
          included: [],
          nextPage: page + 1
        }),
      getStateOutput: () => Promise.resolve(undefined)
    };
    const read = await readTerraformOutputs(api, 'ws-1', options(new FakeClock()));
    expect(read.outputs).toHaveLength(200);
    expect(read.unavailable).toBe('only the first 200 outputs were read.');
    expect(warnings).toHaveLength(1);
  });

  it('never keeps a sensitive value from the list, and reads them one by one only when asked', async () => {
    warnings = [];
    const page: OutputsPage = {
      items: [
        output('wsout-s1', { name: 'pw', sensitive: true, value: 'leaked-by-server' }),
        output('wsout-s2', { name: 'key', sensitive: true, value: null }),
        output('wsout-throws', { name: 'gone', sensitive: true, value: null }),
        output('wsout-3', { name: '', value: 'no name' })
      ],
      included: []
    };
    const quiet = await readTerraformOutputs(scripted([page]), 'ws-1', options(new FakeClock()));
    expect(quiet.outputs?.map(o => [o.name, 'value' in o])).toEqual([
      ['pw', false],
      ['key', false],
      ['gone', false]
    ]);
    expect(quiet.sensitiveValues.size).toBe(0);

    const api = scripted([page], { 'wsout-s1': 'real', 'wsout-s2': { a: 1 } });
    const read = await readTerraformOutputs(
      api,
      'ws-1',
      options(new FakeClock(), { readSensitive: true })
    );
    expect([...read.sensitiveValues]).toEqual([
      ['wsout-s1', 'real'],
      ['wsout-s2', { a: 1 }]
    ]);
    expect(read.outputs?.some(o => 'value' in o)).toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/^1 sensitive output could not be read/)]);
  });
});
