/**
 * require-reviewed-plan (contract.md, "The reviewed plan"): just before the driver confirms
 * an apply, the plan's resource changes must equal those of a preview this action posted,
 * for this workspace, on a pull request the commit belongs to. Anything else (a different
 * plan, no pull request, no preview, a plan or preview that cannot be read, a GitHub
 * error) refuses: nothing is applied unless the comparison says so.
 */
import { GITHUB_TIMEOUT_MS, gitHubClient, httpStatusOf, repositoryOf } from '../github/client.js';
import { type CommitPull, pullRequestsOfCommit } from '../github/commit-pulls.js';
import { describeIdentity, type OwnIdentity, resolveOwnIdentity } from '../github/identity.js';
import { MAX_PAGES, authorsText, findOwnComment } from '../github/own-comment.js';
import { planJsonErrorReason, planJsonUnavailableReason } from '../report/plan-changes.js';
import { PlanChangesReader } from '../report/plan-changes-reader.js';
import { PlanJsonError } from '../report/plan-json-scanner.js';
import type { ResourceChange } from '../report/types.js';
import { commentMarker } from '../report/pr-comment.js';
import type { ConfirmVerdict } from '../run-driver.js';
import type { RunFacts } from '../run-facts.js';
import { safeLabel } from '../safe-label.js';
import type { BodySink, TfeApi } from '../tfe/api.js';
import { countsText, describeCountDiff, describePlanDiff, diffPlans } from './plan-diff.js';
import {
  type FingerprintReading,
  type PlanFingerprint,
  fingerprintOf,
  readFingerprint,
  samePlan
} from './plan-fingerprint.js';

/** Pull requests of one commit looked at, at most (each may cost a comment scan). */
export const MAX_PULLS = 10;

/** What was found on one pull request. */
export interface PreviewLookup {
  readonly pull: CommitPull;
  readonly reading: FingerprintReading | { readonly kind: 'no-comment' };
}

export interface GateContext {
  /** `organization/workspace`, as the comment's marker names it. */
  readonly workspaceKey: string;
  readonly sha: string;
  readonly identity?: OwnIdentity;
}

const refuse = (headline: string, reason: string): ConfirmVerdict => ({
  allow: false,
  headline: `Not applied (require-reviewed-plan): ${headline}`,
  reason
});

function pullLabel(pull: CommitPull): string {
  return pull.url ? `#${pull.number} (${pull.url})` : `#${pull.number}`;
}

/**
 * The decision, from what was found: pure. A preview of any of the pull requests that
 * matches allows; otherwise the refusal explains the first difference or what is missing.
 */
export function judgePreviews(
  current: PlanFingerprint,
  lookups: readonly PreviewLookup[],
  context: GateContext
): ConfirmVerdict {
  const short = context.sha.slice(0, 7);
  if (lookups.length === 0) {
    return refuse(
      `commit ${short} belongs to no open or merged pull request.`,
      `Commit ${context.sha} belongs to no open or merged pull request (a direct push?), so ` +
        'no preview of its plan was reviewed. Only a plan that this action previewed on a pull ' +
        'request may be applied; the run was discarded.'
    );
  }
  const match = lookups.find(
    l => l.reading.kind === 'found' && samePlan(l.reading.fingerprint, current)
  );
  if (match) {
    return {
      allow: true,
      note: `The plan's resource changes (${countsText(current.counts)}) match the preview on ${pullLabel(match.pull)}.`
    };
  }
  const differing = lookups.find(l => l.reading.kind === 'found');
  if (differing && differing.reading.kind === 'found') {
    const reviewed = differing.reading.fingerprint;
    const details =
      reviewed.changes !== undefined && current.changes !== undefined
        ? describePlanDiff(diffPlans(reviewed.changes, current.changes))
        : `The preview kept only a hash of its changes (${countsText(reviewed.counts)}): too ` +
          `many to store, so the addresses cannot be listed. ${describeCountDiff(reviewed, current)}`;
    const others = lookups.length > 1 ? ` (${lookups.length} pull requests looked at)` : '';
    return refuse(
      `the plan differs from the preview reviewed on #${differing.pull.number}.`,
      `The plan's resource changes differ from those the preview on ${pullLabel(differing.pull)} ` +
        `showed${others}; the run was discarded.\n${details}`
    );
  }
  const who = context.identity ? ` written by ${safeLabel(context.identity.login, 60)}` : '';
  const lines = lookups.map(({ pull, reading }) => {
    switch (reading.kind) {
      case 'no-comment':
        return `#${pull.number}: no preview comment for ${safeLabel(context.workspaceKey)}${who}.`;
      case 'absent':
        return `#${pull.number}: the preview lists no resource changes to compare (its plan did not finish, or the token could not read the plan's JSON output).`;
      case 'invalid':
        return `#${pull.number}: the preview cannot be used: ${reading.reason}.`;
      case 'found':
        return `#${pull.number}: the preview matches.`;
    }
  });
  return refuse(
    `no reviewed preview of this plan was found.`,
    `No usable preview of this workspace's plan on the pull requests of commit ${short}; the ` +
      `run was discarded.\n${lines.join('\n')}`
  );
}

