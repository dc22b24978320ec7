/** What the action knows about its run when it reports: filled in as far as the run got. */

export interface PlanCounts {
  readonly additions: number;
  readonly changes: number;
  readonly destructions: number;
  readonly imports: number;
}

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

export interface RunReport {
  /** The step's result. */
  readonly outcome: 'success' | 'failure';
  /** One sentence saying what happened, e.g. "Plan finished: 2 to add, 0 to change, 0 to destroy." */
  readonly headline: string;
  /** Why the step failed, when it failed. */
  readonly error?: string;
  /** True when the step stopped before creating anything (input or packing error). */
  readonly nothingCreated?: boolean;
  readonly organization?: string;
  readonly workspaceName?: string;
  readonly workspaceId?: string;
  readonly runId?: string;
  readonly runUrl?: string;
  readonly runStatus?: string;
  readonly configurationVersionId?: string;
  readonly planId?: string;
  readonly applyId?: string;
  readonly hasChanges?: boolean;
  readonly counts?: PlanCounts;
  readonly speculative?: boolean;
  readonly isDestroy?: boolean;
  /** The commit the configuration came from (GITHUB_SHA). */
  readonly commitSha?: string;
  readonly message?: string;
  /** Resource-level changes from the plan's JSON output, when it could be read. */
  readonly resourceChanges?: readonly ResourceChange[];
  /** Why the resource-level changes are missing (e.g. the token may not read the plan JSON). */
  readonly resourceChangesUnavailable?: string;
  /** The last lines of the plan (or apply) log, for errored runs. */
  readonly logTail?: string;
  /** Names of failed policies, for policy failures. */
  readonly policyFailures?: readonly string[];
}
