/** What the action knows about its run when it reports: filled in as far as the run got. */
import type { Outcome } from '../outcome.js';
import type { RunFacts } from '../run-facts.js';
import type { RunResults } from '../run-results/types.js';

export type { PlanCounts } from '../run-facts.js';

/** The action of one resource in the plan, in the words people use. */
export type ResourceAction =
  'create' | 'update' | 'replace' | 'destroy' | 'import' | 'move' | 'read' | 'forget';

export interface ResourceChange {
  /** Resource address, e.g. `module.net.aws_subnet.a[0]`. */
  readonly address: string;
  readonly action: ResourceAction;
  /** For moves: the old address (also set when a moved resource is updated or replaced). */
  readonly previousAddress?: string;
  /** True when the resource is imported and also changed (action `update`/`replace`). */
  readonly importing?: boolean;
  /** Set for a deposed object of the resource (left over from a create-before-destroy). */
  readonly deposed?: string;
}

/**
 * The report: the run's facts, the step's outcome, what the run produced (outputs, cost,
 * policies, run tasks), and what the step itself adds (what it was asked, and the resource
 * list from the plan's JSON).
 */
export interface RunReport extends RunFacts, Outcome, RunResults {
  /** True when the step stopped before creating anything (input or packing error). */
  readonly nothingCreated?: boolean;
  readonly speculative?: boolean;
  readonly isDestroy?: boolean;
  /** The commit the configuration came from (GITHUB_SHA, or the PR's head). */
  readonly commitSha?: string;
  readonly message?: string;
  /** Resource-level changes from the plan's JSON output, when it could be read. */
  readonly resourceChanges?: readonly ResourceChange[];
  /** Why the resource-level changes are missing (e.g. the token may not read the plan JSON). */
  readonly resourceChangesUnavailable?: string;
}