/** The plan reader for the comparison: a body that is not a Terraform plan is refused. */
class StrictPlanReader implements BodySink<ResourceChange[]> {
  private readonly reader = new PlanChangesReader();

  write(chunk: Buffer): void {
    this.reader.write(chunk);
  }

  end(): ResourceChange[] {
    const changes = this.reader.end();
    // Strict: a body that is no JSON plan must not read as "no changes".
    if (!this.reader.isTerraformPlan) throw new PlanJsonError('it is not a Terraform JSON plan');
    return changes;
  }
}

/** The plan's resource changes, or why they cannot be compared. */
async function currentPlan(api: PlanJsonApi, facts: RunFacts): Promise<PlanFingerprint | string> {
  if (!facts.planId) return 'the run names no plan.';
  try {
    const result = await api.getPlanJson(facts.planId, () => new StrictPlanReader());
    if (!result.available) return planJsonUnavailableReason(result.status);
    return fingerprintOf(result.value);
  } catch (error) {
    return planJsonErrorReason(error);
  }
}

function gitHubFailure(error: unknown): string {
  const status = httpStatusOf(error);
  const message = safeLabel(error instanceof Error ? error.message : String(error), 300);
  const hint =
    status === 401 || status === 403 || status === 404
      ? ' The github-token needs to read pull requests and their comments: give the job `permissions: pull-requests: read` (and `contents: read`).'
      : '';
  return `The GitHub API could not be asked about the reviewed preview (${status !== undefined ? `HTTP ${status}: ` : ''}${message}).${hint}`;
}

/** All the gate asks of the TFE API. */
export type PlanJsonApi = Pick<TfeApi, 'getPlanJson'>;

export interface GateOptions {
  readonly api: PlanJsonApi;
  readonly githubToken: string;
  readonly env: NodeJS.ProcessEnv;
  /** The job's cancellation. */
  readonly signal: AbortSignal;
  readonly info: (line: string) => void;
  readonly warn: (line: string) => void;
  /** Comment pages read at most, over all the pull requests (default MAX_PAGES). */
  readonly maxPages?: number;
}

/** The `beforeConfirm` hook of the driver for require-reviewed-plan. */
export function reviewedPlanGate(
  options: GateOptions
): (facts: RunFacts) => Promise<ConfirmVerdict> {
  return async facts => {
    const current = await currentPlan(options.api, facts);
    if (options.signal.aborted) throw options.signal.reason as Error;
    if (typeof current === 'string') {
      return refuse(
        "the plan's resource changes cannot be read, so they cannot be compared with the reviewed preview.",
        `The plan's resource changes cannot be read: ${current} The run was discarded.`
      );
    }
    const repository = repositoryOf(options.env['GITHUB_REPOSITORY']);
    const sha = options.env['GITHUB_SHA'] ?? '';
    if (!options.githubToken || !repository || !/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i.test(sha)) {
      return refuse(
        'the pull request of this commit cannot be looked up.',
        'require-reviewed-plan needs github-token, GITHUB_REPOSITORY and GITHUB_SHA to find the preview on the pull request; the run was discarded.'
      );
    }
    const workspaceKey = `${facts.organization ?? ''}/${facts.workspaceName ?? ''}`;
    const marker = commentMarker(workspaceKey);
    const signal = AbortSignal.any([AbortSignal.timeout(GITHUB_TIMEOUT_MS), options.signal]);
    let identity: OwnIdentity | undefined;
    const lookups: PreviewLookup[] = [];
    try {
      const client = gitHubClient(options.githubToken, options.env);
      const pulls = (await pullRequestsOfCommit(client, repository, sha, signal))
        .filter(pull => pull.merged || pull.open)
        .slice(0, MAX_PULLS);
      const own = pulls.length > 0 ? await resolveOwnIdentity(client, signal) : undefined;
      identity = own;
      if (own) options.info(`Looking for the preview written by ${describeIdentity(own)}.`);
      // One budget of pages for all the pull requests: a few requests in the usual case.
      let pageBudget = options.maxPages ?? MAX_PAGES;
      for (const pull of pulls) {
        if (!own) break;
        const target = { ...repository, number: pull.number };
        const scan = await findOwnComment(client, target, {
          marker,
          identity: own,
          signal,
          maxPages: pageBudget
        });
        pageBudget -= scan.pagesRead;
        if (scan.impostors.length > 0) {
          options.warn(
            `#${pull.number}: ignored comments by ${authorsText(scan.impostors)} that look like this workspace's preview: only comments by ${safeLabel(own.login, 60)} count.`
          );
        }
        const reading = scan.comment ? readFingerprint(scan.comment.body, marker) : undefined;
        lookups.push({ pull, reading: reading ?? { kind: 'no-comment' } });
        if (reading?.kind === 'found' && samePlan(reading.fingerprint, current)) break;
        if (pageBudget <= 0) break;
      }
    } catch (error) {
      if (options.signal.aborted) throw error;
      return refuse(
        'the reviewed preview could not be looked up.',
        `${gitHubFailure(error)} The run was discarded.`
      );
    }
    return judgePreviews(current, lookups, { workspaceKey, sha, identity });
  };
}
