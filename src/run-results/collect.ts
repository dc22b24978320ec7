/**
 * Reads what a run produced once the step is done with it (settled, or paused for a
 * confirmation or an override): cost estimate, policy checks, task stages with their task
 * results and policy evaluations, and after an apply the workspace's outputs. Never throws:
 * each part that cannot be read is left out of the report (a debug line says why), and an
 * endpoint the server lacks (OTF) is simply absent.
 */
import type { Clock } from '../retry.js';
import type { RunFacts } from '../run-facts.js';
import { runStatusMeaning } from '../run-status.js';
import type { Page, RunResultsApi } from '../tfe/results-api.js';
import type {
  PolicyEvaluationAttributes,
  TaskResultAttributes,
  TaskStageAttributes
} from '../tfe/result-types.js';
import { type Resource, type RunAttributes, relatedId } from '../tfe/types.js';
import { costFromResource } from './cost.js';
import {
  evaluationRan,
  evaluationRows,
  sentinelCheckRows,
  sortPolicies,
  worstPolicyResult
} from './policies.js';
import { readTerraformOutputs } from './read-outputs.js';
import { overrideWait, relatedIds, taskRows } from './tasks.js';
import type { CostEstimate, PolicyRow, RunResults, SensitiveValues } from './types.js';

export interface CollectOptions {
  /** `sensitive-outputs: true`. */
  readonly sensitiveOutputs: boolean;
  /** Epoch milliseconds: the step's timeout, which bounds waiting for new outputs. */
  readonly deadline: number;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly info: (message: string) => void;
  readonly warn: (message: string) => void;
  readonly debug: (message: string) => void;
  /** The run as the step last read it: used when it shows the status of `facts`. */
  readonly run?: Resource<RunAttributes>;
}

export interface Collected {
  readonly results: RunResults;
  /** Kept apart from the report so no renderer can ever show them. */
  readonly sensitiveValues: SensitiveValues;
}

/** Pages of one list, at most; lists longer than this are not real. */
const MAX_PAGES = 50;
/** Reads of single resources a server failed to include, at most. */
const MAX_SINGLE_READS = 500;

/**
 * Outputs are current after an apply, or after a plan of an applyable run that found
 * nothing to change (the state is the one the plan compared with).
 */
export function shouldReadOutputs(
  status: string | undefined,
  planOnly: boolean,
  hasChanges: boolean | undefined
): boolean {
  if (status === 'applied') return true;
  return status === 'planned_and_finished' && !planOnly && hasChanges === false;
}

