/**
 * What the step has learnt about its run, and the pure functions that learn it from the
 * API's documents. The run driver owns the one current value and hands out read-only
 * snapshots; the report is built on top of it.
 */
import { phaseStatusMeaning, runStatusMeaning } from './run-status.js';
import { type PhaseAttributes, type Resource, type RunAttributes, relatedId } from './tfe/types.js';

export interface PlanCounts {
  readonly additions: number;
  readonly changes: number;
  readonly destructions: number;
  readonly imports: number;
}

export interface RunFacts {
  readonly organization?: string;
  readonly workspaceName?: string;
  readonly workspaceId?: string;
  /** The configuration version the run uses. */
  readonly configurationVersionId?: string;
  /** The `configuration-version` input, when the run uses a copy of it (or it itself). */
  readonly sourceConfigurationVersionId?: string;
  readonly runId?: string;
  /** What the run is, when the step did not create it (`run-id`): from the run itself. */
  readonly planOnly?: boolean;
  readonly isDestroy?: boolean;
  readonly runUrl?: string;
  /** The run's last observed status, as the API spells it. */
  readonly runStatus?: string;
  readonly planId?: string;
  readonly planStatus?: string;
  readonly applyId?: string;
  readonly applyStatus?: string;
  readonly hasChanges?: boolean;
  readonly counts?: PlanCounts;
  /** The last lines of the plan (or apply) log, for errored runs. */
  readonly logTail?: string;
}

/** Returns `facts` with what the run, its plan and its apply say now. */
export function factsFromRun(
  facts: RunFacts,
  run: Resource<RunAttributes>,
  plan: Resource<PhaseAttributes> | undefined,
  apply: Resource<PhaseAttributes> | undefined
): RunFacts {
  const next: {
    -readonly [K in keyof RunFacts]: RunFacts[K];
  } = { ...facts, runId: run.id, runStatus: run.attributes?.status ?? facts.runStatus };
  next.planId = plan?.id ?? relatedId(run, 'plan') ?? facts.planId;
  if (plan) next.planStatus = plan.attributes?.status ?? facts.planStatus;
  // Counts and has-changes mean something only once the plan finished: a running plan's
  // numbers are partial, and an errored or canceled plan's "no changes" is no result.
  if (plan && next.planStatus === 'finished') {
    const a = plan.attributes ?? {};
    const counts = planCounts(a);
    if (counts) next.counts = counts;
    if (typeof a['has-changes'] === 'boolean') {
      next.hasChanges = a['has-changes'];
    } else if (next.counts) {
      // Older servers: the counts say it too.
      next.hasChanges = totalChanges(next.counts) > 0;
    }
  }
  if (typeof run.attributes?.['has-changes'] === 'boolean' && next.planStatus === 'finished') {
    next.hasChanges = run.attributes['has-changes'];
  }
  // The apply resource exists from the start; it only counts once an apply began, which
  // its own status tells, or else the run's (for servers whose apply says little).
  const applyId = apply?.id ?? relatedId(run, 'apply');
  if (apply?.attributes?.status) next.applyStatus = apply.attributes.status;
  if (
    applyId &&
    (phaseStatusMeaning(apply?.attributes?.status).started ||
      runStatusMeaning(run.attributes?.status).applying === true)
  ) {
    next.applyId = applyId;
  }
  return Object.freeze(next);
}

/** The plan's four counts, once the server has them (older TFE and OTF lack imports). */
export function planCounts(attributes: PhaseAttributes): PlanCounts | undefined {
  if (typeof attributes['resource-additions'] !== 'number') return undefined;
  return {
    additions: attributes['resource-additions'],
    changes: attributes['resource-changes'] ?? 0,
    destructions: attributes['resource-destructions'] ?? 0,
    imports: attributes['resource-imports'] ?? 0
  };
}

export function totalChanges(counts: PlanCounts): number {
  return counts.additions + counts.changes + counts.destructions + counts.imports;
}

/**
 * Whether the plan changes anything, as far as known: the API's flag, else the counts.
 * Undefined when neither is known yet.
 */
export function planHasChanges(facts: RunFacts): boolean | undefined {
  if (facts.hasChanges !== undefined) return facts.hasChanges;
  return facts.counts ? totalChanges(facts.counts) > 0 : undefined;
}
