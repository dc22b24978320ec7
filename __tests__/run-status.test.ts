import { describe, expect, it } from '@jest/globals';
import {
  countsSentence,
  failedPolicyNames,
  formatBytes,
  formatDuration,
  isFinalRunStatus,
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
    expect(formatDuration(90_000)).toBe('90s');
  });

  it('reads failed policy names from a Sentinel result, and nothing from other shapes', () => {
    const sentinel = {
      data: {
        'acme/security': {
          policies: [
            { policy: 'acme/security/no-public-buckets', result: false },
            { policy: 'acme/security/tags', result: true }
          ]
        }
      }
    };
    expect(failedPolicyNames(sentinel)).toEqual(['acme/security/no-public-buckets']);
    expect(failedPolicyNames(null)).toEqual([]);
    expect(failedPolicyNames({ data: 'x' })).toEqual([]);
  });
});
