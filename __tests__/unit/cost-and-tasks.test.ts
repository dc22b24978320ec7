/** The cost estimate's outputs and line, run-task rows, and who may override a waiting run. */
import { describe, expect, it } from '@jest/globals';
import { shouldReadOutputs } from '../../src/run-results/collect.js';
import { costFromResource, costLine, costOutputs } from '../../src/run-results/cost.js';
import { overrideWait, taskRows } from '../../src/run-results/tasks.js';
import type {
  CostEstimateAttributes,
  TaskResultAttributes,
  TaskStageAttributes
} from '../../src/tfe/result-types.js';
import type { Resource, RunAttributes } from '../../src/tfe/types.js';

const estimate = (attributes: CostEstimateAttributes) =>
  costFromResource({ id: 'ce-1', type: 'cost-estimates', attributes });

describe('cost estimate', () => {
  it('keeps the amounts as the API spelled them, only when they are decimals', () => {
    const cost = estimate({
      status: 'finished',
      'prior-monthly-cost': '25.488',
      'proposed-monthly-cost': 40,
      'delta-monthly-cost': '1e3',
      'resources-count': 3,
      'matched-resources-count': -1
    });
    expect(cost).toMatchObject({
      status: 'finished',
      prior: '25.488',
      proposed: '40',
      resources: 3
    });
    expect(cost.delta).toBeUndefined();
    expect(cost.matched).toBeUndefined();
    expect(costOutputs(cost)).toEqual({ prior: '25.488', proposed: '40', delta: undefined });
  });

  it('sets outputs only from a finished estimate', () => {
    for (const status of ['errored', 'pending', 'skipped_due_to_targeting']) {
      expect(costOutputs(estimate({ status, 'prior-monthly-cost': '1' }))).toEqual({});
    }
    expect(costOutputs(undefined)).toEqual({});
  });

  it('says prior, proposed and the change in one line', () => {
    const line = (prior: string, proposed: string, delta?: string) =>
      costLine(
        estimate({
          status: 'finished',
          'prior-monthly-cost': prior,
          'proposed-monthly-cost': proposed,
          'delta-monthly-cost': delta,
          'resources-count': 4,
          'matched-resources-count': 3
        })
      );
    expect(line('25.488', '1240.32', '1214.832')).toBe(
      '$25.49 → $1,240.32 a month (+$1,214.83). 3 of 4 resources estimated.'
    );
    expect(line('10', '7.5', '-2.5')).toBe(
      '$10.00 → $7.50 a month (-$2.50). 3 of 4 resources estimated.'
    );
    expect(line('10', '10', '0.000')).toBe(
      '$10.00 → $10.00 a month (no change). 3 of 4 resources estimated.'
    );
    // Without a delta the difference is computed.
    expect(line('1', '3')).toBe('$1.00 → $3.00 a month (+$2.00). 3 of 4 resources estimated.');
  });

  it('says errored or skipped in one line, and nothing for an estimate that never ran', () => {
    expect(costLine(estimate({ status: 'errored', 'error-message': 'no pricing' }))).toBe(
      'errored: no pricing'
    );
    expect(costLine(estimate({ status: 'errored' }))).toBe('errored.');
    expect(costLine(estimate({ status: 'skipped_due_to_targeting' }))).toMatch(/^skipped: /);
    expect(costLine(estimate({ status: 'finished' }))).toBe(
      'finished, but the server sent no amounts.'
    );
    for (const status of ['pending', 'queued', 'canceled', 'unreachable', 42]) {
      expect(costLine(estimate({ status }))).toBeUndefined();
    }
    expect(costLine(undefined)).toBeUndefined();
  });
});

function stage(
  id: string,
  attributes: TaskStageAttributes,
  results: string[]
): Resource<TaskStageAttributes> {
  return {
    id,
    type: 'task-stages',
    attributes,
    relationships: { 'task-results': { data: results.map(r => ({ id: r, type: 'task-results' })) } }
  };
}

