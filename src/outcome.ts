/**
 * The step's outcome and all its wording: what to do at each look at the run, how the step
 * ends for each settled status, and the sentences the log, the summary and the PR comment
 * show. Pure functions, table-tested without a server.
 */
import { type PlanCounts, type RunFacts, planHasChanges } from './run-facts.js';
import { type KnownRunActions, runStatusMeaning } from './run-status.js';

export interface Outcome {
  readonly outcome: 'success' | 'failure';
  /** One sentence for the log, the summary and the PR comment. */
  readonly headline: string;
  /** Why the step failed, when it failed. */
  readonly error?: string;
}

/** What the run looks like at one poll, as far as the next decision needs. */
export interface RunView {
  readonly status: string;
  readonly actions: KnownRunActions;
  readonly planOnly: boolean;
  /** The run's own auto-apply, else the workspace's. */
  readonly autoApply: boolean;
  /** The run's `has-changes`, when it sends one. */
  readonly hasChanges?: boolean;
}

export interface StepRequest {
  /** `apply: true`: confirm a confirmable run with changes. */
  readonly apply: boolean;
  /** This step already confirmed the run once: never again. */
  readonly confirmed: boolean;
}

export type NextStep =
  /** The run settled: the step ends with `outcome`, else with settledOutcome(status). */
  | { readonly kind: 'settled'; readonly outcome?: Outcome }
  | { readonly kind: 'confirm' }
  /** Send this action (discard: true); a 409 means deciding again. */
  | { readonly kind: 'stop'; readonly action: 'cancel' | 'discard' }
  | { readonly kind: 'stop-waiting'; readonly outcome: Outcome }
  | { readonly kind: 'wait'; readonly pausedForDecision: boolean };

/**
 * The decision at one look at the run. A settled status ends the step; a confirmable run
 * is confirmed with `apply: true` when its plan has changes (or when nothing says whether
 * it has: the user asked for the apply), and otherwise ends the step successfully, left for
 * someone to confirm; anything else means waiting. A saved plan (`planned_and_saved`) is
 * final for the step that made it, but a later step with `run-id` and `apply: true`
 * confirms it (never auto-applied).
 */
export function nextStep(view: RunView, facts: RunFacts, request: StepRequest): NextStep {
  const meaning = runStatusMeaning(view.status);
  const savedPlan = view.status === 'planned_and_saved' && request.apply;
  if (meaning.settled && !savedPlan) return { kind: 'settled' };
  // Our confirmation was accepted; the status moves on a moment later.
  if (savedPlan && request.confirmed) return { kind: 'wait', pausedForDecision: false };
  if (
    view.actions.confirmable &&
    !view.planOnly &&
    !request.confirmed &&
    (!view.autoApply || savedPlan)
  ) {
    const changes = view.hasChanges ?? planHasChanges(facts);
    if (request.apply && changes !== false) return { kind: 'confirm' };
    if (savedPlan) return { kind: 'settled', outcome: unconfirmableSavedPlan(facts) };
    return { kind: 'stop-waiting', outcome: awaitingConfirmation(facts, request.apply) };
  }
  if (savedPlan) return { kind: 'settled', outcome: unconfirmableSavedPlan(facts) };
  return { kind: 'wait', pausedForDecision: meaning.pause === 'decision' };
}

/** A saved plan the server will not let anyone confirm: nothing to apply, or refused. */
function unconfirmableSavedPlan(facts: RunFacts): Outcome {
  if (planHasChanges(facts) === false) {
    return {
      outcome: 'success',
      headline: `The saved plan has no changes: nothing to apply. ${countsSentence(facts.counts)}`
    };
  }
  return {
    outcome: 'failure',
    headline:
      'The saved plan has changes but cannot be confirmed: the server says it is not confirmable. Check the run in the UI, or plan again.'
  };
}

/** The step's end at the first confirmable pause, when it does not confirm. */
function awaitingConfirmation(facts: RunFacts, apply: boolean): Outcome {
  const counts = countsSentence(facts.counts);
  return {
    outcome: 'success',
    headline: apply
      ? `Plan awaits confirmation but reports no changes, so it was not confirmed: ${counts}`
      : `Plan finished and awaits confirmation: ${counts} Confirm it in the UI, or set apply: true.`
  };
}

/** The step's end for a run that settled in `status`. */
export function settledOutcome(status: string, facts: RunFacts): Outcome {
  const counts = countsSentence(facts.counts);
  switch (status) {
    case 'applied':
      return {
        outcome: 'success',
        headline: `Apply finished: ${countsSentence(facts.counts, true)}`
      };
    case 'planned_and_finished':
      return {
        outcome: 'success',
        headline:
          facts.hasChanges === false ? 'Plan finished: no changes.' : `Plan finished: ${counts}`
      };
    case 'planned_and_saved':
      return { outcome: 'success', headline: `Plan saved, to be applied later: ${counts}` };
    case 'errored': {
      const phase =
        facts.applyStatus === 'errored' ? 'Apply' : facts.planStatus === 'errored' ? 'Plan' : 'Run';
      return { outcome: 'failure', headline: `${phase} errored.` };
    }
    case 'policy_soft_failed':
      return {
        outcome: 'failure',
        headline: 'A soft-mandatory policy check failed and was not overridden.'
      };
    case 'discarded':
      return { outcome: 'failure', headline: 'The run was discarded.' };
    default:
      return { outcome: 'failure', headline: `The run was ${status.replace(/_/g, ' ')}.` };
  }
}

/** The warning shown once when the run waits for a person's decision. */
export function decisionWarning(runId: string, status: string, runUrl: string | undefined): string {
  return `Run ${runId} is ${status.replace(/_/g, ' ')}: it waits for someone to override or discard it in the UI (${runUrl ?? 'see the workspace'}). The action keeps waiting until the timeout.`;
}

export function inputErrorOutcome(message: string): Outcome {
  return { outcome: 'failure', headline: 'Input error.', error: message };
}

export function timedOutOutcome(message: string): Outcome {
  return { outcome: 'failure', headline: 'Timed out waiting for the run.', error: message };
}

export function cancelledOutcome(message: string): Outcome {
  return { outcome: 'failure', headline: 'The job was cancelled.', error: message };
}

/** Any other failure: whether a run existed decides the wording. */
export function failedOutcome(message: string, runExists: boolean): Outcome {
  return {
    outcome: 'failure',
    headline: runExists ? 'The run could not be completed.' : 'The run could not start.',
    error: message
  };
}

/** "2 to add, 0 to change, 1 to destroy." (or "2 added, …" for an apply); imports when any. */
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
