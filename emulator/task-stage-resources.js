// Task stages, task results, policy evaluations and policy set outcomes as
// JSON:API resources (docs/tfe-api-notes.md §10.3).
import { setOutcomesOf, resultCount } from './task-stages.js';

/**
 * @typedef {import('./store.js').Store} Store
 * @typedef {import('./task-records.js').TaskStage} TaskStage
 * @typedef {import('./task-records.js').TaskResult} TaskResult
 * @typedef {import('./task-records.js').PolicyEvaluation} PolicyEvaluation
 * @typedef {import('./task-records.js').PolicySetOutcome} PolicySetOutcome
 */

const API = '/api/v2';
const FINAL_EVALUATION = ['passed', 'failed', 'overridden', 'errored'];

/**
 * @param {string} type
 * @param {string[]} ids
 */
const many = (type, ids) => ({ data: ids.map(id => ({ id, type })) });

/** @param {TaskStage} stage */
export function taskStageResource(stage) {
  return {
    id: stage.id,
    type: 'task-stages',
    attributes: {
      status: stage.status,
      stage: stage.stage,
      'status-timestamps': stage.statusTimestamps,
      'created-at': stage.createdAt,
      'updated-at': stage.updatedAt,
      permissions: {
        'can-override-policy': true,
        'can-override-tasks': true,
        'can-override': true
      },
      actions: { 'is-overridable': stage.status === 'awaiting_override' }
    },
    relationships: {
      run: { data: { id: stage.runId, type: 'runs' } },
      'task-results': many('task-results', stage.resultIds),
      'policy-evaluations': many('policy-evaluations', stage.evaluationIds)
    },
    links: { self: `${API}/task-stages/${stage.id}` }
  };
}

/** @param {TaskResult} result */
export function taskResultResource(result) {
  return {
    id: result.id,
    type: 'task-results',
    attributes: {
      message: result.message,
      status: result.status,
      'status-timestamps': result.statusTimestamps,
      url: result.url,
      'created-at': result.createdAt,
      'updated-at': result.updatedAt,
      'task-id': result.taskId,
      'task-name': result.name,
      'task-url': `https://tasks.example.test/${result.taskId}`,
      stage: result.stage,
      'is-speculative': result.speculative,
      'workspace-task-id': result.workspaceTaskId,
      'workspace-task-enforcement-level': result.level
    },
    relationships: { 'task-stage': { data: { id: result.stageId, type: 'task-stages' } } },
    links: { self: `${API}/task-results/${result.id}` }
  };
}

/**
 * Counts are zero until the evaluation has a result.
 * @param {Store} store
 * @param {PolicyEvaluation} evaluation
 */
export function policyEvaluationResource(store, evaluation) {
  const done = FINAL_EVALUATION.includes(evaluation.status);
  return {
    id: evaluation.id,
    type: 'policy-evaluations',
    attributes: {
      status: evaluation.status,
      'policy-kind': evaluation.kind,
      'policy-tool-version': evaluation.kind === 'opa' ? '0.61.0' : '0.26.0',
      'result-count': resultCount(done ? setOutcomesOf(store, evaluation) : []),
      'status-timestamps': evaluation.statusTimestamps,
      'created-at': evaluation.createdAt,
      'updated-at': evaluation.updatedAt
    },
    relationships: {
      'policy-attachable': { data: { id: evaluation.stageId, type: 'task-stages' } },
      'policy-set-outcomes': {
        links: { related: `${API}/policy-evaluations/${evaluation.id}/policy-set-outcomes` }
      }
    },
    links: { self: `${API}/policy-evaluations/${evaluation.id}` }
  };
}

/** @param {PolicySetOutcome} set */
export function policySetOutcomeResource(set) {
  return {
    id: set.id,
    type: 'policy-set-outcomes',
    attributes: {
      outcomes: set.outcomes.map(o => ({ ...o })),
      error: set.error,
      overridable: set.overridable,
      'policy-set-name': set.name,
      'policy-set-description': set.description,
      'result-count': resultCount([set]),
      'policy-tool-version': '0.61.0'
    },
    relationships: {
      'policy-evaluation': { data: { id: set.evaluationId, type: 'policy-evaluations' } }
    },
    links: { self: `${API}/policy-set-outcomes/${set.id}` }
  };
}
