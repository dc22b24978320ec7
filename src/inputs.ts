/**
 * The action's inputs, read and validated in one place before any network call, from the
 * table in input-table.ts. Nothing else in the code calls core.getInput.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@actions/core';
import { InputError, type RunVariable } from './input-parsers.js';
import { type InputName, type InputValues, isWorkspaceId, readInputTable } from './input-table.js';
import { hasGitSegment, relativeInside } from './paths.js';
import { log } from './safe-log.js';

export { InputError, type RunVariable } from './input-parsers.js';

export interface Inputs {
  /** API token (from `token`, else TF_API_TOKEN); already masked with core.setSecret. */
  readonly token: string;
  /** Base URL without trailing slash, e.g. `https://app.terraform.io` or `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** Organization name; undefined only when `workspace` is an ID. */
  readonly organization: string | undefined;
  /** Workspace name or `ws-…` ID, as given. */
  readonly workspace: string;
  /** True when `workspace` is a `ws-…` ID. */
  readonly workspaceIsId: boolean;
  /**
   * Absolute, real path of the directory to pack (inside GITHUB_WORKSPACE); not resolved
   * (nothing is packed) with `run-id` or `configuration-version`.
   */
  readonly directory: string;
  /** Absolute, real path of GITHUB_WORKSPACE (or the current directory when unset). */
  readonly workspaceRoot: string;
  readonly speculative: boolean;
  readonly apply: boolean;
  readonly isDestroy: boolean;
  /** The run message: the input, or the derived default. */
  readonly message: string;
  readonly targets: readonly string[];
  readonly replace: readonly string[];
  readonly variables: readonly RunVariable[];
  readonly wait: boolean;
  /** `timeout` in milliseconds. */
  readonly timeoutMs: number;
  readonly cancelOnTimeout: boolean;
  readonly savePlan: boolean;
  readonly refresh: boolean;
  readonly refreshOnly: boolean;
  /** Empty string when not set. */
  readonly terraformVersion: string;
  /** Empty string when not set; already masked with core.setSecret. */
  readonly githubToken: string;
  readonly commentOnPr: boolean;
  /** An existing run to act on instead of creating one; undefined when not given. */
  readonly runId: string | undefined;
  /** With `runId`: make sure that run never applies. */
  readonly discard: boolean;
  /** Sent with every apply, discard or cancel: the input, or the derived default. */
  readonly comment: string;
  /** Create the run from this configuration version instead of packing; undefined when not given. */
  readonly configurationVersion: string | undefined;
  /**
   * Confirm only a plan equal to the preview reviewed on the commit's pull request; always
   * false on pull request events (contract.md, "The reviewed plan").
   */
  readonly requireReviewedPlan: boolean;
  /** Also read sensitive Terraform outputs and set them as step outputs, masked first. */
  readonly sensitiveOutputs: boolean;
}

/** What the post step needs: it must work even when the rest of the inputs no longer would. */
export interface PostInputs {
  readonly token: string;
  readonly baseUrl: string;
  readonly cancelOnTimeout: boolean;
  /** The comment of the cancel or discard it may send. */
  readonly comment: string;
}

/** core.getInput, with TF_API_TOKEN behind an empty `token`; secrets are masked at once. */
function readInput(name: string): string {
  if (name === 'token') {
    const token = core.getInput('token') || (process.env.TF_API_TOKEN ?? '').trim();
    if (token) core.setSecret(token);
    return token;
  }
  const value = core.getInput(name);
  if (name === 'github-token' && value) core.setSecret(value);
  // Ignored where previews are written: one workflow may serve pull requests and pushes.
  if (name === 'require-reviewed-plan' && isPullRequestEvent(process.env)) {
    if (value.trim() === 'true') log.info('require-reviewed-plan is ignored on pull requests.');
    return 'false';
  }
  return value;
}

export function isPullRequestEvent(env: NodeJS.ProcessEnv): boolean {
  const event = env.GITHUB_EVENT_NAME ?? '';
  return event === 'pull_request' || event === 'pull_request_target';
}

/**
 * Reads, validates and freezes every input. Throws one InputError listing every problem:
 * those of single values and combinations first, then the directory (which needs the disk).
 */
