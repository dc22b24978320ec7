import { describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import {
  api,
  apiJson,
  createRun,
  getRun,
  included,
  MAIN_TF,
  post,
  statusesSeen,
  uploadConfig,
  waitForStatus,
  type Doc,
  type ListDoc,
  type Resource,
  scenarioRun,
  useEmulatorServer
} from './helpers.js';

type Scenario = Parameters<Emulator['setScenario']>[1];
type StageSpec = NonNullable<Scenario['taskStages']>[number];

interface StageList {
  data: Resource[];
  included?: Resource[];
}

/** The first included resource of `type` next to a list of stages. */
function includedIn(list: StageList, type: string): Resource {
  const found = list.included?.find(r => r.type === type);
  if (!found) throw new Error(`no included ${type}`);
  return found;
}

const FINAL = [
  'applied',
  'errored',
  'planned_and_finished',
  'policy_soft_failed',
  'post_plan_completed',
  'post_plan_awaiting_decision',
  'policy_override',
  'discarded',
  'canceled'
];

/** A post-plan stage with one OPA evaluation of one policy set. */
function opaStage(
  outcome: { level: 'advisory' | 'mandatory'; status: 'passed' | 'failed' | 'errored' },
  overridable: boolean
): StageSpec {
  return {
    stage: 'post_plan',
    policyEvaluations: [
      {
        kind: 'opa',
        policySets: [
          {
            name: 'opa-core',
            overridable,
            outcomes: [
              { name: 'always-ok', level: 'mandatory', status: 'passed' },
              { name: 'no-public-ips', ...outcome, description: 'no public IPs' }
            ]
          }
        ]
      }
    ]
  };
}

describe('emulator task stages', () => {
  let emu: Emulator;
  let counter = 0;

  useEmulatorServer({ stepMs: 5 }, started => (emu = started));

  const run = (scenario: Scenario, attributes: Record<string, unknown> = {}) =>
    scenarioRun(emu, `tasks-${++counter}`, scenario, attributes);

  const stagesOf = (runId: string) =>
    apiJson<StageList>(emu, `/runs/${runId}/task-stages?include=task_results,policy_evaluations`);

  /** The status keys of a run in the order it reached them, limited to `keys`. */
  function order(doc: Doc, keys: string[]): string[] {
    return statusesSeen(doc).filter(k => keys.includes(k));
  }

  it('runs a post-plan stage that passes with advisory failures, then waits to be confirmed', async () => {
    const r = await run({
      taskStages: [
        {
          ...opaStage({ level: 'advisory', status: 'failed' }, false),
          tasks: [
            {
              name: 'scanner',
              level: 'mandatory',
              status: 'passed',
              message: 'clean',
              url: 'https://scan.test/1'
            },
            { name: 'linter', level: 'advisory', status: 'failed', message: '3 warnings' }
          ]
        }
      ]
    });
    const doc = await waitForStatus(emu, r.id, FINAL);
    expect(doc.data.attributes.status).toBe('post_plan_completed');
    expect(doc.data.attributes.actions).toMatchObject({
      'is-confirmable': true,
      'is-discardable': true
    });
    expect(order(doc, ['planned-at', 'post-plan-running-at', 'post-plan-completed-at'])).toEqual([
      'planned-at',
      'post-plan-running-at',
      'post-plan-completed-at'
    ]);

    const stages = await stagesOf(r.id);
    expect(stages.data).toHaveLength(1);
    const stage = stages.data[0];
    expect(stage.id).toMatch(/^ts-/);
    expect(doc.data.relationships?.['task-stages'].data).toEqual([
      { id: stage.id, type: 'task-stages' }
    ]);
    expect(stage.attributes).toMatchObject({
      stage: 'post_plan',
      status: 'passed',
      actions: { 'is-overridable': false }
    });
    expect(Object.keys(stage.attributes['status-timestamps'] as object)).toEqual([
      'running-at',
      'passed-at'
    ]);
    const results = stages.included?.filter(i => i.type === 'task-results') ?? [];
    expect(results.map(t => t.attributes)).toEqual([
      expect.objectContaining({
        'task-name': 'scanner',
        status: 'passed',
        message: 'clean',
        url: 'https://scan.test/1',
        stage: 'post_plan',
        'is-speculative': false,
        'workspace-task-enforcement-level': 'mandatory'
      }),
      expect.objectContaining({
        'task-name': 'linter',
        status: 'failed',
        'workspace-task-enforcement-level': 'advisory'
      })
    ]);
    const shown = await apiJson<Doc>(emu, `/task-results/${results[1].id}`);
    expect(shown.data.relationships?.['task-stage'].data).toEqual({
      id: stage.id,
      type: 'task-stages'
    });

    const evaluation = includedIn(stages, 'policy-evaluations');
    expect(evaluation.attributes).toMatchObject({
      status: 'passed',
      'policy-kind': 'opa',
      'result-count': { passed: 1, 'advisory-failed': 1, 'mandatory-failed': 0, errored: 0 }
    });
    const sets = await apiJson<ListDoc>(
      emu,
      `/policy-evaluations/${evaluation.id}/policy-set-outcomes`
    );
    expect(sets.data[0].attributes).toMatchObject({
      'policy-set-name': 'opa-core',
      overridable: false,
      outcomes: [
        expect.objectContaining({
          policy_name: 'always-ok',
          enforcement_level: 'mandatory',
          status: 'passed'
        }),
        expect.objectContaining({
          policy_name: 'no-public-ips',
          enforcement_level: 'advisory',
          status: 'failed',
          description: 'no public IPs'
        })
      ]
    });
    const viaStage = await apiJson<ListDoc>(emu, `/task-stages/${stage.id}/policy-evaluations`);
    expect(viaStage.data.map(e => e.id)).toEqual([evaluation.id]);
    const withStages = await apiJson<Doc>(emu, `/runs/${r.id}?include=task_stages`);
    expect(included(withStages, 'task-stages').id).toBe(stage.id);

    expect((await api(emu, `/runs/${r.id}/actions/apply`, post({}))).status).toBe(202);
    await waitForStatus(emu, r.id, ['applied']);
  });

  it('errors the run on a mandatory task failure that cannot be overridden', async () => {
    const r = await run({
      taskStages: [
        {
          stage: 'post_plan',
          tasks: [{ name: 'scanner', level: 'mandatory', status: 'failed', message: '1 critical' }]
        }
      ]
    });
    const doc = await waitForStatus(emu, r.id, FINAL);
    expect(doc.data.attributes.status).toBe('errored');
    expect(included(doc, 'applies').attributes.status).toBe('unreachable');
    const stages = await stagesOf(r.id);
    expect(stages.data[0].attributes.status).toBe('failed');
    expect(includedIn(stages, 'task-results').attributes).toMatchObject({
      status: 'failed',
      message: '1 critical'
    });

    const crashed = await run({
      taskStages: [
        { stage: 'post_plan', tasks: [{ name: 'down', level: 'mandatory', status: 'errored' }] }
      ]
    });
    await waitForStatus(emu, crashed.id, ['errored']);
    expect((await stagesOf(crashed.id)).data[0].attributes.status).toBe('errored');
  });

  it('waits in post_plan_awaiting_decision on an overridable task failure until overridden', async () => {
    const r = await run({
      taskStages: [
        {
          stage: 'post_plan',
          overridable: true,
          tasks: [{ name: 'scanner', level: 'mandatory', status: 'failed' }]
        }
      ]
    });
    const waiting = await waitForStatus(emu, r.id, FINAL);
    expect(waiting.data.attributes.status).toBe('post_plan_awaiting_decision');
    expect(waiting.data.attributes.actions).toMatchObject({
      'is-confirmable': false,
      'is-discardable': true
    });
    const stage = (await stagesOf(r.id)).data[0];
    expect(stage.attributes).toMatchObject({
      status: 'awaiting_override',
      actions: { 'is-overridable': true }
    });
    expect((await api(emu, `/runs/${r.id}/actions/apply`, post({}))).status).toBe(409);
    const overridden = await api(
      emu,
      `/task-stages/${stage.id}/actions/override`,
      post({ comment: 'ok' })
    );
    expect(overridden.status).toBe(200);
    expect(((await overridden.json()) as Doc).data.attributes.status).toBe('running');
    const done = await waitForStatus(emu, r.id, ['post_plan_completed']);
    expect(done.data.attributes.actions).toMatchObject({ 'is-confirmable': true });
    const after = await apiJson<Doc>(emu, `/task-stages/${stage.id}`);
    expect(after.data.attributes.status).toBe('passed');
    expect(Object.keys(after.data.attributes['status-timestamps'] as object)).toContain(
      'awaiting-override-at'
    );
    expect((await api(emu, `/task-stages/${stage.id}/actions/override`, post({}))).status).toBe(
      409
    );
  });

  it('waits in policy_override on an overridable OPA failure; overrideTaskStage lets it go on', async () => {
    const r = await run({ taskStages: [opaStage({ level: 'mandatory', status: 'failed' }, true)] });
    const waiting = await waitForStatus(emu, r.id, FINAL);
    expect(waiting.data.attributes.status).toBe('policy_override');
    const evaluation = includedIn(await stagesOf(r.id), 'policy-evaluations');
    expect(evaluation.attributes).toMatchObject({
      status: 'failed',
      'result-count': { passed: 1, 'mandatory-failed': 1 }
    });
    expect(() => emu.overrideTaskStage('run-unknown')).toThrow();
    emu.overrideTaskStage(r.id);
    await waitForStatus(emu, r.id, ['post_plan_completed']);
    const after = await apiJson<Doc>(emu, `/policy-evaluations/${evaluation.id}`);
    expect(after.data.attributes.status).toBe('overridden');

    // overridePolicy(runId) works for evaluations as for Sentinel checks.
    const again = await run({
      taskStages: [opaStage({ level: 'mandatory', status: 'failed' }, true)]
    });
    await waitForStatus(emu, again.id, ['policy_override']);
    emu.overridePolicy(again.id);
    await waitForStatus(emu, again.id, ['post_plan_completed']);
  });

  it('errors on a mandatory OPA failure that cannot be overridden; a plan-only run soft-fails', async () => {
    const hard = await run({
      taskStages: [opaStage({ level: 'mandatory', status: 'failed' }, false)]
    });
    const doc = await waitForStatus(emu, hard.id, FINAL);
    expect(doc.data.attributes.status).toBe('errored');
    expect((await stagesOf(hard.id)).data[0].attributes.status).toBe('failed');

    const broken = await run({
      taskStages: [opaStage({ level: 'advisory', status: 'errored' }, true)]
    });
    await waitForStatus(emu, broken.id, ['errored']);
    const stages = await stagesOf(broken.id);
    expect(stages.data[0].attributes.status).toBe('errored');
    expect(includedIn(stages, 'policy-evaluations').attributes).toMatchObject({
      status: 'errored',
      'result-count': { errored: 1 }
    });

    const plan = await run(
      { taskStages: [opaStage({ level: 'mandatory', status: 'failed' }, true)] },
      { 'plan-only': true }
    );
    const soft = await waitForStatus(emu, plan.id, FINAL);
    expect(soft.data.attributes.status).toBe('policy_soft_failed');
    expect((await stagesOf(plan.id)).data[0].attributes.status).toBe('failed');
  });

  it('runs pre-plan, post-plan, pre-apply and post-apply stages in order', async () => {
    const stage = (name: StageSpec['stage']): StageSpec => ({
      stage: name,
      tasks: [
        {
          name: `${name}-task`,
          level: name === 'post_apply' ? 'mandatory' : 'advisory',
          status: name === 'post_apply' ? 'failed' : 'passed'
        }
      ]
    });
    // Given out of order: stages run in run order all the same.
    const r = await run(
      {
        taskStages: [stage('post_apply'), stage('pre_apply'), stage('post_plan'), stage('pre_plan')]
      },
      { 'auto-apply': true }
    );
    const doc = await waitForStatus(emu, r.id, ['applied', 'errored']);
    // A post-apply failure never fails the run.
    expect(doc.data.attributes.status).toBe('applied');
    // Every stage in its place: the statuses were reached in exactly this order.
    const lifecycle = [
      'pre-plan-running-at',
      'pre-plan-completed-at',
      'plan-queued-at',
      'planned-at',
      'post-plan-running-at',
      'post-plan-completed-at',
      'confirmed-at',
      'pre-apply-running-at',
      'pre-apply-completed-at',
      'apply-queued-at',
      'post-apply-running-at',
      'post-apply-completed-at',
      'applied-at'
    ];
    expect(order(doc, lifecycle)).toEqual(lifecycle);
    const stages = await stagesOf(r.id);
    expect(stages.data.map(s => [s.attributes.stage, s.attributes.status])).toEqual([
      ['pre_plan', 'passed'],
      ['post_plan', 'passed'],
      ['pre_apply', 'passed'],
      ['post_apply', 'failed']
    ]);
  });

  it('errors before planning on a pre-plan failure', async () => {
    const r = await run({
      taskStages: [
        { stage: 'pre_plan', tasks: [{ name: 'gate', level: 'mandatory', status: 'failed' }] }
      ]
    });
    const doc = await waitForStatus(emu, r.id, FINAL);
    expect(doc.data.attributes.status).toBe('errored');
    expect(included(doc, 'plans').attributes.status).toBe('unreachable');
    expect(statusesSeen(doc)).not.toContain('planning-at');
  });

  it('ends stages with a canceled or discarded run', async () => {
    const spec: StageSpec = {
      stage: 'post_plan',
      tasks: [{ name: 'slow', level: 'mandatory' }],
      policyEvaluations: [{ policySets: [{ name: 's', outcomes: [{ name: 'p' }] }] }]
    };
    const r = await run({
      taskStages: [spec, { stage: 'post_apply' }],
      holdStatus: 'post_plan_running'
    });
    const held = await waitForStatus(emu, r.id, ['post_plan_running']);
    expect(held.data.attributes.actions).toMatchObject({ 'is-cancelable': true });
    expect((await api(emu, `/runs/${r.id}/actions/cancel`, post({}))).status).toBe(202);
    await waitForStatus(emu, r.id, ['canceled']);
    const stages = await stagesOf(r.id);
    expect(stages.data.map(s => s.attributes.status)).toEqual(['canceled', 'unreachable']);
    expect(stages.included?.map(i => [i.type, i.attributes.status])).toEqual([
      ['task-results', 'canceled'],
      ['policy-evaluations', 'canceled']
    ]);

    const waiting = await run({
      taskStages: [
        {
          stage: 'post_plan',
          overridable: true,
          tasks: [{ name: 't', level: 'mandatory', status: 'failed' }]
        }
      ]
    });
    await waitForStatus(emu, waiting.id, ['post_plan_awaiting_decision']);
    expect((await api(emu, `/runs/${waiting.id}/actions/discard`, post({}))).status).toBe(202);
    await waitForStatus(emu, waiting.id, ['discarded']);
    expect((await stagesOf(waiting.id)).data[0].attributes.status).toBe('unreachable');
  });

  it('filters policy set outcomes and carries hostile strings unchanged', async () => {
    const hostile = '::error::x\u202e<script>`|` [link](javascript:alert(1))';
    const r = await run({
      taskStages: [
        {
          stage: 'post_plan',
          tasks: [
            { name: hostile, message: hostile, url: `javascript:${hostile}`, status: 'failed' }
          ],
          policyEvaluations: [
            {
              kind: 'sentinel',
              policySets: [
                { name: 'clean', outcomes: [{ name: 'fine', level: 'mandatory' }] },
                {
                  name: hostile,
                  description: hostile,
                  outcomes: [
                    { name: hostile, level: 'advisory', status: 'failed', description: hostile }
                  ]
                },
                { name: 'broken', error: hostile, outcomes: [{ name: 'e', status: 'errored' }] }
              ]
            }
          ]
        }
      ]
    });
    await waitForStatus(emu, r.id, ['errored']);
    const stages = await stagesOf(r.id);
    expect(includedIn(stages, 'task-results').attributes).toMatchObject({
      'task-name': hostile,
      message: hostile,
      url: `javascript:${hostile}`
    });
    const evaluation = includedIn(stages, 'policy-evaluations');
    expect(evaluation.attributes['policy-kind']).toBe('sentinel');
    const base = `/policy-evaluations/${evaluation.id}/policy-set-outcomes`;
    const names = async (query: string) =>
      (await apiJson<ListDoc>(emu, `${base}${query}`)).data.map(
        s => s.attributes['policy-set-name']
      );
    expect(await names('')).toEqual(['clean', hostile, 'broken']);
    expect(await names('?filter%5B0%5D%5Bstatus%5D=failed')).toEqual([hostile]);
    expect(
      await names('?filter%5B0%5D%5Bstatus%5D=failed&filter%5B0%5D%5BenforcementLevel%5D=mandatory')
    ).toEqual([]);
    expect(
      await names('?filter%5B0%5D%5Bstatus%5D=errored&filter%5B1%5D%5Bstatus%5D=passed')
    ).toEqual(['clean', 'broken']);
    const hostileSet = (await apiJson<ListDoc>(emu, base)).data[1];
    expect(hostileSet.attributes).toMatchObject({
      'policy-set-description': hostile,
      outcomes: [expect.objectContaining({ policy_name: hostile, description: hostile })]
    });
    const broken = await apiJson<Doc>(
      emu,
      `/policy-set-outcomes/${(await apiJson<ListDoc>(emu, base)).data[2].id}`
    );
    expect(broken.data.attributes.error).toBe(hostile);
  });

  it('refuses a scenario with an unknown or repeated stage', () => {
    const ws = emu.addWorkspace({ name: `tasks-${++counter}` });
    const bad = [{ stage: 'mid_plan' }] as unknown as StageSpec[];
    expect(() => emu.setScenario(ws.id, { taskStages: bad })).toThrow(/mid_plan/);
    expect(() =>
      emu.setScenario(ws.id, { taskStages: [{ stage: 'pre_plan' }, { stage: 'pre_plan' }] })
    ).toThrow(/pre_plan/);
  });

  it('answers 400 for an unknown include and 404 for unknown records', async () => {
    const r = await run({ taskStages: [{ stage: 'post_plan' }] }, { 'plan-only': true });
    await waitForStatus(emu, r.id, ['planned_and_finished']);
    expect((await api(emu, `/runs/${r.id}/task-stages?include=bogus`)).status).toBe(400);
    const stage = (await stagesOf(r.id)).data[0];
    const withRun = await apiJson<Doc>(emu, `/task-stages/${stage.id}?include=run`);
    expect(included(withRun, 'runs').id).toBe(r.id);
    for (const path of [
      '/task-stages/ts-none',
      '/task-results/taskrs-none',
      '/policy-evaluations/poleval-none',
      '/policy-evaluations/poleval-none/policy-set-outcomes',
      '/policy-set-outcomes/psout-none',
      '/task-stages/ts-none/policy-evaluations',
      '/runs/run-none/task-stages'
    ]) {
      expect((await api(emu, path)).status).toBe(404);
    }
    expect((await getRun(emu, r.id)).data.attributes.status).toBe('planned_and_finished');
  });
});

describe('emulator task stages in the OTF flavor', () => {
  it('has no task stages, policy checks or their endpoints', async () => {
    const emu = await startEmulator({ stepMs: 5, flavor: 'otf' });
    try {
      const ws = emu.addWorkspace({ name: 'otf-tasks' });
      emu.setScenario(ws.id, {
        policySoftFail: true,
        taskStages: [
          { stage: 'post_plan', tasks: [{ name: 't', level: 'mandatory', status: 'failed' }] }
        ]
      });
      const cv = await uploadConfig(emu, ws.id, { files: { 'main.tf': MAIN_TF } });
      const r = await createRun(emu, ws.id, cv.id, { 'plan-only': true });
      const doc = await waitForStatus(emu, r.id, [
        'planned_and_finished',
        'errored',
        'policy_soft_failed'
      ]);
      expect(doc.data.attributes.status).toBe('planned_and_finished');
      expect(doc.data.relationships?.['task-stages'].data).toEqual([]);
      expect((await api(emu, `/runs/${r.id}/task-stages`)).status).toBe(404);
      expect((await api(emu, '/task-stages/ts-x')).status).toBe(404);
      expect((await api(emu, '/task-results/taskrs-x')).status).toBe(404);
    } finally {
      await emu.close();
    }
  });
});
