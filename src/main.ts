/**
 * The action's step: inputs → archive → workspace → configuration version → run → report.
 * The only place that decides the step's result (core.setFailed).
 */
import * as core from '@actions/core';
import { InputError, type Inputs, getInputs } from './inputs.js';
import {
  type Outcome,
  cancelledOutcome,
  failedOutcome,
  inputErrorOutcome,
  timedOutOutcome
} from './outcome.js';
import { reportedCommitSha } from './report/commit.js';
import { setRunOutputs } from './report/outputs.js';
import { planJsonUnavailableReason, resourceChangesFromPlanJson } from './report/plan-changes.js';
import { upsertPrComment } from './report/pr-comment.js';
import { reviewedPlanGate } from './review/reviewed-plan-gate.js';
import { planSummary, writeJobSummary } from './report/summary.js';
import type { RunReport } from './report/types.js';
import { type Clock, systemClock } from './retry.js';
import { RunDriver } from './run-driver.js';
import type { RunFacts } from './run-facts.js';
import { type PackResult, packDirectory } from './slug/index.js';
import { PostStateWriter } from './state.js';
import { JobCancelledError, RunTimeoutError } from './step-errors.js';
import type { TfeApi } from './tfe/api.js';
import { TfeClient } from './tfe/client.js';

/** How long to wait for a stopped run to reach its final status, for the report. */
const SETTLE_AFTER_STOP_MS = 20_000;

export interface RunOptions {
  readonly clock?: Clock;
  /** Aborts like a job cancellation (tests); SIGINT and SIGTERM do the same. */
  readonly signal?: AbortSignal;
}

export async function run(options: RunOptions = {}): Promise<void> {
  const clock = options.clock ?? systemClock;
  const cancellation = new AbortController();
  // Every wait rejects with this reason, so a cancellation reads the same everywhere.
  const cancel = (): void => cancellation.abort(new JobCancelledError());
  const onSignal = (signal: NodeJS.Signals): void => {
    core.info(`Received ${signal}: the job is being cancelled.`);
    cancel();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  options.signal?.addEventListener('abort', cancel, { once: true });

  let inputs: Inputs | undefined;
  let client: TfeClient | undefined;
  let driver: RunDriver | undefined;
  let archive: PackResult | undefined;
  let outcome: Outcome;
  try {
    inputs = getInputs();
    client = makeClient(inputs, clock, cancellation.signal);
    const state = new PostStateWriter();
    driver = new RunDriver(inputs, {
      api: client,
      clock,
      signal: cancellation.signal,
      beforeConfirm: inputs.requireReviewedPlan
        ? reviewedPlanGate({
            api: client,
            githubToken: inputs.githubToken,
            env: process.env,
            signal: cancellation.signal,
            info: line => core.info(line),
            warn: line => core.warning(line)
          })
        : undefined,
      onProgress: (facts, stopOnExit) =>
        state.save({
          workspaceId: facts.workspaceId,
          configurationVersionId: facts.configurationVersionId,
          runId: facts.runId,
          stopOnExit
        })
    });
    archive = await pack(inputs);
    outcome = await drive(inputs, driver, archive);
  } catch (error) {
    outcome = await failure(error, inputs, driver);
  } finally {
    await archive?.remove();
  }

  const facts = driver?.facts ?? {};
  const report = buildReport(outcome, facts, inputs, await readResourceChanges(client, facts));
  await publishReport(report, inputs);
  client?.dispose();
  // Kept until the report is out: a cancellation now must not cut the summary short.
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);

  if (outcome.outcome === 'failure') {
    core.setFailed(outcome.error ? `${outcome.headline} ${outcome.error}` : outcome.headline);
  } else {
    core.info(outcome.headline);
  }
}

function makeClient(inputs: Inputs, clock: Clock, signal: AbortSignal): TfeClient {
  return new TfeClient({
    baseUrl: inputs.baseUrl,
    token: inputs.token,
    clock,
    signal,
    log: line => core.debug(line),
    onRetry: (what, attempt, delayMs, reason) =>
      core.info(
        `${what}: ${reason}; retrying in ${(delayMs / 1000).toFixed(1)} s (retry ${attempt})`
      )
  });
}

