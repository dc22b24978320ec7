import { describe, expect, it } from '@jest/globals';
import { formatBytes, formatDuration } from '../src/format.js';
import { countsSentence } from '../src/outcome.js';
import {
  RUN_STATUSES,
  isFinalRunStatus,
  isKnownRunStatus,
  runActions,
  runStatusMeaning,
  runUrl
} from '../src/run-status.js';

describe('run statuses', () => {
  it('knows which statuses are final for this step', () => {
    for (const status of ['applied', 'planned_and_finished', 'planned_and_saved', 'errored']) {
      expect(isFinalRunStatus(status)).toBe(true);
    }
    for (const status of ['discarded', 'canceled', 'force_canceled', 'policy_soft_failed']) {
      expect(isFinalRunStatus(status)).toBe(true);
    }
    // Pauses and unknown statuses keep the action polling.
    for (const status of ['planned', 'cost_estimated', 'policy_override', 'brand_new', undefined]) {
      expect(isFinalRunStatus(status)).toBe(false);
    }
  });
});

describe('the status table', () => {
  it('gives every paused status a way on: confirmation or a decision', () => {
    const pauses = RUN_STATUSES.filter(status => runStatusMeaning(status).pause);
    expect(pauses.sort()).toEqual(
      [
        'cost_estimated',
        'planned',
        'planned_and_saved',
        'policy_checked',
        'policy_override',
        'post_plan_awaiting_decision',
        'post_plan_completed',
        'pre_apply_awaiting_decision',
        'pre_plan_awaiting_decision',
        'tf_policy_override'
      ].sort()
    );
  });

  it('settles exactly the final statuses, and pauses none but a saved plan', () => {
    // A saved plan ends the step that made it; a later step may still confirm it (run-id).
    for (const status of RUN_STATUSES) {
      const meaning = runStatusMeaning(status);
      expect([status, meaning.settled !== undefined && meaning.pause !== undefined]).toEqual([
        status,
        status === 'planned_and_saved'
      ]);
    }
    expect(RUN_STATUSES.filter(isFinalRunStatus).sort()).toEqual(
      [
        'applied',
        'canceled',
        'discarded',
        'errored',
        'force_canceled',
        'planned_and_finished',
        'planned_and_saved',
        'policy_soft_failed'
      ].sort()
    );
  });

  it('knows the statuses of the API and nothing else', () => {
    expect(isKnownRunStatus('post_plan_awaiting_decision')).toBe(true);
    expect(isKnownRunStatus('brand_new')).toBe(false);
    expect(isKnownRunStatus('toString')).toBe(false);
    expect(runStatusMeaning('brand_new')).toEqual({});
  });
});

describe('run actions', () => {
  it('trusts the flags the server sends', () => {
    expect(
      runActions({
        status: 'planned',
        actions: { 'is-confirmable': false, 'is-cancelable': false, 'is-discardable': true }
      })
    ).toEqual({ confirmable: false, cancelable: false, discardable: true });
  });

  it('derives them from the status when a server sends none', () => {
    expect(runActions({ status: 'planned' })).toEqual({
      confirmable: true,
      cancelable: false,
      discardable: true
    });
    expect(runActions({ status: 'planned', 'plan-only': true }).confirmable).toBe(false);
    expect(runActions({ status: 'planning' })).toEqual({
      confirmable: false,
      cancelable: true,
      discardable: false
    });
    expect(runActions({ status: 'policy_override' })).toEqual({
      confirmable: false,
      cancelable: false,
      discardable: true
    });
    expect(runActions({ status: 'applied' })).toEqual({
      confirmable: false,
      cancelable: false,
      discardable: false
    });
  });

  it('guesses nothing when the server sends some of the flags', () => {
    expect(runActions({ status: 'applying', actions: { 'is-confirmable': false } })).toEqual({
      confirmable: false,
      cancelable: false,
      discardable: false
    });
  });
});

describe('wording', () => {
  it('says the counts, imports only when there are some', () => {
    const counts = { additions: 2, changes: 0, destructions: 1, imports: 0 };
    expect(countsSentence(counts)).toBe('2 to add, 0 to change, 1 to destroy.');
    expect(countsSentence({ ...counts, imports: 3 }, true)).toBe(
      '2 added, 0 changed, 1 destroyed, 3 imported.'
    );
    expect(countsSentence(undefined)).toBe('counts not available.');
  });

  it('builds the run link with encoded names', () => {
    expect(runUrl('https://tfe.example.com', 'acme', 'net work', 'run-1')).toBe(
      'https://tfe.example.com/app/acme/workspaces/net%20work/runs/run-1'
    );
  });

  it('formats sizes and durations', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
    expect(formatDuration(2 * 3600_000)).toBe('2h');
    expect(formatDuration(30 * 60_000)).toBe('30m');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(5400_000)).toBe('1h30m');
    expect(formatDuration(2_000)).toBe('2s');
  });
});
