/**
 * The sticky PR comment: one comment per pull request and workspace, found again by a
 * hidden marker and updated in place, so the PR always shows the newest run.
 */
import { readFile } from 'node:fs/promises';
import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { COMMENT_MAX_LENGTH, renderContextFromEnv, renderReport } from './render.js';
import type { RunReport } from './types.js';

export type CommentResult = 'created' | 'updated' | 'skipped' | 'failed';

export interface UpsertPrCommentOptions {
  /** The GitHub token (never the TFE token). */
  readonly githubToken: string;
  readonly report: RunReport;
  /** `organization/workspace-name`: one comment per PR and key. */
  readonly workspaceKey: string;
  /** The runner's environment; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);
// 100 comments a page (GitHub's maximum) × 300 pages: beyond any real PR, but bounded.
const PER_PAGE = 100;
const MAX_PAGES = 300;
const TIMEOUT_MS = 60_000;

/**
 * The hidden marker naming the workspace. Organization and workspace names use only
 * letters, digits, `-` and `_`; anything else (which could end the HTML comment) becomes `_`.
 */
export function commentMarker(workspaceKey: string): string {
  const key = workspaceKey.replace(/[^A-Za-z0-9_./-]/g, '_');
  return `<!-- tfe-run-action:${key} -->`;
}

interface PullRequestTarget {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
}

async function pullRequestFromEvent(env: NodeJS.ProcessEnv): Promise<PullRequestTarget | string> {
  const path = env['GITHUB_EVENT_PATH'];
  if (!path) return 'GITHUB_EVENT_PATH is not set';
  let event: unknown;
  try {
    event = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    return `the event file could not be read (${error instanceof Error ? error.message : 'unknown error'})`;
  }
  const payload = (event ?? {}) as {
    number?: unknown;
    pull_request?: { number?: unknown };
    repository?: { full_name?: unknown };
  };
  const number = payload.pull_request?.number ?? payload.number;
  const fullName = env['GITHUB_REPOSITORY'] || payload.repository?.full_name;
  if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) {
    return 'the event has no pull request number';
  }
  const [owner, repo, ...rest] = typeof fullName === 'string' ? fullName.split('/') : [];
  if (!owner || !repo || rest.length > 0) return 'the repository is unknown';
  return { owner, repo, number };
}

function failureWarning(error: unknown): string {
  const status = (error as { status?: unknown }).status;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 401 || status === 403 || status === 404) {
    // Pull requests from forks get a read-only GITHUB_TOKEN: expected, and no reason to fail.
    return (
      `Could not write the PR comment (HTTP ${status}: ${message}). The github-token may not ` +
      'write to pull requests: give the job `permissions: pull-requests: write`; pull requests ' +
      'from forks get a read-only token. The run itself is not affected.'
    );
  }
  const code = typeof status === 'number' ? `HTTP ${status}: ` : '';
  return `Could not write the PR comment (${code}${message}). The run itself is not affected.`;
}

/**
 * Creates or updates this workspace's comment on the pull request of the current event.
 * Never throws: outside pull request events it returns 'skipped', on any GitHub error it
 * warns once and returns 'failed'.
 */
export async function upsertPrComment(options: UpsertPrCommentOptions): Promise<CommentResult> {
  const env = options.env ?? process.env;
  const eventName = env['GITHUB_EVENT_NAME'] ?? '';
  if (!PR_EVENTS.has(eventName)) {
    core.debug(`No PR comment: the event is '${eventName}', not a pull request`);
    return 'skipped';
  }
  if (!options.githubToken) {
    core.info('No PR comment: github-token is empty');
    return 'skipped';
  }
  const target = await pullRequestFromEvent(env);
  if (typeof target === 'string') {
    core.warning(`Could not write the PR comment: ${target}. The run itself is not affected.`);
    return 'failed';
  }

  const marker = commentMarker(options.workspaceKey);
  const body = renderReport(options.report, {
    maxLength: COMMENT_MAX_LENGTH,
    marker,
    context: renderContextFromEnv(env)
  });
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  const request = { signal };
  try {
    // getOctokit reads GITHUB_API_URL once at import; pass it so GHES and tests are honoured.
    const octokit = getOctokit(options.githubToken, {
      baseUrl: (env['GITHUB_API_URL'] || 'https://api.github.com').replace(/\/+$/, '')
    });
    const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
      owner: target.owner,
      repo: target.repo,
      issue_number: target.number,
      per_page: PER_PAGE,
      request
    });
    let existing: { id: number; body?: string } | undefined;
    let pageCount = 0;
    for await (const page of pages) {
      // Only a comment that starts with our marker is ours: a quote elsewhere is not.
      existing = page.data.find(c => (c.body ?? '').trimStart().startsWith(marker));
      if (existing !== undefined || ++pageCount >= MAX_PAGES) break;
    }
    if (existing !== undefined) {
      if (existing.body !== body) {
        await octokit.rest.issues.updateComment({
          owner: target.owner,
          repo: target.repo,
          comment_id: existing.id,
          body,
          request
        });
      }
      core.info(`Updated the PR comment for ${options.workspaceKey} on #${target.number}`);
      return 'updated';
    }
    await octokit.rest.issues.createComment({
      owner: target.owner,
      repo: target.repo,
      issue_number: target.number,
      body,
      request
    });
    core.info(`Commented on #${target.number} for ${options.workspaceKey}`);
    return 'created';
  } catch (error) {
    core.warning(failureWarning(error));
    return 'failed';
  }
}
