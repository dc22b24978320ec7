// Records of run task stages (docs/tfe-api-notes.md §10.3): a stage per run stage that
// has run tasks or policy evaluations, its task results, its policy
// evaluations and their policy set outcomes, all created with the run.
import { newId as id } from './store.js';

/**
 * @typedef {'pre_plan' | 'post_plan' | 'pre_apply' | 'post_apply'} StageName
 * @typedef {'passed' | 'failed' | 'errored'} Verdict
 *
 * @typedef {object} TaskSpec a run task's result as a test sets it
 * @property {string} name
 * @property {Verdict} [status] default `passed`
 * @property {'advisory' | 'mandatory'} [level] default `advisory`
 * @property {string} [message]
 * @property {string} [url]
 *
 * @typedef {object} OutcomeSpec one policy's outcome
 * @property {string} name
 * @property {'advisory' | 'mandatory'} [level] default `advisory`
 * @property {Verdict} [status] default `passed`
 * @property {string} [description]
 * @property {string} [query]
 *
 * @typedef {object} PolicySetSpec
 * @property {string} name
 * @property {string | null} [description]
 * @property {boolean} [overridable] a mandatory failure may be overridden (default false)
 * @property {string} [error] the set errored (the evaluation ends `errored`)
 * @property {OutcomeSpec[]} [outcomes]
 *
 * @typedef {object} EvaluationSpec
 * @property {'opa' | 'sentinel'} [kind] default `opa`
 * @property {PolicySetSpec[]} [policySets]
 *
 * @typedef {object} StageSpec
 * @property {StageName} stage
 * @property {boolean} [overridable] a mandatory task failure waits for an override
 * @property {TaskSpec[]} [tasks]
 * @property {EvaluationSpec[]} [policyEvaluations]
 *
 * @typedef {object} TaskStage
 * @property {string} id
 * @property {string} runId
 * @property {StageName} stage
 * @property {string} status
 * @property {boolean} overridable
 * @property {boolean} overridden
 * @property {string[]} resultIds
 * @property {string[]} evaluationIds
 * @property {Record<string, string>} statusTimestamps
 * @property {string} createdAt
 * @property {string} updatedAt
 *
 * @typedef {object} TaskResult
 * @property {string} id
 * @property {string} stageId
 * @property {StageName} stage
 * @property {string} status
 * @property {Verdict} verdict the status it ends with
 * @property {string} name
 * @property {'advisory' | 'mandatory'} level
 * @property {string} message
 * @property {string} url
 * @property {string} taskId
 * @property {string} workspaceTaskId
 * @property {boolean} speculative
 * @property {Record<string, string>} statusTimestamps
 * @property {string} createdAt
 * @property {string} updatedAt
 *
 * @typedef {object} PolicyEvaluation
 * @property {string} id
 * @property {string} stageId
 * @property {'opa' | 'sentinel'} kind
 * @property {string} status
 * @property {string[]} outcomeIds
 * @property {Record<string, string>} statusTimestamps
 * @property {string} createdAt
 * @property {string} updatedAt
 *
 * @typedef {object} Outcome
 * @property {string} policy_name
 * @property {'advisory' | 'mandatory'} enforcement_level
 * @property {Verdict} status
 * @property {string} description
 * @property {string} query
 *
 * @typedef {object} PolicySetOutcome
 * @property {string} id
 * @property {string} evaluationId
 * @property {string} name
 * @property {string | null} description
 * @property {boolean} overridable
 * @property {string} error
 * @property {Outcome[]} outcomes
 */

export const STAGE_NAMES = /** @type {const} */ ([
  'pre_plan',
  'post_plan',
  'pre_apply',
  'post_apply'
]);

/**
 * Throws for a stage the API does not have, or one given twice.
 * @param {StageSpec[]} specs
 */
export function checkStageSpecs(specs) {
  const seen = new Set();
  for (const spec of specs) {
    if (!STAGE_NAMES.includes(spec.stage) || seen.has(spec.stage)) {
      throw new Error(`task stage ${String(spec.stage)} is unknown or given twice`);
    }
    seen.add(spec.stage);
  }
}

export class TaskStageRecords {
  constructor() {
    /** @type {Map<string, TaskStage>} */
    this.stages = new Map();
    /** @type {Map<string, TaskResult>} */
    this.results = new Map();
    /** @type {Map<string, PolicyEvaluation>} */
    this.evaluations = new Map();
    /** @type {Map<string, PolicySetOutcome>} */
    this.outcomes = new Map();
  }

  /**
   * Creates the stages a scenario describes, in run order.
   * @param {string} runId
   * @param {StageSpec[]} specs
   * @param {boolean} speculative
   * @returns {string[]} stage IDs
   */
  create(runId, specs, speculative) {
    const ordered = [...specs].sort(
      (a, b) => STAGE_NAMES.indexOf(a.stage) - STAGE_NAMES.indexOf(b.stage)
    );
    return ordered.map(spec => {
      const created = new Date().toISOString();
      /** @type {TaskStage} */
      const stage = {
        id: id('ts'),
        runId,
        stage: spec.stage,
        status: 'pending',
        overridable: spec.overridable === true,
        overridden: false,
        resultIds: [],
        evaluationIds: [],
        statusTimestamps: {},
        createdAt: created,
        updatedAt: created
      };
      for (const task of spec.tasks ?? []) {
        /** @type {TaskResult} */
        const result = {
          id: id('taskrs'),
          stageId: stage.id,
          stage: spec.stage,
          status: 'pending',
          verdict: task.status ?? 'passed',
          name: task.name,
          level: task.level ?? 'advisory',
          message: task.message ?? '',
          url: task.url ?? '',
          taskId: id('task'),
          workspaceTaskId: id('wstask'),
          speculative,
          statusTimestamps: {},
          createdAt: created,
          updatedAt: created
        };
        this.results.set(result.id, result);
        stage.resultIds.push(result.id);
      }
      for (const evaluation of spec.policyEvaluations ?? []) {
        /** @type {PolicyEvaluation} */
        const record = {
          id: id('poleval'),
          stageId: stage.id,
          kind: evaluation.kind ?? 'opa',
          status: 'pending',
          outcomeIds: [],
          statusTimestamps: {},
          createdAt: created,
          updatedAt: created
        };
        for (const set of evaluation.policySets ?? []) {
          /** @type {PolicySetOutcome} */
          const outcome = {
            id: id('psout'),
            evaluationId: record.id,
            name: set.name,
            description: set.description ?? null,
            overridable: set.overridable === true,
            error: set.error ?? '',
            outcomes: (set.outcomes ?? []).map(o => ({
              policy_name: o.name,
              enforcement_level: o.level ?? 'advisory',
              status: o.status ?? 'passed',
              description: o.description ?? '',
              query: o.query ?? `data.terraform.policies.${o.name}.deny`
            }))
          };
          this.outcomes.set(outcome.id, outcome);
          record.outcomeIds.push(outcome.id);
        }
        this.evaluations.set(record.id, record);
        stage.evaluationIds.push(record.id);
      }
      this.stages.set(stage.id, stage);
      return stage.id;
    });
  }
}