export function getInputs(): Inputs {
  const { values, problems } = readInputTable(readInput);
  const root = process.env.GITHUB_WORKSPACE || process.cwd();
  let resolved: { workspaceRoot: string; directory: string } | undefined;
  if (values['run-id'] || values['configuration-version']) {
    // Nothing is packed: the checkout may be absent, and directory is '.' (an input rule).
    resolved = { workspaceRoot: path.resolve(root), directory: path.resolve(root) };
  } else {
    try {
      resolved = resolveDirectory(values.directory ?? '.', root);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0 || !resolved) throw new InputError(problems);
  const v = values as InputValues;
  return Object.freeze({
    token: v.token,
    baseUrl: v.hostname,
    organization: v.organization || undefined,
    workspace: v.workspace,
    workspaceIsId: isWorkspaceId(v.workspace),
    directory: resolved.directory,
    workspaceRoot: resolved.workspaceRoot,
    speculative: v.speculative,
    apply: v.apply,
    isDestroy: v['is-destroy'],
    wait: v.wait,
    cancelOnTimeout: v['cancel-on-timeout'],
    savePlan: v['save-plan'],
    refresh: v.refresh,
    refreshOnly: v['refresh-only'],
    commentOnPr: v['comment-on-pr'],
    requireReviewedPlan: v['require-reviewed-plan'],
    sensitiveOutputs: v['sensitive-outputs'],
    message: v.message || deriveMessage(process.env),
    targets: Object.freeze(v.targets),
    replace: Object.freeze(v.replace),
    variables: Object.freeze(v.variables),
    timeoutMs: v.timeout,
    terraformVersion: v['terraform-version'],
    githubToken: v['github-token'],
    runId: v['run-id'] || undefined,
    discard: v.discard,
    comment: v.comment || deriveComment(process.env),
    configurationVersion: v['configuration-version'] || undefined
  });
}

const POST_INPUTS: readonly InputName[] = ['token', 'hostname', 'cancel-on-timeout', 'comment'];

/** The inputs the post step uses, read alone: a later problem elsewhere cannot stop it. */
export function getPostInputs(): PostInputs {
  const { values, problems } = readInputTable(readInput, POST_INPUTS);
  if (problems.length > 0) throw new InputError(problems);
  const v = values as Pick<InputValues, 'token' | 'hostname' | 'cancel-on-timeout' | 'comment'>;
  return Object.freeze({
    token: v.token,
    baseUrl: v.hostname,
    cancelOnTimeout: v['cancel-on-timeout'],
    comment: v.comment || deriveComment(process.env)
  });
}

/**
 * "GitHub Actions: acme/infra, workflow "deploy", run 42 (attempt 2), actor octocat
 * (https://github.com/acme/infra/actions/runs/7)": the run's history in HCP Terraform then
 * shows which workflow run applied, discarded or canceled it.
 */
export function deriveComment(env: NodeJS.ProcessEnv): string {
  const repository = env.GITHUB_REPOSITORY?.trim();
  const workflow = env.GITHUB_WORKFLOW?.trim();
  const runNumber = env.GITHUB_RUN_NUMBER?.trim();
  const attempt = env.GITHUB_RUN_ATTEMPT?.trim();
  const actor = env.GITHUB_ACTOR?.trim();
  const runId = env.GITHUB_RUN_ID?.trim();
  const server = (env.GITHUB_SERVER_URL?.trim() || 'https://github.com').replace(/\/+$/, '');
  const run = runNumber
    ? `run ${runNumber}${attempt && attempt !== '1' ? ` (attempt ${attempt})` : ''}`
    : '';
  const parts = [
    repository,
    workflow ? `workflow ${JSON.stringify(workflow)}` : '',
    run,
    actor ? `actor ${actor}` : ''
  ].filter(Boolean);
  let comment = 'GitHub Actions';
  if (parts.length > 0) comment += `: ${parts.join(', ')}`;
  if (repository && runId) comment += ` (${server}/${repository}/actions/runs/${runId})`;
  return comment;
}

/** "Triggered by GitHub Actions: acme/infra @ <sha> (workflow "Terraform", run 42)". */
export function deriveMessage(env: NodeJS.ProcessEnv): string {
  const repository = env.GITHUB_REPOSITORY?.trim();
  const sha = env.GITHUB_SHA?.trim();
  const workflow = env.GITHUB_WORKFLOW?.trim();
  const runNumber = env.GITHUB_RUN_NUMBER?.trim();
  const runId = env.GITHUB_RUN_ID?.trim();

  const where = [repository, sha].filter(Boolean).join(' @ ');
  const details = [
    workflow ? `workflow ${JSON.stringify(workflow)}` : '',
    runNumber ? `run ${runNumber}` : runId ? `run id ${runId}` : ''
  ].filter(Boolean);
  let message = 'Triggered by GitHub Actions';
  if (where) message += `: ${where}`;
  if (details.length > 0) message += ` (${details.join(', ')})`;
  return message;
}

/** Real paths of the workspace root and of `directory`, which must lie inside it. */
function resolveDirectory(
  input: string,
  root: string
): { workspaceRoot: string; directory: string } {
  let workspaceRoot: string;
  try {
    workspaceRoot = fs.realpathSync(root);
  } catch {
    throw new InputError(
      'directory',
      `Input "directory" is resolved inside GITHUB_WORKSPACE, but the workspace ${JSON.stringify(root)} does not exist; check the checkout step.`
    );
  }
  // Resolve against the unresolved root too: an absolute input may spell the root's symlink.
  const candidate = path.resolve(root, input);
  let directory: string;
  try {
    directory = fs.realpathSync(candidate);
  } catch {
    throw new InputError(
      'directory',
      `Input "directory" must name an existing directory inside the workspace (relative to GITHUB_WORKSPACE); ${JSON.stringify(input)} does not exist.`
    );
  }
  const relative = relativeInside(workspaceRoot, directory);
  if (relative === null) {
    throw new InputError(
      'directory',
      `Input "directory" must stay inside the workspace ${JSON.stringify(workspaceRoot)} (relative to GITHUB_WORKSPACE, symlinks resolved); ${JSON.stringify(input)} leads to ${JSON.stringify(directory)}.`
    );
  }
  // actions/checkout may leave a token in .git/config: never pack git internals.
  if (hasGitSegment(relative)) {
    throw new InputError(
      'directory',
      `Input "directory" must not be or lie inside a .git directory; got ${JSON.stringify(input)}.`
    );
  }
  if (!fs.statSync(directory).isDirectory()) {
    throw new InputError(
      'directory',
      `Input "directory" must name a directory inside the workspace, not a file; got ${JSON.stringify(input)}.`
    );
  }
  return { workspaceRoot, directory };
}
