import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { commentMarker, upsertPrComment } from '../../src/report/pr-comment.js';
import { startGitHubServer, type GitHubServer } from '../helpers/github-server.js';
import { fingerprintOf, readFingerprint } from '../../src/review/plan-fingerprint.js';
import { manyChanges, speculativeReport } from './fixtures.js';

const GITHUB_TOKEN = 'ghs_githubTokenForTests';
const TFE_TOKEN = 'tfeTokenThatMustNeverReachGitHub.atlasv1.abc';
const ENV_KEYS = [
  'GITHUB_EVENT_NAME',
  'GITHUB_EVENT_PATH',
  'GITHUB_REPOSITORY',
  'GITHUB_API_URL',
  'GITHUB_SERVER_URL',
  'TF_API_TOKEN'
];
const PR = 42;

let server: GitHubServer;
let dir: string;
let savedEnv: Record<string, string | undefined>;
let stdout: string[];

async function setEvent(name: string, payload: unknown): Promise<void> {
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(payload));
  process.env['GITHUB_EVENT_NAME'] = name;
  process.env['GITHUB_EVENT_PATH'] = path;
}

const prEvent = { action: 'synchronize', number: PR, pull_request: { number: PR } };
const ours = () => server.comments('acme', 'infra', PR);
const warnings = () => stdout.filter(line => line.startsWith('::warning::'));

beforeEach(async () => {
  savedEnv = Object.fromEntries(ENV_KEYS.map(k => [k, process.env[k]]));
  dir = await mkdtemp(join(tmpdir(), 'pr-comment-'));
  server = await startGitHubServer({ token: GITHUB_TOKEN });
  process.env['GITHUB_API_URL'] = server.url;
  process.env['GITHUB_REPOSITORY'] = 'acme/infra';
  process.env['GITHUB_SERVER_URL'] = 'https://github.com';
  process.env['TF_API_TOKEN'] = TFE_TOKEN;
  await setEvent('pull_request', prEvent);
  // core.warning/info write workflow commands to stdout: read what a runner would read.
  stdout = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
});

