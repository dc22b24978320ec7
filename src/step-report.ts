/**
 * The step's report: what the run produced and which resources it changes, read side by
 * side once the run is over (or the step gave up on it), gathered into the one `RunReport`
 * every output is rendered from, then published as outputs, job summary and PR comment.
 */
import type { Inputs } from './inputs.js';
import type { Outcome } from './outcome.js';
import { stepSecrets } from './redaction.js';
import { reportedCommitSha } from './report/commit.js';
import { setRunOutputs, setTerraformOutputs, terraformStepOutputs } from './report/outputs.js';
import { planJsonErrorReason, planJsonUnavailableReason } from './report/plan-changes.js';
import { PlanChangesReader } from './report/plan-changes-reader.js';
import { upsertPrComment } from './report/pr-comment.js';
import { planSummary, writeJobSummary } from './report/summary.js';
import type { RunReport } from './report/types.js';
import type { Clock } from './retry.js';
import type { RunDriver } from './run-driver.js';
import type { RunFacts } from './run-facts.js';
import { type Collected, collectRunResults } from './run-results/collect.js';
import type { RunResults, SensitiveValues } from './run-results/types.js';
import { log, neutralise } from './safe-log.js';
import type { TfeApi } from './tfe/api.js';
import type { TfeClient } from './tfe/client.js';
import { RunResultsClient } from './tfe/results-api.js';

export interface StepReportSources {
  readonly outcome: Outcome;
  /** Each is undefined when the step failed before it existed. */
  readonly inputs: Inputs | undefined;
  readonly client: TfeClient | undefined;
  readonly driver: RunDriver | undefined;
  readonly clock: Clock;
  readonly signal: AbortSignal;
}

/** Reads what is left to read, then writes the outputs, summary and comment; never throws. */
export async function reportStep(sources: StepReportSources): Promise<void> {
  const { outcome, inputs, client, driver } = sources;
  const facts = driver?.facts ?? {};
  // Both only read; side by side, the report waits for the slower one alone.
  const [produced, changes] = await Promise.all([
    readRunResults(client, driver, inputs, sources.clock, sources.signal),
    readResourceChanges(client, facts)
  ]);
  const report = buildReport(outcome, facts, inputs, changes, produced.results);
  // The comment, the summary and the outputs never pass the runner's masking.
  await publishReport(stepSecrets.redactDeep(report), inputs, produced.sensitiveValues);
}

/** Everything the step learnt, as the one report all outputs are rendered from. */
function buildReport(
  outcome: Outcome,
  facts: RunFacts,
  inputs: Inputs | undefined,
  resourceChanges: Pick<RunReport, 'resourceChanges' | 'resourceChangesUnavailable'>,
  results: RunResults
): RunReport {
  return {
    ...facts,
    ...results,
    ...outcome,
    organization: facts.organization ?? inputs?.organization,
    workspaceName: facts.workspaceName ?? (inputs?.workspaceIsId ? undefined : inputs?.workspace),
    // With run-id nothing is created, but a run was found: that is not "not started".
    nothingCreated: !facts.configurationVersionId && !facts.runStatus,
    speculative: facts.planOnly ?? inputs?.speculative,
    isDestroy: facts.isDestroy ?? inputs?.isDestroy,
    commitSha: reportedCommitSha(),
    message: inputs?.message,
    ...resourceChanges
  };
}

/** Outputs, job summary and (on pull requests) the sticky comment; none of them throws. */
async function publishReport(
  report: RunReport,
  inputs: Inputs | undefined,
  sensitiveValues: SensitiveValues
): Promise<void> {
  // Sensitive values are masked before any output that holds them is set.
  const terraform = report.terraformOutputs
    ? terraformStepOutputs(report.terraformOutputs, sensitiveValues)
    : undefined;
  if (terraform) setTerraformOutputs(terraform);
  setRunOutputs(report, { planSummary: planSummary(report), outputsJson: terraform?.json });
  await writeJobSummary(report);
  if (inputs?.commentOnPr && inputs.githubToken && report.runId) {
    await upsertPrComment({
      githubToken: inputs.githubToken,
      report,
      // pr-comment.ts also logs the key. Names come from the server: neutralised, which
      // leaves every valid name (letters, digits, - and _) and so the marker unchanged.
      workspaceKey: neutralise(
        `${report.organization ?? ''}/${report.workspaceName ?? inputs.workspace}`
      )
    });
  }
}

/** What the run produced (outputs, cost, policies, run tasks); nothing without a run. */
async function readRunResults(
  client: TfeClient | undefined,
  driver: RunDriver | undefined,
  inputs: Inputs | undefined,
  clock: Clock,
  signal: AbortSignal
): Promise<Collected> {
  if (!client || !driver || !inputs) return { results: {}, sensitiveValues: new Map() };
  return collectRunResults(new RunResultsClient(client), driver.facts, {
    sensitiveOutputs: inputs.sensitiveOutputs,
    deadline: driver.deadlineAt,
    clock,
    signal,
    info: message => log.info(message),
    warn: message => log.warning(message),
    debug: message => log.debug(message),
    run: driver.lastRun
  });
}

/** Resource-level changes for the report; a missing permission is a line, never a failure. */
async function readResourceChanges(
  api: TfeApi | undefined,
  facts: RunFacts
): Promise<Pick<RunReport, 'resourceChanges' | 'resourceChangesUnavailable'>> {
  if (!api || !facts.planId || facts.planStatus !== 'finished') return {};
  try {
    const result = await api.getPlanJson(facts.planId, () => new PlanChangesReader());
    if (!result.available) {
      return { resourceChangesUnavailable: planJsonUnavailableReason(result.status) };
    }
    return { resourceChanges: result.value };
  } catch (error) {
    log.debug(`plan JSON: ${(error as Error).message}`);
    return { resourceChangesUnavailable: planJsonErrorReason(error) };
  }
}