export async function collectRunResults(
  api: RunResultsApi,
  facts: RunFacts,
  options: CollectOptions
): Promise<Collected> {
  const nothing: Collected = { results: {}, sensitiveValues: new Map() };
  const meaning = runStatusMeaning(facts.runStatus);
  // A run still moving (wait: false, a timeout that left it running) has no results yet.
  if (!facts.runId || options.signal.aborted || (!meaning.settled && !meaning.pause)) {
    return nothing;
  }
  const part = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      options.debug(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  const runId = facts.runId;
  // The step's own last read of a run that has stopped moving is as good as a new one.
  const known = options.run;
  const run =
    known?.id === runId && known.attributes?.status === facts.runStatus
      ? known
      : (await part('run', () => api.getRun(runId)))?.data;
  if (!run) return nothing;

  // The parts do not depend on each other: read them side by side.
  const readOutputs = async () => {
    const planOnly = run.attributes?.['plan-only'] === true;
    const workspaceId = facts.workspaceId;
    if (!workspaceId || !shouldReadOutputs(run.attributes?.status, planOnly, facts.hasChanges)) {
      return undefined;
    }
    return part('outputs', () =>
      readTerraformOutputs(api, workspaceId, {
        readSensitive: options.sensitiveOutputs,
        deadline: options.deadline,
        clock: options.clock,
        signal: options.signal,
        warn: options.warn
      })
    );
  };
  const readStagesAndPolicies = async () => {
    const stages = await part('task stages', () => readStages(api, runId));
    const policies =
      (stages &&
        (await part('policy evaluations', () => readEvaluations(api, stages.evaluations)))) ??
      [];
    return { stages, policies };
  };
  const [costEstimate, checks, staged, outputs] = await Promise.all([
    part('cost estimate', () => readCost(api, run)),
    part('policy checks', () => api.listPolicyChecks(runId)),
    readStagesAndPolicies(),
    readOutputs()
  ]);
  const { stages, policies: stagePolicies } = staged;
  const policies = sortPolicies([...(checks ?? []).flatMap(sentinelCheckRows), ...stagePolicies]);
  const taskResults = stages ? taskRows(stages.stages, stages.results) : [];

  const results: RunResults = {
    terraformOutputs: outputs?.outputs,
    outputsUnavailable: outputs?.unavailable,
    costEstimate,
    policies: policies.length > 0 ? policies : undefined,
    taskResults: taskResults.length > 0 ? taskResults : undefined,
    overrideWait: overrideWait(run, stages?.stages ?? [])
  };
  logResults(results, options.info);
  return { results, sensitiveValues: outputs?.sensitiveValues ?? nothing.sensitiveValues };
}

/** Counts only: names and messages are the server's text and belong in the report. */
function logResults(results: RunResults, info: (message: string) => void): void {
  const policies = results.policies ?? [];
  if (policies.length > 0) {
    info(`Policies: ${policies.length}, worst result ${worstPolicyResult(policies)}.`);
  }
  if (results.taskResults) info(`Run tasks: ${results.taskResults.length} results.`);
  const outputs = results.terraformOutputs;
  if (outputs) {
    const sensitive = outputs.filter(o => o.sensitive).length;
    info(`Terraform outputs: ${outputs.length} (${sensitive} sensitive).`);
  }
}

async function readCost(
  api: RunResultsApi,
  run: Resource<RunAttributes>
): Promise<CostEstimate | undefined> {
  const id = relatedId(run, 'cost-estimate');
  if (!id) return undefined;
  const estimate = await api.getCostEstimate(id);
  return estimate ? costFromResource(estimate) : undefined;
}

interface Stages {
  readonly stages: Resource<TaskStageAttributes>[];
  readonly results: Map<string, Resource<TaskResultAttributes>>;
  readonly evaluations: Resource<PolicyEvaluationAttributes>[];
}

/** Every page of a list; undefined when the server has no such list (404, OTF). */
async function allPages<A>(
  read: (page: number) => Promise<Page<A> | undefined>
): Promise<{ items: Resource<A>[]; included: Resource<Record<string, unknown>>[] } | undefined> {
  const items: Resource<A>[] = [];
  const included: Resource<Record<string, unknown>>[] = [];
  let page: number | undefined = 1;
  for (let count = 0; page !== undefined && count < MAX_PAGES; count++) {
    const answer: Page<A> | undefined = await read(page);
    if (!answer) return count === 0 ? undefined : { items, included };
    items.push(...answer.items);
    included.push(...answer.included);
    page = answer.nextPage;
  }
  return { items, included };
}

/**
 * The run's task stages with their task results and policy evaluations: from `include`
 * where the server honours it, else read one by one (within a bound).
 */
async function readStages(api: RunResultsApi, runId: string): Promise<Stages | undefined> {
  const listed = await allPages(page => api.taskStagesPage(runId, page));
  if (!listed) return undefined;
  const stages = listed.items;
  const byType = (type: string) => listed.included.filter(item => item.type === type);
  const results = new Map(
    byType('task-results').map(r => [r.id, r as Resource<TaskResultAttributes>] as const)
  );
  const evaluations = new Map(
    byType('policy-evaluations').map(
      e => [e.id, e as Resource<PolicyEvaluationAttributes>] as const
    )
  );
  let reads = 0;
  for (const stage of stages) {
    for (const id of relatedIds(stage, 'task-results')) {
      if (results.has(id) || reads >= MAX_SINGLE_READS) continue;
      reads++;
      const result = await api.getTaskResult(id);
      if (result) results.set(id, result);
    }
    const wanted = relatedIds(stage, 'policy-evaluations');
    if (wanted.some(id => !evaluations.has(id)) && reads < MAX_SINGLE_READS) {
      reads++;
      const read = await allPages(page => api.policyEvaluationsPage(stage.id, page));
      for (const evaluation of read?.items ?? []) evaluations.set(evaluation.id, evaluation);
    }
  }
  // Stage order, then the order each stage names its evaluations in.
  const ordered = stages.flatMap(stage =>
    relatedIds(stage, 'policy-evaluations').flatMap(id => evaluations.get(id) ?? [])
  );
  return { stages, results, evaluations: ordered };
}

async function readEvaluations(
  api: RunResultsApi,
  evaluations: readonly Resource<PolicyEvaluationAttributes>[]
): Promise<PolicyRow[]> {
  const rows: PolicyRow[] = [];
  for (const evaluation of evaluations.slice(0, MAX_SINGLE_READS)) {
    if (!evaluationRan(evaluation)) continue;
    const sets = await allPages(page => api.policySetOutcomesPage(evaluation.id, page));
    rows.push(...evaluationRows(evaluation, sets?.items ?? []));
  }
  return rows;
}
