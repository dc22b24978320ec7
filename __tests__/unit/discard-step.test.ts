/** discard: true on an existing run, as a table: what each status leads to. */
import { describe, expect, it } from '@jest/globals';
import { discardStep } from '../../src/discard-step.js';
import type { RunView } from '../../src/outcome.js';
import { RUN_STATUSES, runActions } from '../../src/run-status.js';

function view(status: string, actions?: RunView['actions']): RunView {
  return {
    status,
    actions: actions ?? runActions({ status }),
    planOnly: false,
    autoApply: false
  };
}

const kind = (status: string, sent?: 'cancel' | 'discard') => {
  const step = discardStep(view(status), { sent });
  if (step.kind === 'stop') return `stop ${step.action}`;
  if (step.kind === 'settled' || step.kind === 'stop-waiting') {
    return `${step.kind} ${step.outcome?.outcome}`;
  }
  return step.kind;
};

describe('discardStep', () => {
  it.each([
    // Waiting runs are discarded, also while a person's decision is pending.
    ['pending', 'stop discard'],
    ['planned', 'stop discard'],
    ['cost_estimated', 'stop discard'],
    ['policy_checked', 'stop discard'],
    ['policy_override', 'stop discard'],
    ['post_plan_completed', 'stop discard'],
    ['post_plan_awaiting_decision', 'stop discard'],
    ['planned_and_saved', 'stop discard'],
    // Queued or planning: canceled.
    ['plan_queued', 'stop cancel'],
    ['planning', 'stop cancel'],
    ['policy_checking', 'stop cancel'],
    // Between states with neither flag: look again.
    ['pre_plan_running', 'wait'],
    ['post_plan_running', 'wait'],
    // Ended without applying: nothing to do, the goal holds.
    ['planned_and_finished', 'settled success'],
    ['errored', 'settled success'],
    ['policy_soft_failed', 'settled success'],
    ['discarded', 'settled success'],
    ['canceled', 'settled success'],
    ['force_canceled', 'settled success'],
    // Too late: fails, nothing sent.
    ['confirmed', 'stop-waiting failure'],
    ['apply_queued', 'stop-waiting failure'],
    ['applying', 'stop-waiting failure'],
    ['post_apply_running', 'stop-waiting failure'],
    ['applied', 'settled failure']
  ])('%s → %s', (status, expected) => {
    expect(kind(status)).toBe(expected);
  });

  it('decides something for every known status', () => {
    for (const status of RUN_STATUSES) expect(kind(status)).toBeTruthy();
  });

  it('sends each stop once, then waits for it to take effect', () => {
    expect(kind('planned', 'discard')).toBe('wait');
    expect(kind('planning', 'cancel')).toBe('wait');
    expect(kind('pending', 'discard')).toBe('wait');
  });

  it('discards a plan that finished although the cancel was accepted', () => {
    expect(kind('planned', 'cancel')).toBe('stop discard');
  });

  it('trusts the server flags over the status', () => {
    const none = { confirmable: false, cancelable: false, discardable: false };
    expect(discardStep(view('planned', none), {}).kind).toBe('wait');
    const cancel = { confirmable: false, cancelable: true, discardable: false };
    expect(discardStep(view('brand_new', cancel), {})).toEqual({ kind: 'stop', action: 'cancel' });
  });

  it('words each ending', () => {
    const headline = (status: string, sent?: 'cancel' | 'discard') => {
      const step = discardStep(view(status), { sent });
      return step.kind === 'settled' || step.kind === 'stop-waiting' ? step.outcome?.headline : '';
    };
    expect(headline('discarded', 'discard')).toBe('The run was discarded: it will never apply.');
    expect(headline('canceled')).toBe('The run was already canceled: it will never apply.');
    expect(headline('force_canceled', 'cancel')).toBe(
      'The run was force canceled: it will never apply.'
    );
    expect(headline('applied')).toBe('The run had already applied: nothing could be discarded.');
    expect(headline('applied', 'cancel')).toBe('The run applied before it could be stopped.');
    expect(headline('planned_and_finished')).toBe(
      'The run had already ended without applying (planned and finished).'
    );
    expect(headline('applying')).toMatch(/already applying \(applying\): it was left alone/);
  });
});
