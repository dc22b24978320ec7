/**
 * The action's step: inputs → archive → workspace → configuration version → run → report
 * (src/step-report.ts).
 * The only place that decides the step's result (log.failed, which calls core.setFailed).
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
import { stepSecrets } from './redaction.js';
import { reviewedPlanGate } from './review/reviewed-plan-gate.js';
import { type Clock, systemClock } from './retry.js';
import { RunDriver } from './run-driver.js';
import { log } from './safe-log.js';
import { type PackResult, packDirectory } from './slug/index.js';
import { PostStateWriter } from './state.js';
import { StepBudget } from './step-budget.js';
import { JobCancelledError, RunTimeoutError } from './step-errors.js';
import { reportStep } from './step-report.js';
import { TfeClient } from './tfe/client.js';

/** How long to wait for a stopped run to reach its final status, for the report. */
const SETTLE_AFTER_STOP_MS = 20_000;
/** The time for stopping the run and reading the report once the wait is over. */
const WRAP_UP_MS = 45_000;

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
    log.info(`Received ${signal}: the job is being cancelled.`);
    cancel();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  options.signal?.addEventListener('abort', cancel, { once: true });

  let inputs: Inputs | undefined;
  let client: TfeClient | undefined;
  let driver: RunDriver | undefined;
  let archive: PackResult | undefined;
  let budget: StepBudget | undefined;
  let outcome: Outcome;
  try {
    inputs = getInputs();
    // From here on, nothing the action writes itself can carry the tokens (docs/contract.md).
    stepSecrets.add(inputs.token, inputs.githubToken);
    budget = new StepBudget(clock, cancellation.signal, inputs.timeoutMs);
    client = makeClient(inputs, clock, budget);
    const state = new PostStateWriter();
    driver = new RunDriver(inputs, {
      api: client,
      clock,
      signal: cancellation.signal,
      budget,
      beforeConfirm: inputs.requireReviewedPlan
        ? reviewedPlanGate({
            api: client,
            githubToken: inputs.githubToken,
            env: process.env,
            // The step's time bounds the GitHub calls too; a cancellation ends them.
            signal: budget.signal,
            info: log.info,
            warn: log.warning
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
    // An existing run or configuration version needs no archive.
    if (!inputs.runId && !inputs.configurationVersion) archive = await pack(inputs);
    outcome = await drive(inputs, driver, archive);
  } catch (error) {
    budget?.wrapUp(WRAP_UP_MS);
    outcome = await failure(error, inputs, driver);
  } finally {
    await archive?.remove();
  }

  budget?.wrapUp(WRAP_UP_MS);
  await reportStep({ outcome, inputs, client, driver, clock, signal: cancellation.signal });
  client?.dispose();
  budget?.dispose();
  // Kept until the report is out: a cancellation now must not cut the summary short.
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);

  if (outcome.outcome === 'failure') {
    log.failed(outcome.error ? `${outcome.headline} ${outcome.error}` : outcome.headline);
  } else {
    log.info(outcome.headline);
  }
}

function makeClient(inputs: Inputs, clock: Clock, budget: StepBudget): TfeClient {
  return new TfeClient({
    baseUrl: inputs.baseUrl,
    token: inputs.token,
    clock,
    budget,
    log: log.debug,
    warn: log.warning,
    onRetry: (what, attempt, delayMs, reason) =>
      log.info(
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
      onWarning: message => log.warning(message)
    });
    log.info(`${packed.entries} entries, ${packed.size} bytes (gzip) from ${inputs.directory}`);
    return packed;
  });
}

async function drive(
  inputs: Inputs,
  driver: RunDriver,
  archive: PackResult | undefined
): Promise<Outcome> {
  if (inputs.runId) {
    const run = await driver.adoptRun(inputs.runId);
    if (!inputs.wait && !inputs.discard) {
      return {
        outcome: 'success',
        headline: `Run is ${run.attributes?.status ?? 'unknown'}; not waiting for it (wait: false).`
      };
    }
    return driver.follow(run.id);
  }
  await driver.resolveWorkspace();
  let created: { readonly id: string };
  if (inputs.configurationVersion) {
    created = await driver.createRunFromConfigurationVersion(inputs.configurationVersion);
  } else if (archive) {
    const configurationVersionId = await driver.uploadConfiguration(archive);
    await archive.remove();
    created = await driver.createRun(configurationVersionId);
  } else {
    throw new Error('internal: nothing to create the run from');
  }
  if (!inputs.wait) {
    return { outcome: 'success', headline: 'Run created; not waiting for it (wait: false).' };
  }
  return driver.follow(created.id);
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
    if (runId && driver && !driver.ownsRun) {
      // run-id: the run was someone else's and this step did not confirm it.
      log.warning(`Run ${runId} is left as the action found it: ${driver.facts.runUrl}`);
    } else if (runId && driver && inputs?.cancelOnTimeout !== false) {
      try {
        await driver.stopRun(cancelled ? 'the job was cancelled' : 'the action timed out');
        // A cancelled job has seconds before it is killed: report what is known, do not wait.
        if (!cancelled) await driver.awaitFinal(SETTLE_AFTER_STOP_MS);
      } catch (stopError) {
        log.warning(`Stopping run ${runId} failed: ${(stopError as Error).message}`);
      }
    } else if (runId) {
      log.warning(`Run ${runId} goes on (cancel-on-timeout: false): ${driver?.facts.runUrl}`);
    }
    return cancelled ? cancelledOutcome(message) : timedOutOutcome(message);
  }
  return failedOutcome(message, runId !== undefined);
}
