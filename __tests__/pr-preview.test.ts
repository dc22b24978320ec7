/**
 * The PR preview end to end: the action on a pull_request event, against the TFE emulator
 * and a local GitHub API server, writes one sticky comment per PR and workspace that lists
 * every changed resource, and updates it on the next push.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { type GitHubServer, useGitHubServer } from './helpers/github-server.js';
import { type StepResult, resources, useCheckouts } from './helpers/runner.js';
import { type Emulator, useEmulator } from './helpers/emulator.js';
import { previewOnPr } from './helpers/pr-step.js';

const GITHUB_TOKEN = 'ghs_prPreviewTestToken';
const PR = 12;
const fixture = useEmulator('pr');
let emulator: Emulator;
let github: GitHubServer;
const newCheckout = useCheckouts();

beforeAll(() => {
  emulator = fixture.emulator;
});
useGitHubServer(GITHUB_TOKEN, started => (github = started));

function newWorkspace(options: Record<string, unknown> = {}): string {
  return fixture.newWorkspace(options).name;
}

/** One push to the PR: the action runs on `files` with a pull_request event. */
function preview(
  workspace: string,
  files: Record<string, string>,
  headSha: string,
  inputs: Record<string, string> = {}
): Promise<StepResult> {
  const step = newCheckout(files);
  return previewOnPr({
    fixture,
    github,
    step,
    workspace,
    pr: PR,
    token: GITHUB_TOKEN,
    headSha,
    inputs
  });
}

function comments(): { body: string }[] {
  return github.comments('acme', 'infrastructure', PR);
}

describe('PR preview comment', () => {
  it('lists every changed resource, and is updated in place on the next push', async () => {
    const ws = newWorkspace({ state: ['null_resource.old'] });
    const first = await preview(ws, { 'main.tf': resources('web', 'db') }, 'a'.repeat(40));
    expect(first.exitCode).toBe(0);
    expect(comments()).toHaveLength(1);
    const body = comments()[0].body;
    expect(body).toContain(`tfe-run-action:acme/${ws}`);
    expect(body).toContain('`null_resource.web`');
    expect(body).toContain('`null_resource.db`');
    expect(body).toContain('`null_resource.old`');
    expect(body).toMatch(/Create/);
    expect(body).toMatch(/Destroy/);
    expect(body).toContain(first.outputs['run-id']);
    expect(body).toContain('aaaaaaa');
    expect(first.outputs['plan-summary']).toContain('`null_resource.web`');

    const second = await preview(
      ws,
      { 'main.tf': resources('web', 'db', 'cache') },
      'b'.repeat(40)
    );
    expect(second.exitCode).toBe(0);
    expect(comments()).toHaveLength(1);
    const updated = comments()[0].body;
    expect(updated).toContain(second.outputs['run-id']);
    expect(updated).not.toContain(first.outputs['run-id']);
    expect(updated).toContain('`null_resource.cache`');
    expect(updated).toContain('bbbbbbb');
    // The TFE token never goes to GitHub.
    for (const request of github.requests) {
      expect(JSON.stringify(request)).not.toContain(emulator.token);
    }
  });

  it('gives a second workspace its own comment on the same PR', async () => {
    const one = newWorkspace();
    const two = newWorkspace();
    await preview(one, { 'main.tf': resources('a') }, 'c'.repeat(40));
    await preview(two, { 'main.tf': resources('b') }, 'c'.repeat(40));
    expect(comments()).toHaveLength(2);
    expect(comments()[0].body).toContain(`acme/${one}`);
    expect(comments()[1].body).toContain(`acme/${two}`);
  });

  it('warns and still succeeds with a read-only GitHub token', async () => {
    github.readOnly = true;
    const ws = newWorkspace();
    const result = await preview(ws, { 'main.tf': resources('a') }, 'd'.repeat(40));
    expect(result.exitCode).toBe(0);
    expect(comments()).toHaveLength(0);
    expect(result.stdout.match(/::warning::Could not write the PR comment/g)).toHaveLength(1);
    expect(result.outputs['run-status']).toBe('planned_and_finished');
  });

  it('falls back to the counts when the token may not read the plan JSON', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws, { planJson: 'forbidden' });
    const result = await preview(ws, { 'main.tf': resources('a', 'b') }, 'e'.repeat(40));
    expect(result.exitCode).toBe(0);
    const body = comments()[0].body;
    expect(body).toMatch(/2 to add/);
    expect(body).toMatch(/may not read the plan's JSON output \(HTTP 403\)/);
    expect(body).not.toContain('`null_resource.a`');
  });

  it('keeps a plan with thousands of changes under the comment limit', async () => {
    const ws = newWorkspace();
    const names = Array.from({ length: 3000 }, (_, i) => `instance_with_a_long_name_${i}`);
    const result = await preview(ws, { 'main.tf': resources(...names) }, 'a'.repeat(40));
    expect(result.exitCode).toBe(0);
    expect(result.outputs['resource-additions']).toBe('3000');
    const body = comments()[0].body;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/and \d+ more/);
    expect(body).toContain(result.outputs['run-url']);
  });

  it('writes no comment with comment-on-pr: false', async () => {
    const ws = newWorkspace();
    const result = await preview(ws, { 'main.tf': resources('a') }, 'f'.repeat(40), {
      'comment-on-pr': 'false'
    });
    expect(result.exitCode).toBe(0);
    expect(github.requests).toHaveLength(0);
  });
});
