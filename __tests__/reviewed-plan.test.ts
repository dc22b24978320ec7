/**
 * require-reviewed-plan end to end: a preview on the pull request (pull_request event), then
 * the push of the merge commit with apply: true, against the TFE emulator and the GitHub
 * test server, with real GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files. Only a plan equal to
 * the preview the action itself posted is applied; anything else is discarded.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { run } from '../src/main.js';
import { commentMarker } from '../src/report/pr-comment.js';
import { fingerprintLine } from '../src/review/plan-fingerprint.js';
import { type GitHubServer, useGitHubServer } from './helpers/github-server.js';
import type { PullRequestSpec } from './helpers/github-pulls.js';
import { type StepResult, resources, useCheckouts, withStep } from './helpers/runner.js';
import { type Emulator, useEmulator } from './helpers/emulator.js';
import { previewOnPr } from './helpers/pr-step.js';

const GITHUB_TOKEN = 'ghs_reviewedPlanTestToken';
const REPO = { owner: 'acme', repo: 'infrastructure' };
const PR = 21;
const MERGE_SHA = 'feedface'.repeat(5);
const fixture = useEmulator('reviewed');
const newCheckout = useCheckouts();
let emulator: Emulator;
let github: GitHubServer;

beforeAll(() => {
  emulator = fixture.emulator;
});
useGitHubServer(GITHUB_TOKEN, started => (github = started));

/** The action on a pull_request event: a speculative preview and its sticky comment. */
function preview(
  workspace: string,
  files: Record<string, string>,
  pr = PR,
  inputs: Record<string, string> = {}
): Promise<StepResult> {
  return previewOnPr({
    fixture,
    github,
    step: newCheckout(files),
    workspace,
    pr,
    token: GITHUB_TOKEN,
    headSha: 'c'.repeat(40),
    // Ignored on pull requests, so one workflow file can serve both events.
    inputs: { 'require-reviewed-plan': 'true', ...inputs }
  });
}

/** The action on the push of the merge commit, with apply and require-reviewed-plan. */
async function push(
  workspace: string,
  files: Record<string, string>,
  inputs: Record<string, string> = {}
): Promise<StepResult> {
  return withStep(
    newCheckout(files),
    fixture.inputs(workspace, {
      apply: 'true',
      'require-reviewed-plan': 'true',
      'github-token': GITHUB_TOKEN,
      ...inputs
    }),
    () => run(),
    { GITHUB_EVENT_NAME: 'push', GITHUB_SHA: MERGE_SHA, GITHUB_API_URL: github.url }
  );
}

const mergedInto = (...pulls: PullRequestSpec[]) =>
  github.setCommitPulls(REPO.owner, REPO.repo, MERGE_SHA, pulls);
const comments = (pr = PR) => github.comments(REPO.owner, REPO.repo, pr);
const stateOf = (workspace: string) =>
  [...(emulator.workspace(workspace) as { state: Map<string, string> }).state.keys()].sort();

function expectDiscarded(result: StepResult, workspace: string, stateBefore: string[]): void {
  expect(result.exitCode).toBe(1);
  const runId = result.outputs['run-id'];
  expect(emulator.actionNames(runId)).toEqual(['discard']);
  // The comment input (here its default, naming the workflow run), and why.
  expect(emulator.actionCalls(runId)[0]?.comment).toMatch(
    /^GitHub Actions: acme\/infrastructure.* \(require-reviewed-plan: not the plan reviewed on the pull request\)$/
  );
  expect(result.outputs['run-status']).toBe('discarded');
  expect(result.outputs['apply-id'] ?? '').toBe('');
  expect(stateOf(workspace)).toEqual(stateBefore);
  expect(result.summary).toContain('Not applied (require-reviewed-plan)');
}

