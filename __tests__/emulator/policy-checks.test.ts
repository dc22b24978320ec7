import { describe, expect, it } from '@jest/globals';
import type { Emulator } from '../../emulator/server.js';
import {
  api,
  apiJson,
  included,
  post,
  statusesSeen,
  waitForStatus,
  type Doc,
  type ListDoc,
  type Resource,
  scenarioRun,
  useEmulatorServer
} from './helpers.js';

type Scenario = Parameters<Emulator['setScenario']>[1];

interface SentinelSet {
  'can-override': boolean;
  result: boolean;
  policies: { policy: string; 'enforcement-level': string; result: boolean }[];
}

describe('emulator Sentinel policy checks', () => {
  let emu: Emulator;
  let counter = 0;

  useEmulatorServer({ stepMs: 5 }, started => (emu = started));

  const run = (scenario: Scenario, attributes: Record<string, unknown> = {}) =>
    scenarioRun(emu, `policies-${++counter}`, scenario, attributes);

  async function checkOf(runId: string): Promise<Resource> {
    const list = await apiJson<ListDoc>(emu, `/runs/${runId}/policy-checks`);
    expect(list.data).toHaveLength(1);
    return list.data[0];
  }

  async function outputOf(checkId: string): Promise<string> {
    const res = await api(emu, `/policy-checks/${checkId}/output`);
    expect(res.status).toBe(307);
    return (await fetch(res.headers.get('location') ?? '')).text();
  }

  const FINAL = [
    'planned_and_finished',
    'policy_checked',
    'policy_override',
    'policy_soft_failed',
    'errored',
    'applied'
  ];

  it('passes with every policy passing, per policy in the Sentinel data', async () => {
    const r = await run({
      policyScope: 'workspace',
      policies: [
        { name: 'tags', set: 'core', level: 'hard-mandatory', result: true },
        { name: 'size', set: 'core', level: 'soft-mandatory', result: true },
        { name: 'cost', set: 'finance', level: 'advisory', result: true }
      ]
    });
    const doc = await waitForStatus(emu, r.id, FINAL);
    expect(doc.data.attributes.status).toBe('policy_checked');
    expect(doc.data.attributes.actions).toMatchObject({ 'is-confirmable': true });
    const pc = await checkOf(r.id);
    expect(pc.id).toMatch(/^polchk-/);
    expect(pc.attributes).toMatchObject({
      status: 'passed',
      scope: 'workspace',
      result: {
        result: true,
        passed: 3,
        'total-failed': 0,
        'hard-failed': 0,
        'soft-failed': 0,
        'advisory-failed': 0
      },
      actions: { 'is-overridable': false }
    });
    const sentinel = (pc.attributes.result as { sentinel: { data: Record<string, SentinelSet> } })
      .sentinel;
    expect(Object.keys(sentinel.data)).toEqual(['core', 'finance']);
    expect(sentinel.data.core.policies).toEqual([
      expect.objectContaining({
        policy: 'core/tags',
        'enforcement-level': 'hard-mandatory',
        result: true
      }),
      expect.objectContaining({
        policy: 'core/size',
        'enforcement-level': 'soft-mandatory',
        result: true
      })
    ]);
    expect(await outputOf(pc.id)).toMatch(/Sentinel Result: true[\s\S]*3 policies evaluated/);
  });

  it('lets advisory failures pass with a count, and the run goes on', async () => {
    const r = await run(
      {
        policies: [
          { name: 'cost', level: 'advisory', result: false },
          { name: 'ok', result: true }
        ]
      },
      { 'auto-apply': true }
    );
    const doc = await waitForStatus(emu, r.id, ['applied', 'errored', 'policy_override']);
    expect(doc.data.attributes.status).toBe('applied');
    expect((await checkOf(r.id)).attributes).toMatchObject({
      status: 'passed',
      result: { result: true, passed: 1, 'total-failed': 1, 'advisory-failed': 1 }
    });
  });

  it('waits for an override on a soft failure, through the API', async () => {
    const r = await run({
      policies: [
        { name: 'size', level: 'soft-mandatory', result: false },
        { name: 'cost', level: 'advisory', result: false }
      ]
    });
    const waiting = await waitForStatus(emu, r.id, FINAL);
    expect(waiting.data.attributes.status).toBe('policy_override');
    expect(waiting.data.attributes.actions).toMatchObject({
      'is-confirmable': false,
      'is-discardable': true
    });
    const pc = await checkOf(r.id);
    expect(pc.attributes).toMatchObject({
      status: 'soft_failed',
      actions: { 'is-overridable': true },
      result: { result: false, 'total-failed': 2, 'soft-failed': 1, 'advisory-failed': 1 }
    });
    const sentinel = (pc.attributes.result as { sentinel: { data: Record<string, SentinelSet> } })
      .sentinel;
    expect(sentinel.data.emulator).toMatchObject({ 'can-override': true, result: false });
    const overridden = await api(emu, `/policy-checks/${pc.id}/actions/override`, post({}));
    expect(overridden.status).toBe(200);
    expect(((await overridden.json()) as Doc).data.attributes.status).toBe('overridden');
    const checked = await waitForStatus(emu, r.id, ['policy_checked']);
    expect(checked.data.attributes.actions).toMatchObject({ 'is-confirmable': true });
    // Overriding twice is refused.
    expect((await api(emu, `/policy-checks/${pc.id}/actions/override`, post({}))).status).toBe(409);
    expect(Object.keys(pc.attributes['status-timestamps'] as object)).toContain('soft-failed-at');
  });

  it('is overridden by overridePolicy(runId) too; a plan-only soft failure is final', async () => {
    const r = await run({ policySoftFail: true });
    await waitForStatus(emu, r.id, ['policy_override']);
    emu.overridePolicy(r.id);
    await waitForStatus(emu, r.id, ['policy_checked']);
    expect((await checkOf(r.id)).attributes.status).toBe('overridden');

    const plan = await run({ policySoftFail: true }, { 'plan-only': true });
    const soft = await waitForStatus(emu, plan.id, FINAL);
    expect(soft.data.attributes.status).toBe('policy_soft_failed');
    expect(statusesSeen(soft)).toContain('policy-soft-failed-at');
  });

  it('errors the run on a hard failure', async () => {
    const r = await run(
      {
        policies: [
          { name: 'no-public-buckets', level: 'hard-mandatory', result: false },
          { name: 'size', level: 'soft-mandatory', result: false }
        ]
      },
      { 'auto-apply': true }
    );
    const doc = await waitForStatus(emu, r.id, FINAL);
    expect(doc.data.attributes.status).toBe('errored');
    expect(included(doc, 'plans').attributes.status).toBe('finished');
    expect(included(doc, 'applies').attributes.status).toBe('unreachable');
    const pc = await checkOf(r.id);
    expect(pc.attributes).toMatchObject({
      status: 'hard_failed',
      actions: { 'is-overridable': false },
      result: { result: false, 'hard-failed': 1, 'soft-failed': 1 }
    });
    expect((await api(emu, `/policy-checks/${pc.id}/actions/override`, post({}))).status).toBe(409);
    expect(await outputOf(pc.id)).toContain('(hard-mandatory)\n\nResult: false');
  });

  it('errors the run when the check errors', async () => {
    const r = await run({ policyError: 'sentinel: import "tfplan/v2" not found' });
    const doc = await waitForStatus(emu, r.id, FINAL);
    expect(doc.data.attributes.status).toBe('errored');
    const pc = await checkOf(r.id);
    expect(pc.attributes).toMatchObject({ status: 'errored', result: null });
    expect(await outputOf(pc.id)).toContain('import "tfplan/v2" not found');
  });

  it('carries hostile names and descriptions unchanged', async () => {
    const hostile = '## ::error file=x::pwned\u202e`</details>`';
    const r = await run({
      policies: [{ name: hostile, set: `set ${hostile}`, description: hostile, result: false }]
    });
    await waitForStatus(emu, r.id, ['policy_override']);
    const pc = await checkOf(r.id);
    const sentinel = (pc.attributes.result as { sentinel: { data: Record<string, SentinelSet> } })
      .sentinel;
    expect(sentinel.data[`set ${hostile}`].policies[0].policy).toBe(`set ${hostile}/${hostile}`);
    expect(await outputOf(pc.id)).toContain(`${hostile}\n`);
  });
});
