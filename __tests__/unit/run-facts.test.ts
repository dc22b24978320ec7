/** Facts taken from a run, its plan and its apply, without a server. */
import { describe, expect, it } from '@jest/globals';
import { factsFromRun, planHasChanges } from '../../src/run-facts.js';
import type { PhaseAttributes, Resource, RunAttributes } from '../../src/tfe/types.js';

function run(status: string, extra: Partial<RunAttributes> = {}): Resource<RunAttributes> {
  return {
    id: 'run-1',
    type: 'runs',
    attributes: { status, ...extra },
    relationships: {
      plan: { data: { id: 'plan-1', type: 'plans' } },
      apply: { data: { id: 'apply-1', type: 'applies' } }
    }
  };
}
const phase = (id: string, attributes: PhaseAttributes): Resource<PhaseAttributes> => ({
  id,
  type: id.startsWith('plan') ? 'plans' : 'applies',
  attributes
});

describe('factsFromRun', () => {
  it('takes the status, the plan and the counts, and returns a frozen value', () => {
    const facts = factsFromRun(
      {},
      run('planned'),
      phase('plan-1', {
        status: 'finished',
        'has-changes': true,
        'resource-additions': 2,
        'resource-changes': 0,
        'resource-destructions': 1
      }),
      phase('apply-1', { status: 'pending' })
    );
    expect(facts).toEqual({
      runId: 'run-1',
      runStatus: 'planned',
      planId: 'plan-1',
      planStatus: 'finished',
      applyStatus: 'pending',
      hasChanges: true,
      counts: { additions: 2, changes: 0, destructions: 1, imports: 0 }
    });
    expect(Object.isFrozen(facts)).toBe(true);
  });

  it('keeps what it knew: a later document without a plan loses nothing', () => {
    const first = factsFromRun(
      {},
      run('planned'),
      phase('plan-1', { status: 'finished', 'resource-additions': 1 }),
      undefined
    );
    const second = factsFromRun(first, run('confirmed'), undefined, undefined);
    expect(second.counts).toEqual(first.counts);
    expect(second.planStatus).toBe('finished');
  });

  it('derives has-changes from the counts of a finished plan when the server sends no flag', () => {
    const facts = factsFromRun(
      {},
      run('planned'),
      phase('plan-1', {
        status: 'finished',
        'resource-additions': 0,
        'resource-changes': 0,
        'resource-destructions': 0
      }),
      undefined
    );
    expect(facts.hasChanges).toBe(false);
  });

  it("reads the run's has-changes only once the plan finished", () => {
    const running = factsFromRun(
      {},
      run('planning', { 'has-changes': false }),
      phase('plan-1', { status: 'running' }),
      undefined
    );
    expect(running.hasChanges).toBeUndefined();
    const finished = factsFromRun(
      {},
      run('planned', { 'has-changes': true }),
      phase('plan-1', { status: 'finished' }),
      undefined
    );
    expect(finished.hasChanges).toBe(true);
  });

  it('takes counts and has-changes only from a finished plan', () => {
    const numbers = {
      'has-changes': false,
      'resource-additions': 0,
      'resource-changes': 0,
      'resource-destructions': 0
    };
    for (const status of ['running', 'errored', 'canceled', 'unreachable']) {
      const facts = factsFromRun(
        {},
        run(status === 'running' ? 'planning' : 'errored', { 'has-changes': false }),
        phase('plan-1', { status, ...numbers }),
        undefined
      );
      expect([status, facts.counts, facts.hasChanges]).toEqual([status, undefined, undefined]);
      expect(facts.planStatus).toBe(status);
    }
    const partial = factsFromRun(
      {},
      run('planning'),
      phase('plan-1', { status: 'running', 'resource-additions': 3 }),
      undefined
    );
    const finished = factsFromRun(
      partial,
      run('planned'),
      phase('plan-1', { status: 'finished', 'resource-additions': 5 }),
      undefined
    );
    expect(partial.counts).toBeUndefined();
    expect(finished.counts?.additions).toBe(5);
  });

  it('names the apply once it began, by its own status or else by the run status', () => {
    expect(
      factsFromRun({}, run('planned'), undefined, phase('apply-1', { status: 'pending' })).applyId
    ).toBeUndefined();
    expect(
      factsFromRun({}, run('planned'), undefined, phase('apply-1', { status: 'queued' })).applyId
    ).toBe('apply-1');
    expect(factsFromRun({}, run('applying'), undefined, undefined).applyId).toBe('apply-1');
  });
});

describe('planHasChanges', () => {
  it('prefers the flag, else the counts, else unknown', () => {
    expect(
      planHasChanges({
        hasChanges: false,
        counts: { additions: 1, changes: 0, destructions: 0, imports: 0 }
      })
    ).toBe(false);
    expect(
      planHasChanges({ counts: { additions: 0, changes: 0, destructions: 0, imports: 1 } })
    ).toBe(true);
    expect(planHasChanges({})).toBeUndefined();
  });
});
