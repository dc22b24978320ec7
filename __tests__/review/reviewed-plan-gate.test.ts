/**
 * The gate's GitHub side against the GitHub test server, with the plan JSON from a scripted
 * stand-in of the API: the page budget shared by all pull requests, and a plan JSON that
 * is not one.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { commentMarker } from '../../src/report/pr-comment.js';
import { fingerprintLine } from '../../src/review/plan-fingerprint.js';
import { type PlanJsonApi, reviewedPlanGate } from '../../src/review/reviewed-plan-gate.js';
import type { BodySink, PlanJsonResult } from '../../src/tfe/api.js';
import { startGitHubServer, type GitHubServer } from '../helpers/github-server.js';

const TOKEN = 'ghs_gateTestToken';
const SHA = 'c0ffee'.repeat(6) + 'c0ff';
const FACTS = { organization: 'acme', workspaceName: 'net', planId: 'plan-1' };
const WEB = { address: 'null_resource.web', mode: 'managed', change: { actions: ['create'] } };

/** The plan JSON the test gives, streamed into the gate's reader in small chunks. */
function planApi(body: string): PlanJsonApi {
  return {
    getPlanJson<T>(_planId: string, sink: () => BodySink<T>): Promise<PlanJsonResult<T>> {
      const reader = sink();
      const bytes = Buffer.from(body);
      for (let i = 0; i < bytes.length; i += 7) reader.write(bytes.subarray(i, i + 7));
      return Promise.resolve({ available: true, value: reader.end() });
    }
  };
}

let github: GitHubServer;
const lines: string[] = [];
beforeEach(async () => {
  github = await startGitHubServer({ token: TOKEN });
  lines.length = 0;
});
afterEach(async () => {
  await github.close();
});

const gate = (json: unknown, maxPages?: number) =>
  reviewedPlanGate({
    api: planApi(typeof json === 'string' ? json : JSON.stringify(json)),
    githubToken: TOKEN,
    env: { GITHUB_API_URL: github.url, GITHUB_REPOSITORY: 'acme/infra', GITHUB_SHA: SHA },
    signal: new AbortController().signal,
    info: line => lines.push(line),
    warn: line => lines.push(`warning: ${line}`),
    maxPages
  });

describe('reviewedPlanGate', () => {
  it('reads at most its page budget over all the pull requests of the commit', async () => {
    github.setCommitPulls('acme', 'infra', SHA, [
      { number: 1, merged: true },
      { number: 2, merged: true },
      { number: 3, merged: true }
    ]);
    for (const pr of [1, 2, 3]) {
      for (let i = 0; i < 250; i++) github.addComment('acme', 'infra', pr, `c${i}`, 'alice');
    }
    const verdict = await gate({ format_version: '1.2', resource_changes: [WEB] }, 4)(FACTS);
    expect(verdict.allow).toBe(false);
    const pages = github.requests.filter(r => r.url.includes('/comments'));
    expect(pages.map(r => r.url.split('?')[0])).toEqual([
      '/repos/acme/infra/issues/1/comments',
      '/repos/acme/infra/issues/1/comments',
      '/repos/acme/infra/issues/1/comments',
      '/repos/acme/infra/issues/2/comments'
    ]);
  });

  it('allows the matching preview, and never reads a body that is not a JSON plan as "no changes"', async () => {
    github.setCommitPulls('acme', 'infra', SHA, [{ number: 1, merged: true }]);
    const marker = commentMarker('acme/net');
    github.addComment('acme', 'infra', 1, `${marker}\n${fingerprintLine([])}\n\nno changes`);
    expect((await gate({ format_version: '1.2' })(FACTS)).allow).toBe(true);
    for (const body of ['<html>oops</html>', { resource_changes: {} }, null, [], '{}']) {
      const verdict = await gate(body)(FACTS);
      expect([body, verdict.allow]).toEqual([body, false]);
    }
  });
});
