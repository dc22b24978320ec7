import { describe, expect, it } from '@jest/globals';
import type { Emulator } from '../../emulator/server.js';
import {
  api,
  apiJson,
  getRun,
  post,
  statusesSeen,
  waitForStatus,
  type Doc,
  type Resource,
  scenarioRun,
  useEmulatorServer
} from './helpers.js';

type Scenario = Parameters<Emulator['setScenario']>[1];

describe('emulator cost estimates', () => {
  let emu: Emulator;
  let counter = 0;

  useEmulatorServer({ stepMs: 5 }, started => (emu = started));

  const run = (scenario: Scenario, attributes: Record<string, unknown> = {}) =>
    scenarioRun(emu, `costs-${++counter}`, scenario, attributes);

  async function estimateOf(runId: string): Promise<Resource> {
    const doc = await getRun(emu, runId);
    const ref = doc.data.relationships?.['cost-estimate'].data as { id: string };
    return (await apiJson<Doc>(emu, `/cost-estimates/${ref.id}`)).data;
  }

  it('finishes with decimal strings, a negative delta and counts from the plan', async () => {
    const r = await run({ costEstimate: { prior: 100.5, proposed: 60 } });
    const doc = await waitForStatus(emu, r.id, ['cost_estimated', 'errored']);
    expect(doc.data.attributes.status).toBe('cost_estimated');
    expect(statusesSeen(doc)).toEqual(
      expect.arrayContaining(['planned-at', 'cost-estimating-at', 'cost-estimated-at'])
    );
    const ce = await estimateOf(r.id);
    expect(ce.id).toMatch(/^ce-/);
    expect(ce.attributes).toMatchObject({
      status: 'finished',
      'prior-monthly-cost': '100.500',
      'proposed-monthly-cost': '60.000',
      'delta-monthly-cost': '-40.500',
      // MAIN_TF plans two resources.
      'resources-count': 2,
      'matched-resources-count': 2,
      'unmatched-resources-count': 0,
      'error-message': null
    });
    expect(Object.keys(ce.attributes['status-timestamps'] as object)).toEqual(
      expect.arrayContaining(['queued-at', 'finished-at'])
    );
  });

  it('serves strings and counts as a test sets them', async () => {
    const r = await run({
      costEstimate: {
        prior: '0.0',
        proposed: '1e9',
        delta: '::warning::$$$',
        resources: 7,
        matched: 3
      }
    });
    await waitForStatus(emu, r.id, ['cost_estimated']);
    expect((await estimateOf(r.id)).attributes).toMatchObject({
      'prior-monthly-cost': '0.0',
      'proposed-monthly-cost': '1e9',
      'delta-monthly-cost': '::warning::$$$',
      'resources-count': 7,
      'matched-resources-count': 3,
      'unmatched-resources-count': 4
    });
  });

  it('errors with a message and the run goes on', async () => {
    const r = await run(
      { costEstimate: { error: 'pricing API <b>down</b>' } },
      { 'auto-apply': true }
    );
    const done = await waitForStatus(emu, r.id, ['applied', 'errored']);
    expect(done.data.attributes.status).toBe('applied');
    expect(statusesSeen(done)).toContain('cost-estimated-at');
    expect((await estimateOf(r.id)).attributes).toMatchObject({
      status: 'errored',
      'error-message': 'pricing API <b>down</b>',
      'prior-monthly-cost': null,
      'delta-monthly-cost': null
    });
  });

  it('is skipped for targeted runs', async () => {
    const r = await run({ costEstimate: true }, { 'target-addrs': ['aws_vpc.main'] });
    await waitForStatus(emu, r.id, ['cost_estimated']);
    expect((await estimateOf(r.id)).attributes).toMatchObject({
      status: 'skipped_due_to_targeting',
      'proposed-monthly-cost': null
    });
  });

  it('is canceled with its run, and unreachable when the plan errors', async () => {
    const r = await run({ costEstimate: true, holdStatus: 'cost_estimating' });
    await waitForStatus(emu, r.id, ['cost_estimating']);
    expect((await api(emu, `/runs/${r.id}/actions/cancel`, post({}))).status).toBe(202);
    await waitForStatus(emu, r.id, ['canceled']);
    expect((await estimateOf(r.id)).attributes.status).toBe('canceled');

    const failed = await run({ costEstimate: true, planError: true });
    await waitForStatus(emu, failed.id, ['errored']);
    expect((await estimateOf(failed.id)).attributes.status).toBe('unreachable');
  });
});
