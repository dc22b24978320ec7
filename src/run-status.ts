/**
 * What the API's run and phase statuses mean for this step (tfe-api.md §6.4, §8.2, §9),
 * and the wording built from them.
 */
import type { PlanCounts } from './report/types.js';
import type { RunAttributes } from './tfe/types.js';

const SUCCESS_STATUSES = new Set(['applied', 'planned_and_finished', 'planned_and_saved']);
const FAILURE_STATUSES = new Set([
  'errored',
  'canceled',
  'force_canceled',
  'discarded',
  'policy_soft_failed'
]);
/** Statuses in which a run waits for a person (override or decision in the UI). */
export const WAITS_FOR_PERSON = new Set([
  'policy_override',
  'tf_policy_override',
  'pre_plan_awaiting_decision',
  'post_plan_awaiting_decision',
  'pre_apply_awaiting_decision'
]);
export const FINAL_PHASE = new Set(['finished', 'errored', 'canceled', 'unreachable']);
/** Apply statuses that mean an apply began. */
export const APPLY_STARTED = new Set(['queued', 'running', 'finished', 'errored', 'canceled']);
/** Run statuses that mean an apply began (confirmed by someone, or by auto-apply). */
export const RUN_APPLYING = new Set([
  'confirmed',
  'pre_apply_running',
  'pre_apply_completed',
  'queuing_apply',
  'apply_queued',
  'applying',
  'post_apply_running',
  'post_apply_completed',
  'applied'
]);

/** Pauses for an apply confirmation (tfe-api.md §6.5). */
const AWAITS_CONFIRMATION = new Set([
  'planned',
  'cost_estimated',
  'policy_checked',
  'post_plan_completed'
]);
const CANCELABLE = new Set([
  'pending',
  'plan_queued',
  'planning',
  'cost_estimating',
  'policy_checking',
  'confirmed',
  'apply_queued',
  'applying'
]);

export interface KnownRunActions {
  readonly confirmable: boolean;
  readonly cancelable: boolean;
  readonly discardable: boolean;
}

/**
 * The run's `actions` flags. A server that leaves them out (a minimal TFE-compatible one)
 * gets them from the status as tfe-api.md §6.5 describes; flags that are sent always win.
 */
export function runActions(attributes: RunAttributes | undefined): KnownRunActions {
  const status = attributes?.status ?? '';
  const sent = attributes?.actions;
  const paused = AWAITS_CONFIRMATION.has(status) || WAITS_FOR_PERSON.has(status);
  return {
    confirmable:
      sent?.['is-confirmable'] ??
      (sent === undefined && AWAITS_CONFIRMATION.has(status) && attributes?.['plan-only'] !== true),
    cancelable: sent?.['is-cancelable'] ?? (sent === undefined && CANCELABLE.has(status)),
    discardable:
      sent?.['is-discardable'] ?? (sent === undefined && (paused || status === 'pending'))
  };
}

export function isFinalRunStatus(status: string | undefined): boolean {
  return status !== undefined && (SUCCESS_STATUSES.has(status) || FAILURE_STATUSES.has(status));
}

/**
 * Names of the failed policies in a Sentinel result (`data.<policy set>.policies[]` with
 * `policy` and `result`), read defensively: the shape is not part of the documented API.
 */
export function failedPolicyNames(sentinel: unknown): string[] {
  const sets = (sentinel as { data?: unknown } | null | undefined)?.data;
  if (!sets || typeof sets !== 'object') return [];
  const names: string[] = [];
  for (const set of Object.values(sets as Record<string, unknown>)) {
    const policies = (set as { policies?: unknown } | null)?.policies;
    if (!Array.isArray(policies)) continue;
    for (const policy of policies as { policy?: unknown; result?: unknown }[]) {
      if (policy?.result === false && typeof policy.policy === 'string') names.push(policy.policy);
    }
  }
  return names;
}

/** The run's page in the web UI (tfe-api.md §12). */
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

/** "2 to add, 0 to change, 1 to destroy." (or "2 added, …" for an apply). */
export function countsSentence(counts: PlanCounts | undefined, applied = false): string {
  if (!counts) return 'counts not available.';
  const words = applied
    ? ['added', 'changed', 'destroyed', 'imported']
    : ['to add', 'to change', 'to destroy', 'to import'];
  const parts = [
    `${counts.additions} ${words[0]}`,
    `${counts.changes} ${words[1]}`,
    `${counts.destructions} ${words[2]}`
  ];
  if (counts.imports) parts.push(`${counts.imports} ${words[3]}`);
  return `${parts.join(', ')}.`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const parts = [
    [Math.floor(total / 3600), 'h'],
    [Math.floor((total % 3600) / 60), 'm'],
    [total % 60, 's']
  ] as const;
  const text = parts
    .filter(([value]) => value > 0)
    .map(([value, unit]) => `${value}${unit}`)
    .join('');
  return text || '0s';
}
