/** The decisions and wording of outcome.ts, as tables: no server needed. */
import { describe, expect, it } from '@jest/globals';
import { type RunView, countsSentence, nextStep, settledOutcome } from '../../src/outcome.js';
import type { RunFacts } from '../../src/run-facts.js';
import { runActions } from '../../src/run-status.js';

const counts = { additions: 2, changes: 1, destructions: 0, imports: 0 };
const confirmable = { confirmable: true, cancelable: false, discardable: true };
const notConfirmable = { confirmable: false, cancelable: false, discardable: true };
const none = { additions: 0, changes: 0, destructions: 0, imports: 0 };

function view(status: string, extra: Partial<RunView> = {}): RunView {
  return {
    status,
    actions: runActions({ status }),
    planOnly: false,
    autoApply: false,
    ...extra
  };
}

describe('nextStep', () => {
  const cases: [string, RunView, RunFacts, { apply: boolean; confirmed: boolean }, string][] = [
    [
      'a settled run ends the step',
      view('applied'),
      {},
      { apply: true, confirmed: false },
      'settled'
    ],
    [
      'a planned run with changes is confirmed with apply',
      view('planned'),
      { hasChanges: true, counts },
      { apply: true, confirmed: false },
      'confirm'
    ],
    [
      'never twice',
      view('planned'),
      { hasChanges: true },
      { apply: true, confirmed: true },
      'wait'
    ],
    [
      'without apply the step ends at the pause',
      view('cost_estimated'),
      { hasChanges: true },
      { apply: false, confirmed: false },
      'stop-waiting'
    ],
    [
      'no changes: not confirmed',
      view('planned'),
      { hasChanges: false, counts: none },
      { apply: true, confirmed: false },
      'stop-waiting'
    ],
    [
      'the run says no changes: not confirmed',
      view('planned', { hasChanges: false }),
      { counts },
      { apply: true, confirmed: false },
      'stop-waiting'
    ],
    [
      'changes unknown, counts say some: confirmed',
      view('planned'),
      { counts },
      { apply: true, confirmed: false },
      'confirm'
    ],
    [
      'changes unknown, counts say none: not confirmed',
      view('planned'),
      { counts: none },
      { apply: true, confirmed: false },
      'stop-waiting'
    ],
    [
      'nothing known at all: confirmed, the user asked for the apply',
      view('planned'),
      {},
      { apply: true, confirmed: false },
      'confirm'
    ],
    [
      'auto-apply continues by itself',
      view('planned', { autoApply: true }),
      { hasChanges: true },
      { apply: true, confirmed: false },
      'wait'
    ],
    [
      'a plan-only run is never confirmed',
      view('planned', { planOnly: true }),
      { hasChanges: true },
      { apply: true, confirmed: false },
      'wait'
    ],
    [
      'a policy override waits for a person',
      view('policy_override'),
      {},
      { apply: true, confirmed: false },
      'wait'
    ],
    ['planning waits', view('planning'), {}, { apply: true, confirmed: false }, 'wait'],
    ['an unknown status waits', view('brand_new'), {}, { apply: true, confirmed: false }, 'wait'],
    [
      'post-plan run tasks are waited on',
      view('post_plan_running'),
      {},
      { apply: true, confirmed: false },
      'wait'
    ],
    [
      'a saved plan ends the step that made it',
      view('planned_and_saved'),
      { hasChanges: true, counts },
      { apply: false, confirmed: false },
      'settled'
    ],
    [
      'a saved plan is confirmed by a later step with apply (run-id)',
      view('planned_and_saved', { actions: confirmable }),
      { hasChanges: true, counts },
      { apply: true, confirmed: false },
      'confirm'
    ],
    [
      'a saved plan is confirmed also on an auto-apply workspace (saved plans never auto-apply)',
      view('planned_and_saved', { actions: confirmable, autoApply: true }),
      { hasChanges: true, counts },
      { apply: true, confirmed: false },
      'confirm'
    ],
    [
      'a confirmed saved plan is waited on until its status moves',
      view('planned_and_saved', { actions: confirmable }),
      { hasChanges: true, counts },
      { apply: true, confirmed: true },
      'wait'
    ],
    [
      'a saved plan without changes ends the step',
      view('planned_and_saved', { actions: notConfirmable }),
      { hasChanges: false, counts: none },
      { apply: true, confirmed: false },
      'settled'
    ],
    [
      'a saved plan a sparse server calls confirmable, without changes, ends the step',
      view('planned_and_saved'),
      { hasChanges: false, counts: none },
      { apply: true, confirmed: false },
      'settled'
    ]
  ];
  it.each(cases)('%s', (_name, runView, facts, request, kind) => {
    expect(nextStep(runView, facts, request).kind).toBe(kind);
  });

  it('a plan-only run the server calls confirmable is still never confirmed', () => {
    const step = nextStep(
      {
        ...view('planned', { planOnly: true }),
        actions: { confirmable: true, cancelable: false, discardable: true }
      },
      { hasChanges: true, counts },
      { apply: false, confirmed: false }
    );
    expect(step.kind).toBe('wait');
  });

  it('flags the statuses that wait for a decision', () => {
    for (const status of [
      'policy_override',
      'tf_policy_override',
      'pre_plan_awaiting_decision',
      'post_plan_awaiting_decision',
      'pre_apply_awaiting_decision'
    ]) {
      expect(nextStep(view(status), {}, { apply: false, confirmed: false })).toEqual({
        kind: 'wait',
        pausedForDecision: true
      });
    }
    expect(nextStep(view('planning'), {}, { apply: false, confirmed: false })).toEqual({
      kind: 'wait',
      pausedForDecision: false
    });
  });

  it('words the pause without apply, and with apply but no changes', () => {
    const without = nextStep(
      view('planned'),
      { hasChanges: true, counts },
      { apply: false, confirmed: false }
    );
    expect(without).toEqual({
      kind: 'stop-waiting',
      outcome: {
        outcome: 'success',
        headline:
          'Plan finished and awaits confirmation: 2 to add, 1 to change, 0 to destroy. Confirm it in the UI, or set apply: true.'
      }
    });
    const noChanges = nextStep(
      view('planned'),
      { hasChanges: false, counts: none },
      { apply: true, confirmed: false }
    );
    expect(noChanges.kind === 'stop-waiting' && noChanges.outcome.headline).toMatch(
      /reports no changes, so it was not confirmed/
    );
  });

  it('words a saved plan that cannot be confirmed, with and without changes', () => {
    const nothing = nextStep(
      view('planned_and_saved', { actions: notConfirmable }),
      { hasChanges: false, counts: none },
      { apply: true, confirmed: false }
    );
    expect(nothing).toEqual({
      kind: 'settled',
      outcome: {
        outcome: 'success',
        headline:
          'The saved plan has no changes: nothing to apply. 0 to add, 0 to change, 0 to destroy.'
      }
    });
    const refused = nextStep(
      view('planned_and_saved', { actions: notConfirmable }),
      { hasChanges: true, counts },
      { apply: true, confirmed: false }
    );
    expect(refused.kind === 'settled' && refused.outcome?.outcome).toBe('failure');
  });
});

