/**
 * What a run produced, as the report and the outputs use it: Terraform outputs, the cost
 * estimate, policy results and run-task results. Every text in here came from the server
 * and is untrusted: the renderer escapes it, the log quotes it.
 */

export interface TerraformOutput {
  /** `wsout-…`: the key of a sensitive value read on request. */
  readonly id: string;
  readonly name: string;
  readonly sensitive: boolean;
  /** Terraform's type, written as in a configuration: `string`, `list(string)`, … */
  readonly type: string;
  /** Never set for a sensitive output: those values travel apart (see SensitiveValues). */
  readonly value?: unknown;
}

/** Values of sensitive outputs by output ID; only read with `sensitive-outputs: true`. */
export type SensitiveValues = ReadonlyMap<string, unknown>;

export interface CostEstimate {
  readonly status: string;
  /** Decimal strings exactly as the API gave them, only when they are decimals. */
  readonly prior?: string;
  readonly proposed?: string;
  readonly delta?: string;
  readonly resources?: number;
  readonly matched?: number;
  readonly errorMessage?: string;
}

/** One policy's result, worst first in POLICY_RESULTS. */
export type PolicyResult =
  'hard-failed' | 'soft-failed' | 'overridden' | 'advisory-failed' | 'passed';

export interface PolicyRow {
  /** `sentinel` for the legacy policy checks and Sentinel evaluations, else `opa`. */
  readonly kind: 'sentinel' | 'opa';
  readonly set?: string;
  readonly name: string;
  /** As the server spells it: `advisory`, `soft-mandatory`, `hard-mandatory`, `mandatory`. */
  readonly enforcement: string;
  readonly result: PolicyResult;
  /** True when the policy errored rather than failed (it counts as hard-failed). */
  readonly errored?: boolean;
}

export interface TaskRow {
  readonly stage: string;
  readonly name: string;
  readonly status: string;
  readonly enforcement?: string;
  readonly message?: string;
  readonly url?: string;
}

/** A run paused for a person's override, and whether this step's token could give it. */
export interface OverrideWait {
  readonly kind: 'policy' | 'task';
  /** The task stage that waits (`post_plan`, …), when known. */
  readonly stage?: string;
  readonly tokenCanOverride?: boolean;
}

export interface RunResults {
  /** The workspace's current outputs, when they were read (after an apply). */
  readonly terraformOutputs?: readonly TerraformOutput[];
  /** Why the outputs are missing after a run that should have them. */
  readonly outputsUnavailable?: string;
  readonly costEstimate?: CostEstimate;
  /** Every policy of every check and evaluation; empty or absent when no policy ran. */
  readonly policies?: readonly PolicyRow[];
  readonly taskResults?: readonly TaskRow[];
  readonly overrideWait?: OverrideWait;
}
