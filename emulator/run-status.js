// Status rules of runs shared by the machine and the serializer: which
// statuses are final, and the `actions` flags (docs/tfe-api-notes.md §6.4, §6.5).
import { now } from './store.js';

/** @typedef {import('./store.js').Run} Run */

/** Statuses after which a run never changes again. */
export const FINAL_RUN_STATUSES = new Set([
  'applied',
  'planned_and_finished',
  'planned_and_saved',
  'discarded',
  'errored',
  'canceled',
  'force_canceled',
  'policy_soft_failed'
]);

/** Statuses in which an applyable run may wait for a confirmation. */
const CONFIRM_PAUSES = new Set([
  'planned',
  'cost_estimated',
  'policy_checked',
  'post_plan_completed',
  'planned_and_saved'
]);
const DISCARD_PAUSES = new Set([
  ...CONFIRM_PAUSES,
  'policy_override',
  'post_plan_running',
  'pre_plan_awaiting_decision',
  'post_plan_awaiting_decision',
  'pre_apply_awaiting_decision'
]);
const CANCELABLE = new Set([
  'pending',
  'plan_queued',
  'planning',
  'cost_estimating',
  'policy_checking',
  'pre_plan_running',
  'post_plan_running',
  'pre_apply_running',
  'confirmed',
  'apply_queued',
  'applying'
]);

/** @param {Run} run */
export function isFinal(run) {
  return FINAL_RUN_STATUSES.has(run.status);
}

/**
 * The run's `actions` object (§6.5).
 * @param {Run} run
 */
export function runActions(run) {
  const final = isFinal(run);
  const waiting = run.paused || run.hold === run.status;
  return {
    'is-confirmable':
      run.paused &&
      CONFIRM_PAUSES.has(run.status) &&
      !run.planOnly &&
      (run.plan?.hasChanges === true || run.allowEmptyApply),
    'is-discardable': run.status === 'pending' || (waiting && DISCARD_PAUSES.has(run.status)),
    'is-cancelable': !run.cancelRequested && CANCELABLE.has(run.status),
    'is-force-cancelable': run.cancelRequested && !final
  };
}

/**
 * @param {{ status: string, statusTimestamps: Record<string, string> }} record
 * @param {string} status
 */
export function mark(record, status) {
  record.status = status;
  record.statusTimestamps[`${status.replace(/_/g, '-')}-at`] = now();
}
