// How a run's task stages play out (docs/tfe-api-notes.md §6.4, §10.3): a stage runs its
// tasks and policy evaluations, then passes, waits for an override, or fails
// the run. Advisory failures only warn; post-apply failures never fail a run.
import { mark } from './run-status.js';

/**
 * @typedef {import('./store.js').Store} Store
 * @typedef {import('./store.js').Run} Run
 * @typedef {import('./task-records.js').TaskStage} TaskStage
 * @typedef {import('./task-records.js').PolicyEvaluation} PolicyEvaluation
 * @typedef {import('./task-records.js').PolicySetOutcome} PolicySetOutcome
 * @typedef {import('./task-records.js').StageName} StageName
 *
 * @typedef {{ kind: 'completed' } | { kind: 'wait' | 'fail', runStatus: string }} Settled
 */

/**
 * @param {{ status: string, statusTimestamps: Record<string, string>, updatedAt: string }} record
 * @param {string} status
 */
function set(record, status) {
  mark(record, status);
  record.updatedAt = new Date().toISOString();
}

/**
 * @param {Store} store
 * @param {Run} run
 */
export function stagesOf(store, run) {
  return run.taskStageIds.flatMap(id => store.taskStages.stages.get(id) ?? []);
}

/**
 * The run's stage called `name` if it has not started yet.
 * @param {Store} store
 * @param {Run} run
 * @param {StageName} name
 */
export function pendingStage(store, run, name) {
  return stagesOf(store, run).find(s => s.stage === name && s.status === 'pending');
}

/**
 * The stage in progress: running, or waiting for an override.
 * @param {Store} store
 * @param {Run} run
 */
export function currentStage(store, run) {
  return stagesOf(store, run).find(s => ['running', 'awaiting_override'].includes(s.status));
}

/**
 * @param {Store} store
 * @param {PolicyEvaluation} evaluation
 */
export function setOutcomesOf(store, evaluation) {
  return evaluation.outcomeIds.flatMap(id => store.taskStages.outcomes.get(id) ?? []);
}

/**
 * `result-count` of a set of policy outcomes.
 * @param {PolicySetOutcome[]} sets
 */
export function resultCount(sets) {
  const all = sets.flatMap(s => s.outcomes);
  const count = (/** @type {(o: (typeof all)[number]) => boolean} */ test) =>
    all.filter(test).length;
  return {
    'advisory-failed': count(o => o.status === 'failed' && o.enforcement_level === 'advisory'),
    errored: count(o => o.status === 'errored'),
    'mandatory-failed': count(o => o.status === 'failed' && o.enforcement_level === 'mandatory'),
    passed: count(o => o.status === 'passed')
  };
}

/** @param {PolicySetOutcome} set */
function mandatoryFailed(set) {
  return set.outcomes.some(o => o.status === 'failed' && o.enforcement_level === 'mandatory');
}

/**
 * Starts a pending stage: it and its tasks run, its evaluations are queued
 * and then run.
 * @param {Store} store
 * @param {TaskStage} stage
 */
export function startStage(store, stage) {
  const records = store.taskStages;
  set(stage, 'running');
  for (const id of stage.resultIds) {
    const result = records.results.get(id);
    if (result) set(result, 'running');
  }
  for (const id of stage.evaluationIds) {
    const evaluation = records.evaluations.get(id);
    if (!evaluation) continue;
    set(evaluation, 'queued');
    set(evaluation, 'running');
  }
}

/**
 * Ends a running stage and says what the run does next.
 * @param {Store} store
 * @param {Run} run
 * @param {TaskStage} stage
 * @returns {Settled}
 */
export function settleStage(store, run, stage) {
  if (stage.overridden) {
    set(stage, 'passed');
    return { kind: 'completed' };
  }
  const records = store.taskStages;
  const results = stage.resultIds.flatMap(id => records.results.get(id) ?? []);
  const evaluations = stage.evaluationIds.flatMap(id => records.evaluations.get(id) ?? []);
  for (const result of results) set(result, result.verdict);
  for (const evaluation of evaluations) {
    const sets = setOutcomesOf(store, evaluation);
    const counts = resultCount(sets);
    if (counts.errored > 0 || sets.some(s => s.error !== '')) set(evaluation, 'errored');
    else if (counts['mandatory-failed'] > 0) set(evaluation, 'failed');
    else set(evaluation, 'passed');
  }
  const blockingTasks = results.filter(r => r.level === 'mandatory' && r.verdict !== 'passed');
  const blockingEvaluations = evaluations.filter(e => e.status !== 'passed');
  const blocked = blockingTasks.length + blockingEvaluations.length > 0;
  if (!blocked || stage.stage === 'post_apply') {
    set(stage, blocked ? 'failed' : 'passed');
    return { kind: 'completed' };
  }
  const overridable =
    (blockingTasks.length === 0 || stage.overridable) &&
    blockingEvaluations.every(
      e =>
        e.status === 'failed' &&
        setOutcomesOf(store, e)
          .filter(mandatoryFailed)
          .every(s => s.overridable)
    );
  if (overridable && !run.planOnly) {
    set(stage, 'awaiting_override');
    // §6.4: a failed (OPA) policy waits as `policy_override`, tasks as `*_awaiting_decision`.
    const runStatus =
      blockingEvaluations.length > 0 ? 'policy_override' : `${stage.stage}_awaiting_decision`;
    return { kind: 'wait', runStatus };
  }
  if (overridable && blockingTasks.length === 0) {
    // A speculative plan cannot wait: like a soft-failed Sentinel check, it ends.
    set(stage, 'failed');
    return { kind: 'fail', runStatus: 'policy_soft_failed' };
  }
  const verdicts = [
    ...blockingTasks.map(r => r.verdict),
    ...blockingEvaluations.map(e => e.status)
  ];
  set(stage, verdicts.every(v => v === 'errored') ? 'errored' : 'failed');
  return { kind: 'fail', runStatus: 'errored' };
}

/**
 * Overrides a stage waiting for it: failed evaluations become `overridden`
 * and the stage runs again, to pass on the next step.
 * @param {Store} store
 * @param {TaskStage} stage
 * @returns {boolean} false when the stage was not waiting
 */
export function overrideStage(store, stage) {
  if (stage.status !== 'awaiting_override') return false;
  for (const id of stage.evaluationIds) {
    const evaluation = store.taskStages.evaluations.get(id);
    if (evaluation?.status === 'failed') set(evaluation, 'overridden');
  }
  stage.overridden = true;
  set(stage, 'running');
  return true;
}

/**
 * Ends every unfinished stage, task and evaluation of a run that stopped:
 * what was under way is `canceled` by a cancel, the rest `unreachable`.
 * @param {Store} store
 * @param {Run} run
 * @param {'canceled' | 'unreachable'} how
 */
export function endStages(store, run, how) {
  const records = store.taskStages;
  /** @param {{ status: string, statusTimestamps: Record<string, string>, updatedAt: string }} r */
  const end = r => {
    if (r.status === 'pending') set(r, 'unreachable');
    else if (['queued', 'running', 'awaiting_override'].includes(r.status)) set(r, how);
  };
  for (const stage of stagesOf(store, run)) {
    end(stage);
    for (const id of stage.resultIds) {
      const result = records.results.get(id);
      if (result) end(result);
    }
    for (const id of stage.evaluationIds) {
      const evaluation = records.evaluations.get(id);
      if (evaluation) end(evaluation);
    }
  }
}
