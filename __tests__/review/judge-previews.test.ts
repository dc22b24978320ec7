/** The reviewed-plan decision from what was found on the pull requests: pure, no server. */
import { describe, expect, it } from '@jest/globals';
import type { ResourceChange } from '../../src/report/types.js';
import { judgePreviews, type PreviewLookup } from '../../src/review/reviewed-plan-gate.js';
import { type PlanFingerprint, fingerprintOf } from '../../src/review/plan-fingerprint.js';

const SHA = 'ab'.repeat(20);
const context = {
  workspaceKey: 'acme/net',
  sha: SHA,
  identity: { login: 'github-actions[bot]', id: 41898282, source: 'viewer' as const }
};
const web: ResourceChange = { address: 'null_resource.web', action: 'create' };
const db: ResourceChange = { address: 'null_resource.db', action: 'create' };
const pull = (number: number, merged = true) => ({
  number,
  merged,
  open: false,
  url: `https://github.com/acme/infra/pull/${number}`
});
const found = (number: number, fingerprint: PlanFingerprint): PreviewLookup => ({
  pull: pull(number),
  reading: { kind: 'found', fingerprint }
});
const hashOnly = (changes: ResourceChange[]): PlanFingerprint => {
  const { sha256, counts } = fingerprintOf(changes);
  return { sha256, counts };
};

describe('judgePreviews', () => {
  it('allows when a preview of any pull request matches', () => {
    const verdict = judgePreviews(
      fingerprintOf([web]),
      [found(3, fingerprintOf([db])), found(4, fingerprintOf([web]))],
      context
    );
    expect(verdict).toEqual({
      allow: true,
      note: "The plan's resource changes (1 create) match the preview on #4 (https://github.com/acme/infra/pull/4)."
    });
    // A hash-only preview matches by its hash.
    expect(judgePreviews(fingerprintOf([web]), [found(3, hashOnly([web]))], context).allow).toBe(
      true
    );
  });

  it('refuses without a pull request', () => {
    const verdict = judgePreviews(fingerprintOf([web]), [], context);
    expect(verdict).toMatchObject({
      allow: false,
      headline: `Not applied (require-reviewed-plan): commit ${SHA.slice(0, 7)} belongs to no open or merged pull request.`
    });
  });

  it('shows the differences against the first preview found, or counts for a hash-only one', () => {
    const listed = judgePreviews(
      fingerprintOf([web, db]),
      [found(3, fingerprintOf([web]))],
      context
    );
    expect(listed.allow).toBe(false);
    if (listed.allow) return;
    expect(listed.headline).toContain('the plan differs from the preview reviewed on #3');
    expect(listed.reason).toContain('+ create null_resource.db');

    const counted = judgePreviews(fingerprintOf([web, db]), [found(3, hashOnly([web]))], context);
    if (counted.allow) throw new Error('allowed');
    expect(counted.reason).toContain('The preview kept only a hash of its changes (1 create)');
    expect(counted.reason).toContain('create 1 → 2');
    expect(counted.reason).not.toContain('null_resource.db');
  });

  it('says per pull request what was missing when no preview could be compared', () => {
    const verdict = judgePreviews(
      fingerprintOf([web]),
      [
        { pull: pull(5), reading: { kind: 'no-comment' } },
        { pull: pull(6), reading: { kind: 'absent' } },
        { pull: pull(7), reading: { kind: 'invalid', reason: 'its plan fingerprint is malformed' } }
      ],
      context
    );
    if (verdict.allow) throw new Error('allowed');
    expect(verdict.headline).toContain('no reviewed preview of this plan was found');
    expect(verdict.reason.split('\n').slice(1)).toEqual([
      '#5: no preview comment for acme/net written by github-actions[bot].',
      "#6: the preview lists no resource changes to compare (its plan did not finish, or the token could not read the plan's JSON output).",
      '#7: the preview cannot be used: its plan fingerprint is malformed.'
    ]);
  });
});
