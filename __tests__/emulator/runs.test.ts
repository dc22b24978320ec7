import { describe, expect, it } from '@jest/globals';
import type { Emulator } from '../../emulator/server.js';
import {
  api,
  apiJson,
  createRun,
  getRun,
  included,
  MAIN_TF,
  post,
  runBody,
  sleep,
  statusesSeen,
  uploadConfig,
  waitFor,
  waitForStatus,
  type Doc,
  type ListDoc,
  useEmulatorServer
} from './helpers.js';

type WorkspaceOptions = Parameters<Emulator['addWorkspace']>[0];

describe('emulator runs', () => {
  let emu: Emulator;
  let counter = 0;

  useEmulatorServer({ stepMs: 5 }, started => (emu = started));

  async function setup(
    options: Partial<WorkspaceOptions> = {},
    files: Record<string, string> = { 'main.tf': MAIN_TF },
    speculative = false
  ): Promise<{ wsId: string; cvId: string }> {
    counter++;
    const ws = emu.addWorkspace({ organization: 'acme', name: `ws-${counter}`, ...options });
    const cv = await uploadConfig(emu, ws.id, { files }, { 'auto-queue-runs': false, speculative });
    expect(cv.attributes.status).toBe('uploaded');
    return { wsId: ws.id, cvId: cv.id };
  }

  it('runs a speculative plan to planned_and_finished', async () => {
    const { wsId, cvId } = await setup({}, { 'main.tf': MAIN_TF }, true);
    const run = await createRun(emu, wsId, cvId, { message: 'spec' });
    expect(run.attributes).toMatchObject({ status: 'pending', 'plan-only': true, message: 'spec' });
    const done = await waitForStatus(emu, run.id, ['planned_and_finished', 'errored']);
    expect(done.data.attributes.status).toBe('planned_and_finished');
    expect(done.data.attributes['has-changes']).toBe(true);
    expect(done.data.attributes.actions).toEqual({
      'is-confirmable': false,
      'is-discardable': false,
      'is-cancelable': false,
      'is-force-cancelable': false
    });
    expect(included(done, 'plans').attributes).toMatchObject({
      status: 'finished',
      'resource-additions': 2,
      'resource-changes': 0,
      'resource-destructions': 0,
      'resource-imports': 0
    });
    expect(included(done, 'applies').attributes.status).toBe('unreachable');
    expect(emu.workspace(wsId).state.size).toBe(0);
  });

  it('waits for confirmation, applies, and finds no changes the second time', async () => {
    const { wsId, cvId } = await setup();
    const run = await createRun(emu, wsId, cvId);
    const paused = await waitForStatus(emu, run.id, ['planned', 'errored']);
    expect(paused.data.attributes.actions).toMatchObject({
      'is-confirmable': true,
      'is-discardable': true
    });
    expect((await api(emu, `/runs/${run.id}/actions/discard`, { method: 'GET' })).status).toBe(405);
    const apply = await api(emu, `/runs/${run.id}/actions/apply`, post({ comment: 'go' }));
    expect(apply.status).toBe(202);
    expect(await apply.text()).toBe('');
    const applied = await waitForStatus(emu, run.id, ['applied', 'errored']);
    expect(applied.data.attributes.status).toBe('applied');
    expect(statusesSeen(applied)).toEqual(
      expect.arrayContaining([
        'planned-at',
        'confirmed-at',
        'apply-queued-at',
        'applying-at',
        'applied-at'
      ])
    );
    expect(included(applied, 'applies').attributes).toMatchObject({
      status: 'finished',
      'resource-additions': 2
    });
    expect((await api(emu, `/runs/${run.id}/actions/apply`, post({}))).status).toBe(409);
    expect(emu.actionNames(run.id)).toEqual(['apply', 'apply']);
    expect([...emu.workspace(wsId).state.keys()].sort()).toEqual(['aws_subnet.a', 'aws_vpc.main']);

    const second = await createRun(emu, wsId, cvId);
    const done = await waitForStatus(emu, second.id, [
      'planned_and_finished',
      'planned',
      'errored'
    ]);
    expect(done.data.attributes.status).toBe('planned_and_finished');
    expect(done.data.attributes['has-changes']).toBe(false);
    expect(included(done, 'plans').attributes['resource-additions']).toBe(0);
  });

  it('applies by itself with auto-apply (workspace default or run attribute)', async () => {
    const { wsId, cvId } = await setup({ autoApply: true });
    const run = await createRun(emu, wsId, cvId);
    expect(run.attributes['auto-apply']).toBe(true);
    const done = await waitForStatus(emu, run.id, ['applied', 'errored']);
    expect(done.data.attributes.status).toBe('applied');
    expect(emu.actionNames(run.id)).toEqual([]);

    const other = await setup();
    const explicit = await createRun(emu, other.wsId, other.cvId, { 'auto-apply': true });
    expect(
      (await waitForStatus(emu, explicit.id, ['applied', 'errored'])).data.attributes.status
    ).toBe('applied');
  });

  it('derives updates, deletes, replaces, targets, destroys and imports from the archive', async () => {
    const { wsId } = await setup(
      { state: ['aws_vpc.main', 'aws_instance.old'] },
      { 'main.tf': MAIN_TF }
    );
    const cv = emu.configurationVersions.at(-1);
    const run = await createRun(emu, wsId, cv?.id ?? '', { 'replace-addrs': ['aws_vpc.main'] });
    const planned = await waitForStatus(emu, run.id, ['planned']);
    expect(included(planned, 'plans').attributes).toMatchObject({
      'resource-additions': 2,
      'resource-changes': 0,
      'resource-destructions': 2
    });
    expect(planned.data.attributes['replace-addrs']).toEqual(['aws_vpc.main']);
    emu.discardRun(run.id);

    const targeted = await createRun(emu, wsId, cv?.id ?? '', { 'target-addrs': ['aws_vpc.main'] });
    const t = await waitForStatus(emu, targeted.id, ['planned']);
    expect(included(t, 'plans').attributes).toMatchObject({
      'resource-changes': 1,
      'resource-additions': 0
    });
    await api(emu, `/runs/${targeted.id}/actions/discard`, post({}));

    const destroy = await createRun(emu, wsId, cv?.id ?? '', { 'is-destroy': true });
    const d = await waitForStatus(emu, destroy.id, ['planned']);
    expect(included(d, 'plans').attributes).toMatchObject({
      'resource-destructions': 2,
      'resource-additions': 0
    });
    await api(emu, `/runs/${destroy.id}/actions/apply`, post({}));
    await waitForStatus(emu, destroy.id, ['applied']);
    expect(emu.workspace(wsId).state.size).toBe(0);

    const imports = await setup(
      { workingDirectory: 'infra' },
      {
        'infra/main.tf':
          'resource "aws_s3_bucket" "logs" {\n}\nimport {\n  to = aws_s3_bucket.logs\n  id = "logs"\n}\n',
        'main.tf': MAIN_TF
      }
    );
    const imp = await createRun(emu, imports.wsId, imports.cvId, { 'plan-only': true });
    const i = await waitForStatus(emu, imp.id, ['planned_and_finished']);
    expect(included(i, 'plans').attributes).toMatchObject({
      'resource-imports': 1,
      'resource-additions': 0
    });
  });

  it('ends errored on a plan error and on an apply error', async () => {
    const { wsId, cvId } = await setup();
    emu.setScenario(wsId, { planError: true });
    const bad = await createRun(emu, wsId, cvId);
    const errored = await waitForStatus(emu, bad.id, ['errored', 'planned']);
    expect(errored.data.attributes.status).toBe('errored');
    expect(included(errored, 'plans').attributes.status).toBe('errored');
    expect(included(errored, 'applies').attributes.status).toBe('unreachable');

    emu.setScenario(wsId, { applyError: true });
    const run = await createRun(emu, wsId, cvId, { 'auto-apply': true });
    const failed = await waitForStatus(emu, run.id, ['errored', 'applied']);
    expect(failed.data.attributes.status).toBe('errored');
    expect(included(failed, 'plans').attributes.status).toBe('finished');
    expect(included(failed, 'applies').attributes.status).toBe('errored');
    expect(emu.workspace(wsId).state.size).toBe(0);
  });

  it('waits in policy_override on a soft policy failure until overridden', async () => {
    const { wsId, cvId } = await setup();
    emu.setScenario(wsId, { policySoftFail: true });
    const run = await createRun(emu, wsId, cvId);
    const waiting = await waitForStatus(emu, run.id, ['policy_override', 'errored']);
    expect(waiting.data.attributes.actions).toMatchObject({
      'is-confirmable': false,
      'is-discardable': true
    });
    expect((await api(emu, `/runs/${run.id}/actions/apply`, post({}))).status).toBe(409);
    const checks = await apiJson<ListDoc>(emu, `/runs/${run.id}/policy-checks`);
    expect(checks.data[0].attributes).toMatchObject({
      status: 'soft_failed',
      actions: { 'is-overridable': true },
      result: { 'soft-failed': 1, result: false }
    });
    const output = await api(emu, `/policy-checks/${checks.data[0].id}/output`);
    expect(output.status).toBe(307);
    const sentinel = await (await fetch(output.headers.get('location') ?? '')).text();
    expect(sentinel).toContain('Sentinel Result: false');
    const override = await api(emu, `/policy-checks/${checks.data[0].id}/actions/override`, {
      method: 'POST'
    });
    expect(override.status).toBe(200);
    const checked = await waitForStatus(emu, run.id, ['policy_checked']);
    expect(checked.data.attributes.actions).toMatchObject({ 'is-confirmable': true });

    const spec = await setup({}, { 'main.tf': MAIN_TF }, true);
    emu.setScenario(spec.wsId, { policySoftFail: true });
    const plan = await createRun(emu, spec.wsId, spec.cvId);
    const soft = await waitForStatus(emu, plan.id, ['policy_soft_failed', 'planned_and_finished']);
    expect(soft.data.attributes.status).toBe('policy_soft_failed');
  });

  it('adds a cost estimation stage', async () => {
    const { wsId, cvId } = await setup();
    emu.setScenario(wsId, { costEstimate: { prior: 10, proposed: 25.5 } });
    const run = await createRun(emu, wsId, cvId);
    // `planned` is passed through on the way to the cost stage.
    const doc = await waitForStatus(emu, run.id, ['cost_estimated', 'errored']);
    expect(doc.data.attributes.status).toBe('cost_estimated');
    expect(doc.data.attributes.actions).toMatchObject({ 'is-confirmable': true });
    expect(statusesSeen(doc)).toContain('cost-estimating-at');
    const withCe = await apiJson<Doc>(emu, `/runs/${run.id}?include=cost_estimate`);
    expect(included(withCe, 'cost-estimates').attributes).toMatchObject({
      status: 'finished',
      'prior-monthly-cost': '10.000',
      'proposed-monthly-cost': '25.500',
      'delta-monthly-cost': '15.500'
    });
    const ceId = (doc.data.relationships?.['cost-estimate'].data as { id: string }).id;
    expect((await apiJson<Doc>(emu, `/cost-estimates/${ceId}`)).data.attributes.status).toBe(
      'finished'
    );
  });

  it('holds a run in a status until released', async () => {
    const { wsId, cvId } = await setup({ autoApply: true });
    emu.setScenario(wsId, { holdStatus: 'planning' });
    const run = await createRun(emu, wsId, cvId);
    await waitForStatus(emu, run.id, ['planning']);
    // Many steps pass; the run stays where it is held.
    for (let i = 0; i < 15; i++) {
      expect((await getRun(emu, run.id)).data.attributes.status).toBe('planning');
      await sleep(5);
    }
    emu.release(run.id);
    expect((await waitForStatus(emu, run.id, ['applied', 'errored'])).data.attributes.status).toBe(
      'applied'
    );
  });

  it('cancels a running run and discards a paused one', async () => {
    const { wsId, cvId } = await setup();
    emu.setScenario(wsId, { holdStatus: 'planning' });
    const run = await createRun(emu, wsId, cvId);
    await waitForStatus(emu, run.id, ['planning']);
    expect((await api(emu, `/runs/${run.id}/actions/cancel`, post({}))).status).toBe(202);
    const canceled = await waitForStatus(emu, run.id, ['canceled']);
    expect(included(canceled, 'plans').attributes.status).toBe('canceled');
    expect(included(canceled, 'applies').attributes.status).toBe('unreachable');
    expect((await api(emu, `/runs/${run.id}/actions/cancel`, post({}))).status).toBe(409);

    emu.setScenario(wsId, {});
    const second = await createRun(emu, wsId, cvId);
    await waitForStatus(emu, second.id, ['planned']);
    expect((await api(emu, `/runs/${second.id}/actions/cancel`, post({}))).status).toBe(409);
    expect((await api(emu, `/runs/${second.id}/actions/discard`, post({}))).status).toBe(202);
    const discarded = await getRun(emu, second.id);
    expect(discarded.data.attributes.status).toBe('discarded');
    expect(included(discarded, 'applies').attributes.status).toBe('unreachable');
    expect(emu.actionNames(second.id)).toEqual(['cancel', 'discard']);
  });

  it('queues runs per workspace and keeps them pending while manually locked', async () => {
    const { wsId, cvId } = await setup({ locked: true });
    const first = await createRun(emu, wsId, cvId);
    const spec = await createRun(emu, wsId, cvId, {
      'plan-only': true,
      'terraform-version': '1.10.0'
    });
    // The plan-only run ignores the lock and the queue.
    const specDone = await waitForStatus(emu, spec.id, ['planned_and_finished']);
    expect(specDone.data.attributes['terraform-version']).toBe('1.10.0');
    expect((await getRun(emu, first.id)).data.attributes.status).toBe('pending');
    await api(emu, `/workspaces/${wsId}/actions/unlock`, { method: 'POST' });
    await waitForStatus(emu, first.id, ['planned']);
    const second = await createRun(emu, wsId, cvId);
    await waitFor(
      async () => Promise.resolve(emu.getRun(second.id).ticks > 3 ? true : undefined),
      'some steps'
    );
    const queued = await getRun(emu, second.id);
    expect(queued.data.attributes.status).toBe('pending');
    expect(queued.data.attributes['position-in-queue']).toBe(1);
    await api(emu, `/runs/${first.id}/actions/discard`, post({}));
    await waitForStatus(emu, second.id, ['planned']);
  });

  it('validates run attributes', async () => {
    const { wsId, cvId } = await setup();
    const cases: [Record<string, unknown>, string][] = [
      [{ 'terraform-version': '1.10.0' }, '/data/attributes/terraform-version'],
      [{ 'is-destroy': true, 'refresh-only': true }, '/data/attributes/refresh-only'],
      [{ 'target-addrs': 'aws_vpc.main' }, '/data/attributes/target-addrs'],
      [{ variables: [{ key: 'a', value: 1 }] }, '/data/attributes/variables']
    ];
    for (const [attributes, pointer] of cases) {
      const res = await api(emu, '/runs', post(runBody(wsId, cvId, attributes)));
      expect(res.status).toBe(422);
      const body = (await res.json()) as { errors: { source: { pointer: string } }[] };
      expect(body.errors[0].source.pointer).toBe(pointer);
    }
    const echoed = await createRun(emu, wsId, cvId, {
      variables: [{ key: 'replicas', value: '2' }],
      'target-addrs': ['aws_vpc.main'],
      'save-plan': true,
      refresh: false
    });
    expect(echoed.attributes).toMatchObject({
      variables: [{ key: 'replicas', value: '2' }],
      'target-addrs': ['aws_vpc.main'],
      'replace-addrs': null,
      'save-plan': true,
      refresh: false
    });
    const saved = await waitForStatus(emu, echoed.id, ['planned_and_saved']);
    expect(saved.data.attributes.actions).toMatchObject({ 'is-confirmable': true });
    expect(emu.runs.filter(r => r.workspaceId === wsId)).toHaveLength(1);
  });

  it('lists runs newest first without plan-only runs unless asked, and searches messages', async () => {
    const { wsId, cvId } = await setup();
    const a = await createRun(emu, wsId, cvId, { message: 'apply run token-abc' });
    const b = await createRun(emu, wsId, cvId, { message: 'plan token-def', 'plan-only': true });
    const c = await createRun(emu, wsId, cvId, { message: 'later run' });
    const ids = (doc: ListDoc) => doc.data.map(r => r.id);
    expect(ids(await apiJson<ListDoc>(emu, `/workspaces/${wsId}/runs`))).toEqual([c.id, a.id]);
    const all = await apiJson<ListDoc>(
      emu,
      `/workspaces/${wsId}/runs?filter%5Boperation%5D=plan_only,plan_and_apply`
    );
    expect(ids(all)).toEqual([c.id, b.id, a.id]);
    expect(
      ids(await apiJson<ListDoc>(emu, `/workspaces/${wsId}/runs?search%5Bbasic%5D=token-abc`))
    ).toEqual([a.id]);
    const page = await apiJson<ListDoc>(
      emu,
      `/workspaces/${wsId}/runs?page%5Bsize%5D=1&page%5Bnumber%5D=2`
    );
    expect(ids(page)).toEqual([a.id]);
    expect(page.meta?.pagination).toMatchObject({
      'total-count': 2,
      'total-pages': 2,
      'current-page': 2
    });
  });

  it('serves state outputs with sensitive values nulled, and 404 before any apply', async () => {
    const { wsId, cvId } = await setup({ autoApply: true });
    expect((await api(emu, `/workspaces/${wsId}/current-state-version-outputs`)).status).toBe(404);
    const run = await createRun(emu, wsId, cvId);
    await waitForStatus(emu, run.id, ['applied']);
    const outputs = await apiJson<ListDoc>(
      emu,
      `/workspaces/${wsId}/current-state-version-outputs`
    );
    const byName: Record<string, Record<string, unknown>> = Object.fromEntries(
      outputs.data.map(o => [o.attributes.name as string, o.attributes])
    );
    expect(byName.vpc_name).toMatchObject({ value: 'main', sensitive: false, type: 'string' });
    expect(byName.secret).toMatchObject({ value: null, sensitive: true });
  });
});

