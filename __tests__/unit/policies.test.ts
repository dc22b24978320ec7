/** Policy rows from both workflows, their order, and the worst result. */
import { describe, expect, it } from '@jest/globals';
import {
  POLICY_RESULTS,
  evaluationRows,
  sentinelCheckRows,
  sortPolicies,
  worstPolicyResult
} from '../../src/run-results/policies.js';
import type { PolicyResult, PolicyRow } from '../../src/run-results/types.js';
import type { PolicyCheckAttributes, Resource } from '../../src/tfe/types.js';
import type {
  PolicyEvaluationAttributes,
  PolicySetOutcomeAttributes
} from '../../src/tfe/result-types.js';

const row = (name: string, result: PolicyResult): PolicyRow => ({
  kind: 'opa',
  name,
  enforcement: 'mandatory',
  result
});

function check(status: string, result?: PolicyCheckAttributes['result']) {
  return {
    id: 'polchk-1',
    type: 'policy-checks',
    attributes: { status, scope: 'organization', result }
  } satisfies Resource<PolicyCheckAttributes>;
}

const sentinel = (policies: unknown[]) => ({ data: { core: { policies } } });

describe('worstPolicyResult', () => {
  it('is undefined when no policy ran, else the worst, in the order of the contract', () => {
    expect(worstPolicyResult([])).toBeUndefined();
    expect(POLICY_RESULTS).toEqual([
      'hard-failed',
      'soft-failed',
      'overridden',
      'advisory-failed',
      'passed'
    ]);
    for (let i = 0; i < POLICY_RESULTS.length; i++) {
      const rows = POLICY_RESULTS.slice(i)
        .map(result => row(result, result))
        .reverse();
      expect(worstPolicyResult(rows)).toBe(POLICY_RESULTS[i]);
    }
  });
});

describe('sortPolicies', () => {
  it('puts failures first, worst first, and keeps the server order within a result', () => {
    const sorted = sortPolicies([
      row('a', 'passed'),
      row('b', 'advisory-failed'),
      row('c', 'hard-failed'),
      row('d', 'passed'),
      row('e', 'overridden'),
      row('f', 'hard-failed')
    ]);
    expect(sorted.map(r => r.name)).toEqual(['c', 'f', 'e', 'b', 'a', 'd']);
  });
});

describe('sentinelCheckRows', () => {
  it('gives one row per policy, named without its set, at its enforcement level', () => {
    const rows = sentinelCheckRows(
      check('soft_failed', {
        sentinel: sentinel([
          { policy: 'core/tags', 'enforcement-level': 'soft-mandatory', result: false },
          { policy: 'core/regions', 'enforcement-level': 'hard-mandatory', result: true },
          { policy: 'core/size', 'enforcement-level': 'advisory', result: false },
          { policy: 'other/x', 'enforcement-level': 'hard-mandatory', result: false, error: 'boom' }
        ])
      })
    );
    expect(rows).toEqual([
      {
        kind: 'sentinel',
        set: 'core',
        name: 'tags',
        enforcement: 'soft-mandatory',
        result: 'soft-failed'
      },
      {
        kind: 'sentinel',
        set: 'core',
        name: 'regions',
        enforcement: 'hard-mandatory',
        result: 'passed'
      },
      {
        kind: 'sentinel',
        set: 'core',
        name: 'size',
        enforcement: 'advisory',
        result: 'advisory-failed'
      },
      {
        kind: 'sentinel',
        set: 'core',
        name: 'other/x',
        enforcement: 'hard-mandatory',
        result: 'hard-failed',
        errored: true
      }
    ]);
  });

  it('turns soft failures of an overridden check into `overridden`', () => {
    const rows = sentinelCheckRows(
      check('overridden', {
        sentinel: sentinel([
          { policy: 'core/tags', 'enforcement-level': 'soft-mandatory', result: false }
        ])
      })
    );
    expect(rows.map(r => r.result)).toEqual(['overridden']);
  });

  it('without per-policy data, gives one row for the check from its status', () => {
    expect(sentinelCheckRows(check('passed', { 'advisory-failed': 2 }))).toEqual([
      {
        kind: 'sentinel',
        name: 'organization policy check',
        enforcement: '',
        result: 'advisory-failed'
      }
    ]);
    expect(sentinelCheckRows(check('hard_failed', {})).map(r => r.result)).toEqual(['hard-failed']);
    expect(sentinelCheckRows(check('errored'))).toEqual([
      {
        kind: 'sentinel',
        name: 'organization policy check',
        enforcement: '',
        result: 'hard-failed',
        errored: true
      }
    ]);
  });

  it('has no rows for a check that never ran', () => {
    for (const status of ['pending', 'queued', 'canceled', 'unreachable', '']) {
      expect(sentinelCheckRows(check(status))).toEqual([]);
    }
  });

  it('reads a hostile or unexpected Sentinel hash without throwing', () => {
    for (const data of [null, 'x', 42, [], { core: null }, { core: { policies: 'x' } }]) {
      expect(sentinelCheckRows(check('passed', { sentinel: { data } }))).toHaveLength(1);
    }
    const odd = sentinelCheckRows(
      check('passed', { sentinel: sentinel([null, 7, { policy: 42, result: false }]) })
    );
    // A failed policy of no known level in a passing check can only be advisory.
    expect(odd).toEqual([
      {
        kind: 'sentinel',
        set: 'core',
        name: '(unnamed policy)',
        enforcement: '',
        result: 'advisory-failed'
      }
    ]);
    const long = sentinelCheckRows(
      check('passed', { sentinel: sentinel([{ policy: 'p'.repeat(10_000), result: true }]) })
    );
    expect(long[0]?.name.length).toBeLessThan(400);
  });
});