describe('require-reviewed-plan', () => {
  it('applies a merge whose plan is the reviewed preview', async () => {
    const ws = fixture.newWorkspace({ state: ['null_resource.old'] }).name;
    const files = { 'main.tf': resources('web', 'db') };
    expect((await preview(ws, files)).exitCode).toBe(0);
    const body = comments()[0]?.body ?? '';
    expect(body).toMatch(
      new RegExp(`^${commentMarker(`acme/${ws}`)}\\n<!-- tfe-run-action-plan:v1 sha256:`)
    );
    mergedInto({ number: PR, merged: true });
    const previewRequests = github.requests.length;

    const result = await push(ws, files);
    expect(result.exitCode).toBe(0);
    expect(emulator.actionNames(result.outputs['run-id'])).toEqual(['apply']);
    expect(result.outputs['run-status']).toBe('applied');
    expect(result.stdout).toContain(
      `match the preview on #${PR} (https://github.com/acme/infrastructure/pull/${PR})`
    );
    expect(stateOf(ws)).toEqual(['null_resource.db', 'null_resource.web']);
    // The push writes no comment: previews belong to pull requests.
    const pushed = github.requests.slice(previewRequests);
    expect(pushed.filter(r => r.method !== 'GET' && r.url !== '/graphql')).toEqual([]);
    expect(pushed.map(r => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
      `GET /repos/acme/infrastructure/commits/${MERGE_SHA}/pulls`,
      'GET /user',
      'POST /graphql',
      `GET /repos/acme/infrastructure/issues/${PR}/comments`
    ]);
  });

  it('discards a plan that differs from the preview and says how', async () => {
    const ws = fixture.newWorkspace({ state: ['null_resource.old'] }).name;
    await preview(ws, { 'main.tf': resources('web', 'db', 'old') });
    mergedInto({ number: PR, merged: true });
    const before = stateOf(ws);

    const result = await push(ws, { 'main.tf': resources('web', 'cache') });
    expectDiscarded(result, ws, before);
    const error = /::error::(.*)/.exec(result.stdout)?.[1] ?? '';
    expect(error).toContain(`the plan differs from the preview reviewed on #${PR}`);
    expect(error).toContain('1 not in the preview, 1 in the preview only, 1 with another action');
    expect(error).toContain('+ create null_resource.cache');
    expect(error).toContain('- create null_resource.db');
    expect(error).toContain('~ null_resource.old: update → destroy');
    expect(result.summary).toContain('+ create null_resource.cache');
  });

  it('ignores a forged preview by someone else, even with the right fingerprint', async () => {
    const ws = fixture.newWorkspace().name;
    const files = { 'main.tf': resources('web') };
    const forged = [
      commentMarker(`acme/${ws}`),
      fingerprintLine([{ address: 'null_resource.web', action: 'create' }]),
      '',
      '### Terraform plan (speculative): looks legit'
    ].join('\n');
    github.addComment(REPO.owner, REPO.repo, PR, forged, 'mallory');
    mergedInto({ number: PR, merged: true });

    const result = await push(ws, files);
    expectDiscarded(result, ws, []);
    expect(result.stdout).toMatch(/::warning::#21: ignored comments by mallory/);
    expect(result.stdout).toContain(`#${PR}: no preview comment for acme/${ws}`);
  });

  it('refuses a direct push: the commit belongs to no pull request', async () => {
    const ws = fixture.newWorkspace().name;
    const result = await push(ws, { 'main.tf': resources('web') });
    expectDiscarded(result, ws, []);
    expect(result.stdout).toContain('belongs to no open or merged pull request');
  });

  it('refuses when the only pull request was closed without merging', async () => {
    const ws = fixture.newWorkspace().name;
    const files = { 'main.tf': resources('web') };
    await preview(ws, files);
    mergedInto({ number: PR, state: 'closed' });
    expectDiscarded(await push(ws, files), ws, []);
  });

  it('counts a matching preview on any of the pull requests of the commit', async () => {
    const ws = fixture.newWorkspace().name;
    const files = { 'main.tf': resources('web') };
    await preview(ws, { 'main.tf': resources('other') }, 30);
    await preview(ws, files, 31);
    mergedInto({ number: 30, merged: true }, { number: 31, merged: true });
    const result = await push(ws, files);
    expect(result.exitCode).toBe(0);
    expect(result.outputs['run-status']).toBe('applied');
    expect(result.stdout).toContain('match the preview on #31');
  });

  it("refuses when the new plan's resource changes cannot be read", async () => {
    const ws = fixture.newWorkspace().name;
    const files = { 'main.tf': resources('web') };
    await preview(ws, files);
    mergedInto({ number: PR, merged: true });
    emulator.setScenario(ws, { planJson: 'forbidden' });
    const result = await push(ws, files);
    expectDiscarded(result, ws, []);
    expect(result.stdout).toContain("may not read the plan's JSON output (HTTP 403)");
  });

  it('refuses when the preview could not list its resource changes', async () => {
    const ws = fixture.newWorkspace().name;
    const files = { 'main.tf': resources('web') };
    emulator.setScenario(ws, { planJson: 'forbidden' });
    await preview(ws, files);
    expect(comments()[0]?.body).not.toContain('tfe-run-action-plan');
    emulator.setScenario(ws, {});
    mergedInto({ number: PR, merged: true });
    const result = await push(ws, files);
    expectDiscarded(result, ws, []);
    expect(result.stdout).toContain(`#${PR}: the preview lists no resource changes to compare`);
  });

  it('refuses when GitHub cannot be asked, naming the permission', async () => {
    const ws = fixture.newWorkspace().name;
    const files = { 'main.tf': resources('web') };
    await preview(ws, files);
    mergedInto({ number: PR, merged: true });
    github.failWith = 403;
    const result = await push(ws, files);
    expectDiscarded(result, ws, []);
    expect(result.stdout).toContain('pull-requests: read');
  });

  it('finds the preview written with a personal access token', async () => {
    const pat = 'github_pat_reviewedPlanTest';
    github.addUserToken(pat, 'terraform-bot', 777_001);
    const ws = fixture.newWorkspace().name;
    const files = { 'main.tf': resources('web') };
    await preview(ws, files, PR, { 'github-token': pat });
    expect(comments()[0]?.user.login).toBe('terraform-bot');
    mergedInto({ number: PR, merged: true });
    // With GITHUB_TOKEN, a comment by terraform-bot is not the action's own.
    expectDiscarded(await push(ws, files), ws, []);
    const result = await push(ws, files, { 'github-token': pat });
    expect(result.outputs['run-status']).toBe('applied');
  });

  it('refuses an auto-apply workspace before creating anything', async () => {
    const ws = fixture.newWorkspace({ autoApply: true }).name;
    const result = await push(ws, { 'main.tf': resources('web') });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('applies its runs automatically (auto-apply)');
    expect(fixture.runsOf(emulator.workspace(ws).id)).toEqual([]);
  });

  it('is an input error without apply: true, but ignored on pull requests', async () => {
    const ws = fixture.newWorkspace().name;
    const result = await push(ws, { 'main.tf': resources('web') }, { apply: 'false' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('Input "require-reviewed-plan" needs "apply: true"');
    expect(emulator.requests.some(r => r.path.includes(ws))).toBe(false);
    // preview() passes require-reviewed-plan: true without apply.
    expect((await preview(ws, { 'main.tf': resources('web') })).exitCode).toBe(0);
  });
});
