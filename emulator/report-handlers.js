// What a run produced, over HTTP: policy checks, cost estimates, task stages
// with their task results, policy evaluations and policy set outcomes, and
// the workspace's outputs (docs/tfe-api-notes.md §10, §11).
import { json, empty, error, notFound, paginate } from './http-util.js';
import { parseJson } from './workspace-handlers.js';
import { newSecret } from './store.js';
import { isFinal } from './run-status.js';
import { runResource } from './serialize.js';
import { policyCheckResource, POLICY_RESULT_STATUSES } from './policy-checks.js';
import { costEstimateResource } from './cost-estimates.js';
import { stagesOf, setOutcomesOf } from './task-stages.js';
import {
  taskStageResource,
  taskResultResource,
  policyEvaluationResource,
  policySetOutcomeResource
} from './task-stage-resources.js';
import { currentStateVersionOutputs, showStateVersionOutput } from './state-outputs.js';

/**
 * @typedef {import('./api-routes.js').Call} Call
 * @typedef {import('./api-routes.js').Handler} Handler
 * @typedef {import('./http-util.js').Reply} Reply
 * @typedef {import('./task-records.js').TaskStage} TaskStage
 */

/** @param {Call} call */
function listPolicyChecks(call) {
  const { store } = call.core;
  const run = store.run(call.params.id);
  if (!run) return notFound();
  const checks = run.policyCheckIds.flatMap(id => store.policyChecks.get(id) ?? []);
  const { page, links, meta } = paginate(
    checks,
    call.query,
    `/api/v2/runs/${run.id}/policy-checks`
  );
  return json(200, { data: page.map(pc => policyCheckResource(pc, run)), links, meta });
}

/** @param {Call} call */
function showPolicyCheck(call) {
  const { store } = call.core;
  const pc = store.policyChecks.get(call.params.id);
  return pc ? json(200, { data: policyCheckResource(pc, store.run(pc.runId)) }) : notFound();
}

/** @param {Call} call */
function overridePolicyCheck(call) {
  const { store, machine } = call.core;
  const pc = store.policyChecks.get(call.params.id);
  const run = pc ? store.run(pc.runId) : undefined;
  if (!pc || !run) return notFound();
  if (pc.status !== 'soft_failed' || run.status !== 'policy_override' || isFinal(run)) {
    return error(409, 'conflict', 'Policy check is not overridable');
  }
  machine.overridePolicy(run);
  return json(200, { data: policyCheckResource(pc, run) });
}

/**
 * `GET /policy-checks/:id/output`: 204 until there is a result, then a
 * redirect to the Sentinel output on the blob host (§10.1).
 * @param {Call} call
 */
function policyCheckOutput(call) {
  const { store } = call.core;
  const pc = store.policyChecks.get(call.params.id);
  if (!pc) return notFound();
  if (!POLICY_RESULT_STATUSES.includes(pc.status)) return empty(204);
  const secret = newSecret();
  store.blobs.set(secret, { kind: 'policy', id: pc.id });
  return { status: 307, headers: { Location: `${call.core.blobUrl}/policy/${secret}` } };
}

/** @param {Call} call */
function showCostEstimate(call) {
  const ce = call.core.store.costEstimates.get(call.params.id);
  return ce ? json(200, { data: costEstimateResource(ce) }) : notFound();
}

const STAGE_INCLUDES = new Map([
  ['task_results', 'task-results'],
  ['task-results', 'task-results'],
  ['policy_evaluations', 'policy-evaluations'],
  ['policy-evaluations', 'policy-evaluations'],
  ['run', 'run']
]);

/**
 * The resources `include` asks for next to these stages; a reply for an
 * include the API does not know.
 * @param {Call} call
 * @param {TaskStage[]} stages
 * @returns {{ included?: unknown[] } | { reply: Reply }}
 */
function stageIncludes(call, stages) {
  const include = call.query.get('include');
  if (include === null) return {};
  const { store } = call.core;
  const records = store.taskStages;
  /** @type {unknown[]} */
  const included = [];
  for (const name of include
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)) {
    const kind = STAGE_INCLUDES.get(name);
    if (!kind) return { reply: error(400, 'bad request', `Invalid include parameter: ${name}`) };
    for (const stage of stages) {
      if (kind === 'task-results') {
        for (const id of stage.resultIds) {
          const result = records.results.get(id);
          if (result) included.push(taskResultResource(result));
        }
      } else if (kind === 'policy-evaluations') {
        for (const id of stage.evaluationIds) {
          const evaluation = records.evaluations.get(id);
          if (evaluation) included.push(policyEvaluationResource(store, evaluation));
        }
      } else {
        const run = store.run(stage.runId);
        if (run && !included.some(r => /** @type {{ id: string }} */ (r).id === run.id)) {
          included.push(runResource(run, call.core));
        }
      }
    }
  }
  return { included };
}

/**
 * `GET /runs/:id/task-stages` (include `task_results`, `policy_evaluations`).
 * @param {Call} call
 */
function listTaskStages(call) {
  const { store } = call.core;
  const run = store.run(call.params.id);
  if (!run) return notFound();
  const { page, links, meta } = paginate(
    stagesOf(store, run),
    call.query,
    `/api/v2/runs/${run.id}/task-stages`
  );
  const extra = stageIncludes(call, page);
  if ('reply' in extra) return extra.reply;
  return json(200, { data: page.map(taskStageResource), ...extra, links, meta });
}

/** @param {Call} call */
function showTaskStage(call) {
  const stage = call.core.store.taskStages.stages.get(call.params.id);
  if (!stage) return notFound();
  const extra = stageIncludes(call, [stage]);
  if ('reply' in extra) return extra.reply;
  return json(200, { data: taskStageResource(stage), ...extra });
}

