/**
 * The documents of what a run produced (docs/tfe-api-notes.md §10, §11): state version
 * outputs, cost estimates, task stages with their task results, policy evaluations and
 * policy set outcomes. Every attribute is optional and read defensively: the server may be
 * hostile, old, or OTF.
 */

export interface StateOutputAttributes {
  readonly name?: unknown;
  readonly sensitive?: unknown;
  readonly type?: unknown;
  readonly value?: unknown;
  readonly 'detailed-type'?: unknown;
}

export interface CostEstimateAttributes {
  readonly status?: unknown;
  readonly 'prior-monthly-cost'?: unknown;
  readonly 'proposed-monthly-cost'?: unknown;
  readonly 'delta-monthly-cost'?: unknown;
  readonly 'resources-count'?: unknown;
  readonly 'matched-resources-count'?: unknown;
  readonly 'unmatched-resources-count'?: unknown;
  readonly 'error-message'?: unknown;
}

export interface TaskStageAttributes {
  readonly stage?: unknown;
  readonly status?: unknown;
  readonly permissions?: Readonly<Record<string, unknown>>;
  readonly actions?: Readonly<Record<string, unknown>>;
}

export interface TaskResultAttributes {
  readonly status?: unknown;
  readonly 'task-name'?: unknown;
  readonly message?: unknown;
  readonly url?: unknown;
  readonly stage?: unknown;
  readonly 'workspace-task-enforcement-level'?: unknown;
}

export interface PolicyEvaluationAttributes {
  readonly status?: unknown;
  readonly 'policy-kind'?: unknown;
}

export interface PolicyOutcome {
  readonly policy_name?: unknown;
  readonly enforcement_level?: unknown;
  readonly status?: unknown;
  readonly description?: unknown;
}

export interface PolicySetOutcomeAttributes {
  readonly 'policy-set-name'?: unknown;
  readonly outcomes?: unknown;
  readonly overridable?: unknown;
  readonly error?: unknown;
}
