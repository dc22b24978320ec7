/** run-id: when the step may act on the run it was given, as a table. */
import { describe, expect, it } from '@jest/globals';
import { type ExistingRunRequest, existingRunRefusal } from '../../src/existing-run.js';
import type { RunAttributes } from '../../src/tfe/types.js';

const workspace = { id: 'ws-prod1', name: 'networking', organization: 'acme' };
const request: ExistingRunRequest = {
  runId: 'run-abc',
  workspace: '',
  workspaceIsId: false,
  organization: undefined,
  apply: false,
  discard: false
};
const run: RunAttributes = { status: 'planned', 'plan-only': false };

describe('existingRunRefusal', () => {
  it.each<[string, Partial<ExistingRunRequest>, RunAttributes, RegExp | undefined]>([
    ['no workspace given: any run', {}, run, undefined],
    ['its workspace by name', { workspace: 'networking' }, run, undefined],
    [
      'its workspace by name and organization',
      { workspace: 'networking', organization: 'acme' },
      run,
      undefined
    ],
    ['its workspace by ID', { workspace: 'ws-prod1', workspaceIsId: true }, run, undefined],
    [
      'another workspace by name',
      { workspace: 'staging' },
      run,
      /belongs to workspace acme\/networking \(ws-prod1\), not to staging/
    ],
    [
      'the name in another organization',
      { workspace: 'networking', organization: 'globex' },
      run,
      /not to globex\/networking/
    ],
    [
      'another workspace by ID',
      { workspace: 'ws-other', workspaceIsId: true },
      run,
      /not to ws-other \(the workspace input\)/
    ],
    [
      'apply on a plan-only run',
      { apply: true },
      { ...run, 'plan-only': true },
      /speculative \(plan-only\) run: it can never be applied/
    ],
    ['plan-only without apply: reported', {}, { ...run, 'plan-only': true }, undefined],
    ['discard of a plan-only run', { discard: true }, { ...run, 'plan-only': true }, undefined],
    [
      'apply without permission',
      { apply: true },
      { ...run, permissions: { 'can-apply': false } },
      /may not apply/
    ],
    [
      'discard without either permission',
      { discard: true },
      { ...run, permissions: { 'can-discard': false, 'can-cancel': false } },
      /may neither discard nor cancel/
    ],
    [
      'discard with cancel only',
      { discard: true },
      { ...run, permissions: { 'can-discard': false } },
      undefined
    ]
  ])('%s', (_name, extra, attributes, expected) => {
    const refusal = existingRunRefusal(attributes, workspace, { ...request, ...extra });
    if (expected) expect(refusal).toMatch(expected);
    else expect(refusal).toBeUndefined();
  });

  it("refuses when the server does not name the run's workspace and one was given", () => {
    expect(existingRunRefusal(run, {}, { ...request, workspace: 'networking' })).toMatch(
      /did not say which workspace run run-abc belongs to/
    );
    expect(existingRunRefusal(run, {}, request)).toBeUndefined();
  });

  it('checks the workspace before anything else, and says nothing was done', () => {
    const refusal = existingRunRefusal({ ...run, 'plan-only': true }, workspace, {
      ...request,
      apply: true,
      workspace: 'staging'
    });
    expect(refusal).toMatch(/not to staging .* Nothing was done\.$/);
  });
});