describe('emulator run details', () => {
  let emu: Emulator;

  useEmulatorServer({ stepMs: 5 }, started => (emu = started));

  it('force-cancels after a cancel request and reflects workspace permissions', async () => {
    const ws = emu.addWorkspace({ name: 'force', permissions: { 'can-queue-apply': false } });
    const cv = await uploadConfig(emu, ws.id, { files: { 'main.tf': MAIN_TF } });
    expect((await api(emu, '/runs', post(runBody(ws.id, cv.id)))).status).toBe(403);
    emu.setScenario(ws.id, { holdStatus: 'planning', ignoreCancel: true });
    const run = await createRun(emu, ws.id, cv.id, { 'plan-only': true });
    expect(run.attributes.permissions).toMatchObject({ 'can-apply': false, 'can-cancel': true });
    await waitForStatus(emu, run.id, ['planning']);
    expect((await api(emu, `/runs/${run.id}/actions/force-cancel`, post({}))).status).toBe(409);
    emu.cancelRun(run.id);
    const stuck = await getRun(emu, run.id);
    expect(stuck.data.attributes.status).toBe('planning');
    expect(stuck.data.attributes.actions).toMatchObject({
      'is-cancelable': false,
      'is-force-cancelable': true
    });
    expect((await api(emu, `/runs/${run.id}/actions/force-cancel`, post({}))).status).toBe(202);
    const doc = await getRun(emu, run.id);
    expect(doc.data.attributes.status).toBe('force_canceled');
    expect(included(doc, 'plans').attributes.status).toBe('canceled');
  });

  it('runs passing policy checks and skips cost estimates for targeted runs', async () => {
    const ws = emu.addWorkspace({ name: 'checks' });
    const cv = await uploadConfig(emu, ws.id, { files: { 'main.tf': MAIN_TF } });
    emu.setScenario(ws.id, { policyPass: true, costEstimate: true });
    const run = await createRun(emu, ws.id, cv.id, {
      'plan-only': true,
      'target-addrs': ['aws_vpc.main']
    });
    const done = await waitForStatus(emu, run.id, [
      'planned_and_finished',
      'errored',
      'policy_soft_failed'
    ]);
    expect(done.data.attributes.status).toBe('planned_and_finished');
    expect(statusesSeen(done)).toEqual(
      expect.arrayContaining([
        'cost-estimating-at',
        'cost-estimated-at',
        'policy-checking-at',
        'policy-checked-at'
      ])
    );
    const withIncludes = await apiJson<Doc>(
      emu,
      `/runs/${run.id}?include=cost_estimate,workspace,policy_checks`
    );
    expect(included(withIncludes, 'cost-estimates').attributes.status).toBe(
      'skipped_due_to_targeting'
    );
    expect(included(withIncludes, 'policy-checks').attributes.status).toBe('passed');
    expect(included(withIncludes, 'workspaces').id).toBe(ws.id);
    expect((await api(emu, `/runs/${run.id}?include=bogus`)).status).toBe(400);
    const viaRun = await apiJson<Doc>(emu, `/runs/${run.id}/plan`);
    expect(viaRun.data.id).toBe((done.data.relationships?.plan.data as { id: string }).id);
    const stages = await apiJson<ListDoc>(emu, `/runs/${run.id}/task-stages`);
    expect(stages.data).toEqual([]);
    expect((await api(emu, `/runs/${run.id}/actions/apply`, post({}))).status).toBe(409);
    expect((await api(emu, `/runs/${run.id}/actions/bogus`, post({}))).status).toBe(404);
  });
});
