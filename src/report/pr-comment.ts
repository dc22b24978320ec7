/**
 * The sticky PR comment: one comment per pull request and workspace, found again by a
 * hidden marker and updated in place, so the PR always shows the newest run.
 */
import { readFile } from 'node:fs/promises';
import { log } from '../safe-log.js';
import { GITHUB_TIMEOUT_MS, gitHubClient, httpStatusOf, repositoryOf } from '../github/client.js';
import { describeIdentity, resolveOwnIdentity } from '../github/identity.js';
import { authorsText, findOwnComment } from '../github/own-comment.js';
import { safeLabel } from '../safe-label.js';
import { fingerprintLine } from '../review/plan-fingerprint.js';
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
  if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) {
    return 'the event has no pull request number';
  }
  const repository = repositoryOf(env['GITHUB_REPOSITORY'] || payload.repository?.full_name);
  if (!repository) return 'the repository is unknown';
  return { ...repository, number };
}

function failureWarning(error: unknown): string {
  const status = httpStatusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (status === 401 || status === 403 || status === 404) {
    // Pull requests from forks get a read-only GITHUB_TOKEN: expected, and no reason to fail.
    return (
      `Could not write the PR comment (HTTP ${status}: ${message}). The github-token may not ` +
      'write to pull requests: give the job `permissions: pull-requests: write`; pull requests ' +
      'from forks get a read-only token. The run itself is not affected.'
    );
  }
  const code = status !== undefined ? `HTTP ${status}: ` : '';
  return `Could not write the PR comment (${code}${message}). The run itself is not affected.`;
}

/**
 * The comment's hidden head: the marker, then the fingerprint of the plan's resource changes
 * when the report lists them (what require-reviewed-plan compares against). Rendered before
 * every section, so it is never cut for size.
 */
function commentHead(marker: string, report: RunReport): string {
  if (report.resourceChanges === undefined) return marker;
  return `${marker}\n${fingerprintLine(report.resourceChanges)}`;
}

function impostorWarning(authors: readonly string[], own: string, pr: number): string {
  return (
    `Ignored comments on #${pr} that carry this workspace's marker but were written by ` +
    `${authorsText(authors)}, not by ${safeLabel(own, 60)}: they are never edited or trusted.`
  );
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
    log.debug(`No PR comment: the event is '${eventName}', not a pull request`);
    return 'skipped';
  }
  if (!options.githubToken) {
    log.info('No PR comment: github-token is empty');
    return 'skipped';
  }
  const target = await pullRequestFromEvent(env);
  if (typeof target === 'string') {
    log.warning(`Could not write the PR comment: ${target}. The run itself is not affected.`);
    return 'failed';
  }

  const marker = commentMarker(options.workspaceKey);
  const body = renderReport(options.report, {
    maxLength: COMMENT_MAX_LENGTH,
    marker: commentHead(marker, options.report),
    context: renderContextFromEnv(env)
  });
  const signal = AbortSignal.timeout(GITHUB_TIMEOUT_MS);
  const request = { signal };
  try {
    const octokit = gitHubClient(options.githubToken, env);
    const identity = await resolveOwnIdentity(octokit, signal);
    log.debug(`The github-token writes as ${describeIdentity(identity)}`);
    const scan = await findOwnComment(octokit, target, { marker, identity, signal });
    if (scan.impostors.length > 0) {
      log.warning(impostorWarning(scan.impostors, identity.login, target.number));
    }
    const existing = scan.comment;
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
      log.info(`Updated the PR comment for ${options.workspaceKey} on #${target.number}`);
      return 'updated';
    }
    if (scan.pagesRead < scan.pagesTotal) {
      log.warning(
        `PR #${target.number} has ${scan.pagesTotal} pages of comments; this workspace's comment is not on the first page nor on the newest ${scan.pagesRead - 1}, so a new one is written.`
      );
    }
    await octokit.rest.issues.createComment({
      owner: target.owner,
      repo: target.repo,
      issue_number: target.number,
      body,
      request
    });
    log.info(`Commented on #${target.number} for ${options.workspaceKey}`);
    return 'created';
  } catch (error) {
    log.warning(failureWarning(error));
    return 'failed';
  }
}
