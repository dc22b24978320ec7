/**
 * What the API's run, plan and apply statuses mean for this step (docs/tfe-api-notes.md
 * §6.4, §6.5, §8.2, §9). Each status list is a string-literal union and each meaning table
 * a Record over it, so a status nobody decided about, or a typo, fails the type check.
 * Servers may send statuses newer than this list: those mean "not settled, keep watching".
 */
import type { RunAttributes } from './tfe/types.js';

export const RUN_STATUSES = [
  'pending',
  'fetching',
  'fetching_completed',
  'pre_plan_running',
  'pre_plan_completed',
  'pre_plan_awaiting_decision',
  'queuing',
  'plan_queued',
  'planning',
  'planned',
  'cost_estimating',
  'cost_estimated',
  'policy_checking',
  'policy_override',
  'policy_soft_failed',
  'policy_checked',
  'tf_policy_checked',
  'tf_policy_override',
  'post_plan_running',
  'post_plan_completed',
  'post_plan_awaiting_decision',
  'planned_and_finished',
  'planned_and_saved',
  'confirmed',
  'pre_apply_running',
  'pre_apply_completed',
  'pre_apply_awaiting_decision',
  'queuing_apply',
  'apply_queued',
  'applying',
  'post_apply_running',
  'post_apply_completed',
  'applied',
  'discarded',
  'errored',
  'canceled',
  'force_canceled'
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunStatusMeaning {
  /** The run will not change any more during this step, and how the step ends then. */
  readonly settled?: 'success' | 'failure';
  /** The run pauses: for an apply confirmation, or for a person's decision in the UI. */
  readonly pause?: 'confirmation' | 'decision';
  /** A cancel request is accepted (used only when a server sends no `actions` flags). */
  readonly cancelable?: boolean;
  /** An apply began: confirmed by someone, or by auto-apply. */
  readonly applying?: boolean;
}

const RUN_STATUS_MEANING: Record<RunStatus, RunStatusMeaning> = {
  pending: { cancelable: true },
  fetching: {},
  fetching_completed: {},
  pre_plan_running: {},
  pre_plan_completed: {},
  pre_plan_awaiting_decision: { pause: 'decision' },
  queuing: {},
  plan_queued: { cancelable: true },
  planning: { cancelable: true },
  planned: { pause: 'confirmation' },
  cost_estimating: { cancelable: true },
  cost_estimated: { pause: 'confirmation' },
  policy_checking: { cancelable: true },
  policy_override: { pause: 'decision' },
  policy_soft_failed: { settled: 'failure' },
  policy_checked: { pause: 'confirmation' },
  tf_policy_checked: {},
  tf_policy_override: { pause: 'decision' },
  post_plan_running: {},
  post_plan_completed: { pause: 'confirmation' },
  post_plan_awaiting_decision: { pause: 'decision' },
  planned_and_finished: { settled: 'success' },
  // Final for this step; the saved plan can still be confirmed later (by run-id), so it
  // also pauses for confirmation (§6.5 lists it among the confirmable statuses).
  planned_and_saved: { settled: 'success', pause: 'confirmation' },
  confirmed: { cancelable: true, applying: true },
  pre_apply_running: { applying: true },
  pre_apply_completed: { applying: true },
  pre_apply_awaiting_decision: { pause: 'decision' },
  queuing_apply: { applying: true },
  apply_queued: { cancelable: true, applying: true },
  applying: { cancelable: true, applying: true },
  post_apply_running: { applying: true },
  post_apply_completed: { applying: true },
  applied: { settled: 'success', applying: true },
  discarded: { settled: 'failure' },
  errored: { settled: 'failure' },
  canceled: { settled: 'failure' },
  force_canceled: { settled: 'failure' }
};

export function isKnownRunStatus(status: string | undefined): status is RunStatus {
  return status !== undefined && Object.hasOwn(RUN_STATUS_MEANING, status);
}

/** The meaning of a status as the API spells it; unknown or missing ones mean nothing yet. */
export function runStatusMeaning(status: string | undefined): RunStatusMeaning {
  return isKnownRunStatus(status) ? RUN_STATUS_MEANING[status] : {};
}

export function isFinalRunStatus(status: string | undefined): boolean {
  return runStatusMeaning(status).settled !== undefined;
}

export const PHASE_STATUSES = [
  'pending',
  'managed_queued',
  'queued',
  'agent_queued',
  'created',
  'mfa_waiting',
  'running',
  'finished',
  'errored',
  'canceled',
  'unreachable'
] as const;
/** Plan and apply statuses (the lists overlap; §8.2 and §9). */
export type PhaseStatus = (typeof PHASE_STATUSES)[number];

export interface PhaseStatusMeaning {
  /** The phase will not change any more. */
  readonly final: boolean;
  /** For an apply: it began (it was confirmed). */
  readonly started: boolean;
}

const PHASE_STATUS_MEANING: Record<PhaseStatus, PhaseStatusMeaning> = {
  pending: { final: false, started: false },
  managed_queued: { final: false, started: true },
  queued: { final: false, started: true },
  agent_queued: { final: false, started: true },
  created: { final: false, started: false },
  mfa_waiting: { final: false, started: false },
  running: { final: false, started: true },
  finished: { final: true, started: true },
  errored: { final: true, started: true },
  canceled: { final: true, started: true },
  // The phase will never run (a plan-only run's apply, a discarded run).
  unreachable: { final: true, started: false }
};

export function phaseStatusMeaning(status: string | undefined): PhaseStatusMeaning {
  return status !== undefined && Object.hasOwn(PHASE_STATUS_MEANING, status)
    ? PHASE_STATUS_MEANING[status as PhaseStatus]
    : { final: false, started: false };
}

export function isFinalPhase(status: string | undefined): boolean {
  return phaseStatusMeaning(status).final;
}

export interface KnownRunActions {
  readonly confirmable: boolean;
  readonly cancelable: boolean;
  readonly discardable: boolean;
}

/**
 * The run's `actions` flags. A server that leaves them out (a minimal TFE-compatible one)
 * gets them from the status as §6.5 describes; flags that are sent always win.
 */
export function runActions(attributes: RunAttributes | undefined): KnownRunActions {
  const meaning = runStatusMeaning(attributes?.status);
  const sent = attributes?.actions;
  const guess = sent === undefined;
  return {
    confirmable:
      sent?.['is-confirmable'] ??
      (guess && meaning.pause === 'confirmation' && attributes?.['plan-only'] !== true),
    cancelable: sent?.['is-cancelable'] ?? (guess && meaning.cancelable === true),
    discardable:
      sent?.['is-discardable'] ??
      (guess && (meaning.pause !== undefined || attributes?.status === 'pending'))
  };
}

/** The run's page in the web UI (§12). */
export function runUrl(
  baseUrl: string,
  organization: string | undefined,
  workspaceName: string | undefined,
  runId: string
): string {
  const org = encodeURIComponent(organization ?? '');
  const name = encodeURIComponent(workspaceName ?? '');
  return `${baseUrl}/app/${org}/workspaces/${name}/runs/${runId}`;
}