/** Packs first: a bad directory or an escaping symlink must stop us before anything exists. */
async function pack(inputs: Inputs): Promise<PackResult> {
  return core.group('Packing the configuration', async () => {
    const packed = await packDirectory({
      directory: inputs.directory,
      workspaceRoot: inputs.workspaceRoot,
      onWarning: message => core.warning(message)
    });
    core.info(`${packed.entries} entries, ${packed.size} bytes (gzip) from ${inputs.directory}`);
    return packed;
  });
}

async function drive(inputs: Inputs, driver: RunDriver, archive: PackResult): Promise<Outcome> {
  await driver.resolveWorkspace();
  const configurationVersionId = await driver.uploadConfiguration(archive);
  await archive.remove();
  const created = await driver.createRun(configurationVersionId);
  if (!inputs.wait) {
    return { outcome: 'success', headline: 'Run created; not waiting for it (wait: false).' };
  }
  return driver.follow(created.id);
}

/** Everything the step learnt, as the one report all outputs are rendered from. */
function buildReport(
  outcome: Outcome,
  facts: RunFacts,
  inputs: Inputs | undefined,
  resourceChanges: Pick<RunReport, 'resourceChanges' | 'resourceChangesUnavailable'>
): RunReport {
  return {
    ...facts,
    ...outcome,
    organization: facts.organization ?? inputs?.organization,
    workspaceName: facts.workspaceName ?? (inputs?.workspaceIsId ? undefined : inputs?.workspace),
    nothingCreated: !facts.configurationVersionId,
    speculative: inputs?.speculative,
    isDestroy: inputs?.isDestroy,
    commitSha: reportedCommitSha(),
    message: inputs?.message,
    ...resourceChanges
  };
}

/** Outputs, job summary and (on pull requests) the sticky comment; none of them throws. */
async function publishReport(report: RunReport, inputs: Inputs | undefined): Promise<void> {
  setRunOutputs(report, planSummary(report));
  await writeJobSummary(report);
  if (inputs?.commentOnPr && inputs.githubToken && report.runId) {
    await upsertPrComment({
      githubToken: inputs.githubToken,
      report,
      workspaceKey: `${report.organization ?? ''}/${report.workspaceName ?? inputs.workspace}`
    });
  }
}

/** Turns what went wrong into the step's outcome, stopping the run where it must. */
async function failure(
  error: unknown,
  inputs: Inputs | undefined,
  driver: RunDriver | undefined
): Promise<Outcome> {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof InputError) return inputErrorOutcome(message);
  const runId = driver?.facts.runId;
  if (error instanceof RunTimeoutError || error instanceof JobCancelledError) {
    const cancelled = error instanceof JobCancelledError;
    if (runId && driver && inputs?.cancelOnTimeout !== false) {
      try {
        await driver.stopRun(cancelled ? 'the job was cancelled' : 'the action timed out');
        // A cancelled job has seconds before it is killed: report what is known, do not wait.
        if (!cancelled) await driver.awaitFinal(SETTLE_AFTER_STOP_MS);
      } catch (stopError) {
        core.warning(`Stopping run ${runId} failed: ${(stopError as Error).message}`);
      }
    } else if (runId) {
      core.warning(`Run ${runId} goes on (cancel-on-timeout: false): ${driver?.facts.runUrl}`);
    }
    return cancelled ? cancelledOutcome(message) : timedOutOutcome(message);
  }
  return failedOutcome(message, runId !== undefined);
}

/** Resource-level changes for the report; a missing permission is a line, never a failure. */
async function readResourceChanges(
  api: TfeApi | undefined,
  facts: RunFacts
): Promise<Pick<RunReport, 'resourceChanges' | 'resourceChangesUnavailable'>> {
  if (!api || !facts.planId || facts.planStatus !== 'finished') return {};
  try {
    const result = await api.getPlanJson(facts.planId);
    if (!result.available) {
      return { resourceChangesUnavailable: planJsonUnavailableReason(result.status) };
    }
    return { resourceChanges: resourceChangesFromPlanJson(result.json) };
  } catch (error) {
    core.debug(`plan JSON: ${(error as Error).message}`);
    return { resourceChangesUnavailable: planJsonUnavailableReason(undefined) };
  }
}
