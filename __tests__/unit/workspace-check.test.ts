/** Workspace refusals and warnings, decided without a server. */
import { describe, expect, it } from '@jest/globals';
import { checkWorkspace } from '../../src/workspace-check.js';

const plan = { speculative: false, apply: false, isDestroy: false };

describe('checkWorkspace', () => {
  it('lets a plain remote workspace run', () => {
    expect(checkWorkspace('net', { 'execution-mode': 'remote' }, plan)).toEqual({ warnings: [] });
  });

  it.each([
    ['local execution', { 'execution-mode': 'local' }, plan, /local execution mode/],
    [
      'VCS, applyable',
      { 'vcs-repo': { identifier: 'a/b' } },
      plan,
      /connected to a VCS repository/
    ],
    [
      'no queue permission',
      { permissions: { 'can-queue-run': false } },
      plan,
      /may not queue runs in workspace "net"/
    ],
    [
      'no apply permission',
      { permissions: { 'can-queue-apply': false } },
      { ...plan, apply: true },
      /may not apply runs/
    ],
    [
      'no destroy permission',
      { permissions: { 'can-queue-destroy': false } },
      { ...plan, isDestroy: true },
      /may not queue destroy runs/
    ],
    [
      'destroy plans off',
      { 'allow-destroy-plan': false },
      { ...plan, isDestroy: true },
      /does not allow destroy plans/
    ],
    [
      'auto-apply with require-reviewed-plan',
      { 'auto-apply': true },
      { ...plan, apply: true, requireReviewedPlan: true },
      /applies its runs automatically \(auto-apply\), so require-reviewed-plan could not stop/
    ]
  ])('refuses: %s', (_name, attributes, use, message) => {
    expect(checkWorkspace('net', attributes, use).refusal).toMatch(message);
  });

  it('allows speculative plans on a VCS workspace, and applies with can-update', () => {
    expect(
      checkWorkspace('net', { 'vcs-repo': {} }, { ...plan, speculative: true }).refusal
    ).toBeUndefined();
    expect(
      checkWorkspace(
        'net',
        { permissions: { 'can-queue-apply': false, 'can-update': true } },
        { ...plan, apply: true }
      ).refusal
    ).toBeUndefined();
  });

  it('lets auto-apply workspaces run without require-reviewed-plan', () => {
    expect(checkWorkspace('net', { 'auto-apply': true }, { ...plan, apply: true })).toEqual({
      warnings: []
    });
  });

  it('reads missing permission keys as unknown, not as false (OTF sends fewer)', () => {
    expect(
      checkWorkspace('net', { permissions: {} }, { ...plan, apply: true, isDestroy: true })
    ).toEqual({ warnings: [] });
  });

  it('warns about a lock, except for speculative plans which ignore it', () => {
    expect(checkWorkspace('net', { locked: true }, plan).warnings[0]).toMatch(
      /is locked: the run will stay pending/
    );
    expect(
      checkWorkspace('net', { locked: true }, { ...plan, speculative: true }).warnings
    ).toEqual([]);
  });
});
