/**
 * `discard: true` on an existing run: make sure it never applies (docs/contract.md,
 * "Existing runs and configuration versions"). Pure, like nextStep: the driver looks at the
 * run, this decides, and the wording of every ending lives here.
 */
import type { NextStep, Outcome, RunView } from './outcome.js';
import { runStatusMeaning } from './run-status.js';

export interface DiscardRequest {
  /** The stop this step already sent and the server accepted (202), if any. */
  readonly sent?: 'cancel' | 'discard';
}

/**
 * Discards a run that waits (for confirmation, a decision, or with a saved plan) or is
 * pending, cancels one while it is queued or planning, and leaves a run that is applying
 * or applied alone: then the step fails, as nothing could be stopped.
 */
export function discardStep(view: RunView, request: DiscardRequest): NextStep {
  const { status } = view;
  const meaning = runStatusMeaning(status);
  const words = status.replace(/_/g, ' ');
  if (status === 'applied') {
    return settled(
      'failure',
      request.sent
        ? 'The run applied before it could be stopped.'
        : 'The run had already applied: nothing could be discarded.'
    );
  }
  if (status === 'discarded' || status === 'canceled' || status === 'force_canceled') {
    return settled(
      'success',
      request.sent
        ? `The run was ${words}: it will never apply.`
        : `The run was already ${words}: it will never apply.`
    );
  }
  // A saved plan is final for its own step, but can still be confirmed: discard it.
  if (meaning.settled && status !== 'planned_and_saved') {
    return settled('success', `The run had already ended without applying (${words}).`);
  }
  if (meaning.applying) {
    return {
      kind: 'stop-waiting',
      outcome: {
        outcome: 'failure',
        headline: `The run is already applying (${words}): it was left alone, and it may change resources.`
      }
    };
  }
  // An accepted stop takes effect a moment later; only a plan that finished despite the
  // cancel (it now waits) needs the discard as well.
  if (view.actions.discardable && request.sent !== 'discard') {
    return { kind: 'stop', action: 'discard' };
  }
  if (view.actions.cancelable && !request.sent) return { kind: 'stop', action: 'cancel' };
  return { kind: 'wait', pausedForDecision: false };
}

function settled(outcome: Outcome['outcome'], headline: string): NextStep {
  return { kind: 'settled', outcome: { outcome, headline } };
}
