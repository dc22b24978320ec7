/**
 * The action's step: inputs → archive → workspace → configuration version → run → report.
 * The only place that decides the step's result (core.setFailed).
 */
import * as core from '@actions/core';
import { InputError, type Inputs, getInputs } from './inputs.js';
import { reportedCommitSha } from './report/commit.js';
import { setRunOutputs } from './report/outputs.js';
import { planJsonUnavailableReason, resourceChangesFromPlanJson } from './report/plan-changes.js';
import { upsertPrComment } from './report/pr-comment.js';
import { planSummary, writeJobSummary } from './report/summary.js';
import type { RunReport } from './report/types.js';
import { type Clock, systemClock } from './retry.js';
import {
  type DriveResult,
  JobCancelledError,
  RunDriver,
  type RunFacts,
  RunTimeoutError
} from './run-driver.js';
import { type PackResult, packDirectory } from './slug/index.js';
import {
  STATE_CONFIGURATION_VERSION_ID,
  STATE_RUN_ID,
  STATE_STOP_ON_EXIT,
  STATE_WORKSPACE_ID
} from './state.js';
import { TfeClient } from './tfe/client.js';

/** How long to wait for a stopped run to reach its final status, for the report. */
const SETTLE_AFTER_STOP_MS = 20_000;

export interface RunOptions {
  readonly clock?: Clock;
  /** Aborts like a job cancellation (tests); SIGINT and SIGTERM do the same. */
  readonly signal?: AbortSignal;
}

interface Outcome extends DriveResult {
  readonly error?: string;
}

export async function run(options: RunOptions = {}): Promise<void> {
  const clock = options.clock ?? systemClock;
  const cancellation = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    core.info(`Received ${signal}: the job is being cancelled.`);
    cancellation.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  options.signal?.addEventListener('abort', () => cancellation.abort(), { once: true });

  const facts: RunFacts = {};
  let inputs: Inputs | undefined;
  let client: TfeClient | undefined;
  let driver: RunDriver | undefined;
  let archive: PackResult | undefined;
  let outcome: Outcome;
  try {
    inputs = getInputs();
    const active = inputs;
    client = new TfeClient({
      baseUrl: active.baseUrl,
      token: active.token,
      clock,
      log: line => core.debug(line),
      onRetry: (what, attempt, delayMs, reason) =>
        core.info(
          `${what}: ${reason}; retrying in ${(delayMs / 1000).toFixed(1)} s (retry ${attempt})`
        )
    });
    driver = new RunDriver(active, facts, {
      client,
      clock,
      signal: cancellation.signal,
      onFacts: saveStateFor(facts)
    });
    const activeDriver = driver;

    // Pack first: a bad directory or an escaping symlink must stop us before anything exists.
    archive = await core.group('Packing the configuration', async () => {
      const packed = await packDirectory({
        directory: active.directory,
        workspaceRoot: active.workspaceRoot,
        onWarning: message => core.warning(message)
      });
      core.info(`${packed.entries} entries, ${packed.size} bytes (gzip) from ${active.directory}`);
      return packed;
    });
    await activeDriver.resolveWorkspace();
    const configurationVersionId = await activeDriver.uploadConfiguration(archive);
    await archive.remove();
    const created = await activeDriver.createRun(configurationVersionId);
    outcome = active.wait
      ? await activeDriver.follow(created.id)
      : { outcome: 'success', headline: 'Run created; not waiting for it (wait: false).' };
  } catch (error) {
    outcome = await failure(error, inputs, driver, facts);
  } finally {
    await archive?.remove();
  }

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

/** Everything the step learnt, as the one report all outputs are rendered from. */
function buildReport(
  outcome: Outcome,
  facts: RunFacts,
  inputs: Inputs | undefined,
  resourceChanges: Pick<RunReport, 'resourceChanges' | 'resourceChangesUnavailable'>
): RunReport {
  return {
    outcome: outcome.outcome,
    headline: outcome.headline,
    error: outcome.error,
    nothingCreated: !facts.configurationVersionId,
    organization: facts.organization ?? inputs?.organization,
    workspaceName: facts.workspaceName ?? (inputs?.workspaceIsId ? undefined : inputs?.workspace),
    workspaceId: facts.workspaceId,
    runId: facts.runId,
    runUrl: facts.runUrl,
    runStatus: facts.runStatus,
    configurationVersionId: facts.configurationVersionId,
    planId: facts.planId,
    applyId: facts.applyId,
    hasChanges: facts.hasChanges,
    counts: facts.counts,
    speculative: inputs?.speculative,
    isDestroy: inputs?.isDestroy,
    commitSha: reportedCommitSha(),
    message: inputs?.message,
    ...resourceChanges,
    logTail: facts.logTail,
    policyFailures: facts.policyFailures
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
  driver: RunDriver | undefined,
  facts: RunFacts
): Promise<Outcome> {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof InputError) {
    return { outcome: 'failure', headline: 'Input error.', error: message };
  }
  const stop = inputs?.cancelOnTimeout !== false;
  if (error instanceof RunTimeoutError || error instanceof JobCancelledError) {
    const cancelled = error instanceof JobCancelledError;
    if (facts.runId && driver && stop) {
      try {
        await driver.stopRun(cancelled ? 'the job was cancelled' : 'the action timed out');
        // A cancelled job has seconds before it is killed: report what is known, do not wait.
        if (!cancelled) await driver.awaitFinal(SETTLE_AFTER_STOP_MS);
      } catch (stopError) {
        core.warning(`Stopping run ${facts.runId} failed: ${(stopError as Error).message}`);
      }
    } else if (facts.runId) {
      core.warning(`Run ${facts.runId} goes on (cancel-on-timeout: false): ${facts.runUrl}`);
    }
    return {
      outcome: 'failure',
      headline: cancelled ? 'The job was cancelled.' : 'Timed out waiting for the run.',
      error: message
    };
  }
  if (!facts.configurationVersionId) {
    return { outcome: 'failure', headline: 'The run could not start.', error: message };
  }
  return { outcome: 'failure', headline: 'The run could not be completed.', error: message };
}

/** Resource-level changes for the report; a missing permission is a line, never a failure. */
async function readResourceChanges(
  client: TfeClient | undefined,
  facts: RunFacts
): Promise<Pick<RunReport, 'resourceChanges' | 'resourceChangesUnavailable'>> {
  if (!client || !facts.planId || facts.planStatus !== 'finished') return {};
  try {
    const result = await client.getPlanJson(facts.planId);
    if (!result.available) {
      return { resourceChangesUnavailable: planJsonUnavailableReason(result.status) };
    }
    return { resourceChanges: resourceChangesFromPlanJson(result.json) };
  } catch (error) {
    core.debug(`plan JSON: ${(error as Error).message}`);
    return { resourceChangesUnavailable: planJsonUnavailableReason(undefined) };
  }
}

/** Keeps the post step informed, writing state only when it changes. */
function saveStateFor(facts: RunFacts): (facts: RunFacts) => void {
  const saved: Record<string, string> = {};
  const save = (name: string, value: string): void => {
    if (saved[name] === value) return;
    saved[name] = value;
    core.saveState(name, value);
  };
  return () => {
    if (facts.workspaceId) save(STATE_WORKSPACE_ID, facts.workspaceId);
    if (facts.configurationVersionId) {
      save(STATE_CONFIGURATION_VERSION_ID, facts.configurationVersionId);
    }
    if (facts.runId) save(STATE_RUN_ID, facts.runId);
    save(STATE_STOP_ON_EXIT, String(facts.stopOnExit === true));
  };
}