afterEach(async () => {
  jest.restoreAllMocks();
  await server.close();
  await rm(dir, { recursive: true, force: true });
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

const upsert = (workspaceKey = 'acme/networking-prod', report = speculativeReport()) =>
  upsertPrComment({ githubToken: GITHUB_TOKEN, report, workspaceKey });

describe('upsertPrComment', () => {
  it('creates the first comment with the marker and every changed resource', async () => {
    expect(await upsert()).toBe('created');
    expect(ours()).toHaveLength(1);
    const body = ours()[0]?.body ?? '';
    expect(body.startsWith('<!-- tfe-run-action:acme/networking-prod -->\n')).toBe(true);
    for (const change of speculativeReport().resourceChanges ?? []) {
      expect(body).toContain(change.address);
    }
    expect(body).toContain('https://github.com/acme/infra/commit/5f3c2a1');
    expect(warnings()).toEqual([]);
  });

  it('sends the GitHub token only, never the TFE token', async () => {
    await upsert();
    await upsert();
    expect(server.requests.length).toBeGreaterThanOrEqual(3);
    for (const request of server.requests) {
      expect(request.authorization).toBe(`token ${GITHUB_TOKEN}`);
      expect(JSON.stringify(request)).not.toContain(TFE_TOKEN);
    }
  });

  it('updates the same comment in place on the next push', async () => {
    expect(await upsert()).toBe('created');
    const first = ours()[0];
    const second = speculativeReport({
      runId: 'run-SecondPush000001',
      resourceChanges: [{ address: 'aws_vpc.after_second_push', action: 'update' }]
    });
    expect(await upsert('acme/networking-prod', second)).toBe('updated');
    expect(ours()).toHaveLength(1);
    expect(ours()[0]?.id).toBe(first?.id);
    expect(ours()[0]?.body).toContain('aws_vpc.after_second_push');
    expect(ours()[0]?.body).toContain('run-SecondPush000001');
    expect(ours()[0]?.body).not.toContain('aws_nat_gateway.legacy');
    expect(server.requests.filter(r => r.method === 'PATCH')).toHaveLength(1);
  });

  it('finds its comment on a later page and leaves every other comment alone', async () => {
    for (let i = 0; i < 130; i++) server.addComment('acme', 'infra', PR, `review ${i}`, 'alice');
    // Someone quoting the marker mid-text does not make the comment ours.
    server.addComment('acme', 'infra', PR, `see ${commentMarker('acme/networking-prod')}`, 'bob');
    const mine = server.addComment(
      'acme',
      'infra',
      PR,
      `${commentMarker('acme/networking-prod')}\nold report`
    );
    for (let i = 0; i < 20; i++) server.addComment('acme', 'infra', PR, `later ${i}`, 'carol');
    const before = ours().map(c => ({ id: c.id, body: c.body }));

    expect(await upsert()).toBe('updated');

    const pages = server.requests.filter(r => r.method === 'GET').map(r => r.url);
    expect(pages.some(u => u.includes('page=2'))).toBe(true);
    expect(ours()).toHaveLength(before.length);
    for (const comment of ours()) {
      const old = before.find(c => c.id === comment.id);
      if (comment.id === mine.id) expect(comment.body).toContain('aws_vpc.main');
      else expect(comment.body).toBe(old?.body);
    }
    expect(server.requests.filter(r => r.method === 'POST' && r.url.includes('/comments'))).toEqual(
      []
    );
  });

  it('carries the plan fingerprint right after the marker, only with a resource list', async () => {
    expect(await upsert()).toBe('created');
    const head = (ours()[0]?.body ?? '').split('\n').slice(0, 2);
    expect(head[0]).toBe(commentMarker('acme/networking-prod'));
    const reading = readFingerprint(ours()[0]?.body ?? '', head[0] ?? '');
    expect(reading).toMatchObject({ kind: 'found' });
    if (reading.kind === 'found') {
      expect(reading.fingerprint.sha256).toBe(
        fingerprintOf(speculativeReport().resourceChanges ?? []).sha256
      );
    }
    const withoutList = speculativeReport({
      resourceChanges: undefined,
      resourceChangesUnavailable: 'the token may not read the plan JSON'
    });
    expect(await upsert('acme/networking-prod', withoutList)).toBe('updated');
    expect(ours()[0]?.body).not.toContain('tfe-run-action-plan');
  });

  it("with an app's token, updates its bot's comment and ignores github-actions[bot]'s", async () => {
    const appToken = 'ghs_appTokenOfTheDeployer';
    server.addAppToken(appToken, 'deployer', 4711);
    const marker = commentMarker('acme/networking-prod');
    const actions = server.addComment('acme', 'infra', PR, `${marker}\nby GITHUB_TOKEN`);
    const mine = server.addComment('acme', 'infra', PR, `${marker}\nold`, 'deployer[bot]');
    const report = speculativeReport();
    const result = await upsertPrComment({
      githubToken: appToken,
      report,
      workspaceKey: 'acme/networking-prod'
    });
    expect(result).toBe('updated');
    expect(server.editsOf(actions.id)).toEqual([]);
    expect(server.editsOf(mine.id)).toHaveLength(1);
    expect(warnings()[0]).toContain('written by github-actions[bot], not by deployer[bot]');
  });

  it('gives a second workspace on the same PR its own comment', async () => {
    expect(await upsert('acme/networking-prod')).toBe('created');
    const firstBody = ours()[0]?.body;
    const other = speculativeReport({ workspaceName: 'dns-prod', runId: 'run-Dns0000000000001' });
    expect(await upsert('acme/dns-prod', other)).toBe('created');
    expect(ours()).toHaveLength(2);
    expect(ours()[0]?.body).toBe(firstBody);
    expect(ours()[1]?.body.startsWith('<!-- tfe-run-action:acme/dns-prod -->')).toBe(true);
    // Each workspace then updates only its own comment.
    expect(await upsert('acme/dns-prod', other)).toBe('updated');
    expect(ours()).toHaveLength(2);
  });

  it('warns once and returns failed with a read-only token (fork PR)', async () => {
    server.readOnly = true;
    expect(await upsert()).toBe('failed');
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain('HTTP 403');
    expect(warnings()[0]).toContain('pull-requests: write');
    expect(ours()).toHaveLength(0);
  });

  it('warns and returns failed on bad credentials and server errors, without throwing', async () => {
    const result = await upsertPrComment({
      githubToken: 'ghs_wrong',
      report: speculativeReport(),
      workspaceKey: 'acme/networking-prod'
    });
    expect(result).toBe('failed');
    expect(warnings()[0]).toContain('HTTP 401');
    server.failWith = 500;
    expect(await upsert()).toBe('failed');
    expect(warnings()).toHaveLength(2);
    expect(warnings()[1]).toContain('HTTP 500');
  });

  it('keeps a huge plan within the comment limit', async () => {
    const huge = speculativeReport({ resourceChanges: manyChanges(5_000) });
    expect(await upsert('acme/networking-prod', huge)).toBe('created');
    const body = ours()[0]?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/… and \d+ more/);
  });

  it('works on pull_request_target events', async () => {
    await setEvent('pull_request_target', prEvent);
    expect(await upsert()).toBe('created');
    expect(ours()).toHaveLength(1);
  });

  it.each(['push', 'workflow_dispatch', ''])('skips the %s event without a request', async name => {
    await setEvent(name || 'none', { ref: 'refs/heads/main' });
    process.env['GITHUB_EVENT_NAME'] = name;
    expect(await upsert()).toBe('skipped');
    expect(server.requests).toHaveLength(0);
  });

  it('skips without a token and fails softly on an unreadable event', async () => {
    const report = speculativeReport();
    expect(await upsertPrComment({ githubToken: '', report, workspaceKey: 'a/b' })).toBe('skipped');
    process.env['GITHUB_EVENT_PATH'] = join(dir, 'missing.json');
    expect(await upsert()).toBe('failed');
    expect(warnings()).toHaveLength(1);
    expect(server.requests).toHaveLength(0);
  });
});

describe('commentMarker', () => {
  it('names the workspace and cannot be closed early', () => {
    expect(commentMarker('acme/networking-prod')).toBe(
      '<!-- tfe-run-action:acme/networking-prod -->'
    );
    expect(commentMarker('a/b --> <script>')).toBe('<!-- tfe-run-action:a/b_--___script_ -->');
  });
});