describe('evaluationRows', () => {
  const evaluation = (status: string, kind = 'opa') =>
    ({
      id: 'poleval-1',
      type: 'policy-evaluations',
      attributes: { status, 'policy-kind': kind }
    }) satisfies Resource<PolicyEvaluationAttributes>;
  const set = (attributes: PolicySetOutcomeAttributes) =>
    ({
      id: 'psout-1',
      type: 'policy-set-outcomes',
      attributes
    }) satisfies Resource<PolicySetOutcomeAttributes>;
  const outcomes = [
    { policy_name: 'no-public-ips', enforcement_level: 'mandatory', status: 'failed' },
    { policy_name: 'prefer-arm', enforcement_level: 'advisory', status: 'failed' },
    { policy_name: 'tags', enforcement_level: 'mandatory', status: 'passed' },
    { policy_name: 'broken', status: 'errored' }
  ];

  it('maps each outcome: mandatory failures hard unless the set is overridable', () => {
    const hard = evaluationRows(evaluation('failed'), [
      set({ 'policy-set-name': 'opa-core', outcomes })
    ]);
    expect(hard.map(r => [r.name, r.result, r.errored ?? false])).toEqual([
      ['no-public-ips', 'hard-failed', false],
      ['prefer-arm', 'advisory-failed', false],
      ['tags', 'passed', false],
      ['broken', 'hard-failed', true]
    ]);
    expect(hard[0]).toMatchObject({ kind: 'opa', set: 'opa-core', enforcement: 'mandatory' });
    const soft = evaluationRows(evaluation('failed', 'sentinel'), [
      set({ 'policy-set-name': 'opa-core', overridable: true, outcomes })
    ]);
    expect(soft[0]).toMatchObject({ kind: 'sentinel', result: 'soft-failed' });
    const overridden = evaluationRows(evaluation('overridden'), [
      set({ 'policy-set-name': 'opa-core', overridable: true, outcomes })
    ]);
    expect(overridden[0]?.result).toBe('overridden');
  });

  it('gives an errored set without outcomes one errored row, and nothing before a result', () => {
    expect(
      evaluationRows(evaluation('errored'), [set({ 'policy-set-name': 's', error: 'boom' })])
    ).toEqual([
      {
        kind: 'opa',
        set: 's',
        name: '(the policy set errored)',
        enforcement: '',
        result: 'hard-failed',
        errored: true
      }
    ]);
    for (const status of ['pending', 'queued', 'running', 'canceled', 'unreachable']) {
      expect(evaluationRows(evaluation(status), [set({ outcomes })])).toEqual([]);
    }
  });

  it('reads hostile outcome lists without throwing', () => {
    const rows = evaluationRows(evaluation('passed'), [
      set({ outcomes: 'x' }),
      set({ outcomes: [null, 3, { policy_name: 5, status: 'weird' }] })
    ]);
    expect(rows).toEqual([
      { kind: 'opa', set: 'psout-1', name: '(unnamed policy)', enforcement: '', result: 'passed' }
    ]);
  });
});