/**
 * `POST /task-stages/:id/actions/override`: a stage waiting for an override
 * runs again and passes; 409 otherwise.
 * @param {Call} call
 */
function overrideTaskStage(call) {
  const { store, machine } = call.core;
  const stage = store.taskStages.stages.get(call.params.id);
  const run = stage ? store.run(stage.runId) : undefined;
  if (!stage || !run) return notFound();
  const parsed = parseJson(call.body);
  if ('reply' in parsed) return parsed.reply;
  if (stage.status !== 'awaiting_override' || isFinal(run) || !machine.overrideTaskStage(run)) {
    return error(409, 'conflict', 'Task stage is not awaiting an override');
  }
  return json(200, { data: taskStageResource(stage) });
}

/** @param {Call} call */
function listPolicyEvaluations(call) {
  const { store } = call.core;
  const stage = store.taskStages.stages.get(call.params.id);
  if (!stage) return notFound();
  const evaluations = stage.evaluationIds.flatMap(id => store.taskStages.evaluations.get(id) ?? []);
  const { page, links, meta } = paginate(
    evaluations,
    call.query,
    `/api/v2/task-stages/${stage.id}/policy-evaluations`
  );
  return json(200, {
    data: page.map(e => policyEvaluationResource(store, e)),
    links,
    meta
  });
}

/** @param {Call} call */
function showPolicyEvaluation(call) {
  const { store } = call.core;
  const evaluation = store.taskStages.evaluations.get(call.params.id);
  return evaluation ? json(200, { data: policyEvaluationResource(store, evaluation) }) : notFound();
}

/**
 * `filter[n][status]` and `filter[n][enforcementLevel]`: a set is listed when
 * one of its outcomes matches one of the filters (all of its outcomes are
 * then returned, as the API does).
 * @param {URLSearchParams} query
 */
function outcomeFilter(query) {
  /** @type {Map<string, { status?: string, enforcementLevel?: string }>} */
  const groups = new Map();
  for (const [key, value] of query) {
    const m = /^filter\[(\d+)\]\[(status|enforcementLevel)\]$/.exec(key);
    if (!m) continue;
    const group = groups.get(m[1]) ?? {};
    if (m[2] === 'status') group.status = value;
    else group.enforcementLevel = value;
    groups.set(m[1], group);
  }
  const filters = [...groups.values()];
  /** @param {import('./task-records.js').PolicySetOutcome} set */
  return set =>
    filters.length === 0 ||
    set.outcomes.some(o =>
      filters.some(
        f =>
          (!f.status || o.status === f.status) &&
          // Errored outcomes have no enforcement level to filter by.
          (!f.enforcementLevel ||
            f.status === 'errored' ||
            o.enforcement_level === f.enforcementLevel)
      )
    );
}

/**
 * `GET /policy-evaluations/:id/policy-set-outcomes`: empty until the
 * evaluation has a result.
 * @param {Call} call
 */
function listPolicySetOutcomes(call) {
  const { store } = call.core;
  const evaluation = store.taskStages.evaluations.get(call.params.id);
  if (!evaluation) return notFound();
  const done = ['passed', 'failed', 'overridden', 'errored'].includes(evaluation.status);
  const sets = done ? setOutcomesOf(store, evaluation).filter(outcomeFilter(call.query)) : [];
  const { page, links, meta } = paginate(
    sets,
    call.query,
    `/api/v2/policy-evaluations/${evaluation.id}/policy-set-outcomes`
  );
  return json(200, { data: page.map(policySetOutcomeResource), links, meta });
}

/** @param {Call} call */
function showPolicySetOutcome(call) {
  const set = call.core.store.taskStages.outcomes.get(call.params.id);
  return set ? json(200, { data: policySetOutcomeResource(set) }) : notFound();
}

/** @param {Call} call */
function showTaskResult(call) {
  const result = call.core.store.taskStages.results.get(call.params.id);
  return result ? json(200, { data: taskResultResource(result) }) : notFound();
}

/** @type {[string, string, Handler][]} */
export const REPORT_ROUTES = [
  ['GET', '/workspaces/:id/current-state-version-outputs', currentStateVersionOutputs],
  ['GET', '/state-version-outputs/:id', showStateVersionOutput],
  ['GET', '/runs/:id/policy-checks', listPolicyChecks],
  ['GET', '/policy-checks/:id', showPolicyCheck],
  ['GET', '/policy-checks/:id/output', policyCheckOutput],
  ['POST', '/policy-checks/:id/actions/override', overridePolicyCheck],
  ['GET', '/cost-estimates/:id', showCostEstimate],
  ['GET', '/runs/:id/task-stages', listTaskStages],
  ['GET', '/task-stages/:id', showTaskStage],
  ['POST', '/task-stages/:id/actions/override', overrideTaskStage],
  ['GET', '/task-stages/:id/policy-evaluations', listPolicyEvaluations],
  ['GET', '/policy-evaluations/:id', showPolicyEvaluation],
  ['GET', '/policy-evaluations/:id/policy-set-outcomes', listPolicySetOutcomes],
  ['GET', '/policy-set-outcomes/:id', showPolicySetOutcome],
  ['GET', '/task-results/:id', showTaskResult]
];

/** Paths OTF has no endpoint for (docs/tfe-api-notes.md §13). */
export const NOT_IN_OTF =
  /^\/(policy-checks|cost-estimates|task-stages|task-results|policy-evaluations|policy-set-outcomes)\/|^\/runs\/[^/]+\/(policy-checks|task-stages)$/;