describe('taskRows', () => {
  it('lists the results of every stage, failed ones first, and skips unknown IDs', () => {
    const results = new Map<string, Resource<TaskResultAttributes>>(
      (
        [
          ['r1', { 'task-name': 'lint', status: 'passed', url: 'https://x/1' }],
          [
            'r2',
            {
              'task-name': 'scan',
              status: 'failed',
              message: 'm',
              'workspace-task-enforcement-level': 'mandatory'
            }
          ],
          ['r3', { 'task-name': 'cost', status: 'errored', url: 'u'.repeat(3_000) }]
        ] as const
      ).map(([id, attributes]) => [id, { id, type: 'task-results', attributes }])
    );
    const rows = taskRows(
      [
        stage('ts-1', { stage: 'pre_plan' }, ['r1', 'missing']),
        stage('ts-2', { stage: 'post_plan' }, ['r2', 'r3'])
      ],
      results
    );
    expect(rows).toEqual([
      {
        stage: 'post_plan',
        name: 'scan',
        status: 'failed',
        enforcement: 'mandatory',
        message: 'm',
        url: undefined
      },
      {
        stage: 'post_plan',
        name: 'cost',
        status: 'errored',
        enforcement: undefined,
        message: undefined,
        url: undefined
      },
      {
        stage: 'pre_plan',
        name: 'lint',
        status: 'passed',
        enforcement: undefined,
        message: undefined,
        url: 'https://x/1'
      }
    ]);
  });
});

describe('overrideWait', () => {
  const run = (status: string, canOverride?: boolean): Resource<RunAttributes> => ({
    id: 'run-1',
    type: 'runs',
    attributes: {
      status,
      permissions: canOverride === undefined ? {} : { 'can-override-policy-check': canOverride }
    }
  });

  it('is undefined unless the run waits for an override', () => {
    for (const status of [
      'planned',
      'applied',
      'errored',
      'policy_soft_failed',
      'post_apply_running'
    ]) {
      expect(overrideWait(run(status, true), [])).toBeUndefined();
    }
  });

  it('names a policy wait and whether the token may override, from the run or the stage', () => {
    expect(overrideWait(run('policy_override', true), [])).toEqual({
      kind: 'policy',
      stage: undefined,
      tokenCanOverride: true
    });
    expect(overrideWait(run('policy_override'), [])?.tokenCanOverride).toBeUndefined();
    const waiting = stage(
      'ts-1',
      {
        stage: 'post_plan',
        status: 'awaiting_override',
        permissions: { 'can-override-policy': false }
      },
      []
    );
    expect(overrideWait(run('policy_override', true), [waiting])).toEqual({
      kind: 'policy',
      stage: 'post_plan',
      tokenCanOverride: false
    });
  });

  it('names the stage of a run task that waits for a decision', () => {
    const waiting = stage(
      'ts-1',
      { stage: 'pre_apply', status: 'awaiting_override', permissions: { 'can-override': true } },
      []
    );
    expect(overrideWait(run('pre_apply_awaiting_decision', false), [waiting])).toEqual({
      kind: 'task',
      stage: 'pre_apply',
      tokenCanOverride: true
    });
    expect(overrideWait(run('post_plan_awaiting_decision', false), [])).toEqual({
      kind: 'task',
      stage: 'post_plan',
      tokenCanOverride: false
    });
  });
});

describe('shouldReadOutputs', () => {
  it.each([
    ['applied', false, true, true],
    ['applied', false, undefined, true],
    ['planned_and_finished', false, false, true],
    ['planned_and_finished', true, false, false],
    ['planned_and_finished', false, true, false],
    ['planned_and_finished', false, undefined, false],
    ['errored', false, false, false],
    ['planned', false, false, false]
  ])('%s, plan-only %s, has-changes %s: %s', (status, planOnly, hasChanges, expected) => {
    expect(shouldReadOutputs(status, planOnly, hasChanges)).toBe(expected);
  });
});