describe('settledOutcome', () => {
  it.each([
    ['applied', { counts }, 'success', 'Apply finished: 2 added, 1 changed, 0 destroyed.'],
    [
      'planned_and_finished',
      { hasChanges: false, counts: none },
      'success',
      'Plan finished: no changes.'
    ],
    [
      'planned_and_finished',
      { hasChanges: true, counts },
      'success',
      'Plan finished: 2 to add, 1 to change, 0 to destroy.'
    ],
    [
      'planned_and_saved',
      { counts },
      'success',
      'Plan saved, to be applied later: 2 to add, 1 to change, 0 to destroy.'
    ],
    ['errored', { planStatus: 'errored' }, 'failure', 'Plan errored.'],
    ['errored', { planStatus: 'finished', applyStatus: 'errored' }, 'failure', 'Apply errored.'],
    ['errored', { planStatus: 'finished' }, 'failure', 'Run errored.'],
    [
      'policy_soft_failed',
      {},
      'failure',
      'A soft-mandatory policy check failed and was not overridden.'
    ],
    ['discarded', {}, 'failure', 'The run was discarded.'],
    ['force_canceled', {}, 'failure', 'The run was force canceled.']
  ] as [string, RunFacts, string, string][])('%s → %s', (status, facts, outcome, headline) => {
    expect(settledOutcome(status, facts)).toEqual({ outcome, headline });
  });
});

describe('countsSentence', () => {
  it('says imports only when there are some, everywhere the counts are worded', () => {
    expect(countsSentence({ ...counts, imports: 0 })).toBe('2 to add, 1 to change, 0 to destroy.');
    expect(countsSentence({ ...counts, imports: 3 }, true)).toBe(
      '2 added, 1 changed, 0 destroyed, 3 imported.'
    );
    expect(countsSentence(undefined)).toBe('counts not available.');
  });
});
