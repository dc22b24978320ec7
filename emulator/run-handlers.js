// Runs, their actions, plans and applies (docs/tfe-api-notes.md §6, §8, §9); what runs
// produced is served by report-handlers.js.
import { json, empty, error, notFound, invalid, paginate } from './http-util.js';
import { parseJson } from './workspace-handlers.js';
import { runResource, phaseResource, workspaceResource, cvResource } from './serialize.js';
import { policyCheckResource } from './policy-checks.js';
import { costEstimateResource } from './cost-estimates.js';
import { taskStageResource } from './task-stage-resources.js';
import { runActions } from './run-status.js';
import { createRunRecord } from './run-records.js';
import { newSecret, now } from './store.js';
import { foreignCvRefusal } from './foreign-cv.js';
import { planJsonBody } from './huge-bodies.js';

/**
 * @typedef {import('./api-routes.js').Call} Call
 * @typedef {import('./http-util.js').Reply} Reply
 * @typedef {import('./store.js').Run} Run
 */

const BOOLEAN_ATTRS = [
  'is-destroy',
  'refresh',
  'refresh-only',
  'plan-only',
  'save-plan',
  'auto-apply',
  'allow-empty-apply',
  'allow-config-generation',
  'debugging-mode'
];
const STRING_LIST_ATTRS = ['target-addrs', 'replace-addrs', 'invoke-action-addrs', 'policy-paths'];

/**
 * Type checks of §6.1; returns an error reply or null.
 * @param {Record<string, unknown>} attrs
 * @returns {Reply | null}
 */
function checkAttributeTypes(attrs) {
  for (const key of BOOLEAN_ATTRS) {
    if (key in attrs && typeof attrs[key] !== 'boolean') {
      return invalid(`${key} must be a boolean`, `/data/attributes/${key}`);
    }
  }
  for (const key of STRING_LIST_ATTRS) {
    const v = attrs[key];
    if (
      v !== undefined &&
      v !== null &&
      !(Array.isArray(v) && v.every(s => typeof s === 'string'))
    ) {
      return invalid(`${key} must be a list of strings`, `/data/attributes/${key}`);
    }
  }
  for (const key of ['message', 'terraform-version']) {
    if (key in attrs && typeof attrs[key] !== 'string') {
      return invalid(`${key} must be a string`, `/data/attributes/${key}`);
    }
  }
  const vars = attrs.variables;
  if (vars !== undefined && vars !== null) {
    const ok =
      Array.isArray(vars) &&
      vars.every(
        v =>
          typeof v === 'object' &&
          v !== null &&
          typeof v.key === 'string' &&
          typeof v.value === 'string'
      );
    if (!ok)
      return invalid(
        'variables must be a list of {key, value} strings',
        '/data/attributes/variables'
      );
  }
  return null;
}

/**
 * `POST /runs` with the validation rules of §6.1.
 * @param {Call} call
 */
export function createRun(call) {
  const { store } = call.core;
  const parsed = parseJson(call.body);
  if ('reply' in parsed) return parsed.reply;
  const data = parsed.doc?.data;
  if (typeof data !== 'object' || data === null || data.type !== 'runs') {
    return invalid('data.type must be "runs"', '/data/type');
  }
  if (
    data.attributes !== undefined &&
    (typeof data.attributes !== 'object' || Array.isArray(data.attributes))
  ) {
    return invalid('attributes must be an object', '/data/attributes');
  }
  /** @type {Record<string, unknown>} */
  const attrs = { ...(data.attributes ?? {}) };
  const typeError = checkAttributeTypes(attrs);
  if (typeError) return typeError;
  const wsId = data.relationships?.workspace?.data?.id;
  if (typeof wsId !== 'string' || wsId === '') {
    return invalid('workspace is required', '/data/relationships/workspace');
  }
  const ws = store.workspaces.get(wsId);
  if (!ws || ws.permissions['can-queue-run'] === false) return notFound();
  if (ws.executionMode === 'local') {
    return invalid(
      'Workspace execution mode is local: runs must be performed locally',
      '/data/relationships/workspace'
    );
  }
  const cvId = data.relationships?.['configuration-version']?.data?.id;
  const cv =
    typeof cvId === 'string'
      ? store.cv(cvId)
      : [...store.configurationVersions].reverse().find(c => c.workspaceId === ws.id);
  if (typeof cvId === 'string') {
    const refused = foreignCvRefusal(store, ws, cv);
    if (refused) return refused;
  }
  if (!cv || cv.status !== 'uploaded') {
    return invalid(
      'Configuration version is not uploaded',
      '/data/relationships/configuration-version'
    );
  }
  // A speculative configuration version can only ever be planned.
  if (cv.speculative) attrs['plan-only'] = true;
  if (attrs['terraform-version'] !== undefined && attrs['plan-only'] !== true) {
    return invalid(
      'terraform-version can only be set on plan-only runs',
      '/data/attributes/terraform-version'
    );
  }
  if (attrs['is-destroy'] === true && attrs['refresh-only'] === true) {
    return invalid(
      'is-destroy and refresh-only are mutually exclusive',
      '/data/attributes/refresh-only'
    );
  }
  if (attrs['is-destroy'] === true && !ws.allowDestroyPlan) {
    return invalid(
      'destroy plans are not allowed on this workspace',
      '/data/attributes/is-destroy'
    );
  }
  const invoke = /** @type {string[] | undefined} */ (attrs['invoke-action-addrs']);
  if (invoke && invoke.length > 0) {
    const targets = /** @type {string[] | undefined} */ (attrs['target-addrs']);
    if (invoke.length > 1 || (targets && targets.length > 0) || attrs['is-destroy'] === true) {
      return invalid(
        'invoke-action-addrs takes one address and excludes target-addrs and is-destroy',
        '/data/attributes/invoke-action-addrs'
      );
    }
  }
  if (attrs['plan-only'] !== true && ws.permissions['can-queue-apply'] === false) {
    return error(403, 'forbidden', 'not allowed to queue applyable runs');
  }
  if (attrs['is-destroy'] === true && ws.permissions['can-queue-destroy'] === false) {
    return error(403, 'forbidden', 'not allowed to queue destroy runs');
  }
  const run = createRunRecord(store, ws, cv, attrs, 'tfe-api');
  return json(201, { data: runResource(run, call.core) });
}

const RUN_INCLUDES = new Set([
  'plan',
  'apply',
  'cost_estimate',
  'workspace',
  'configuration_version',
  'created_by',
  'task_stages',
  'policy_checks'
]);

const OTF_INCLUDES = new Set(['workspace', 'configuration_version', 'created_by']);

/** @param {Call} call */
export function showRun(call) {
  const { store } = call.core;
  const run = store.run(call.params.id);
  if (!run) return notFound();
  /** @type {{ data: unknown, included?: unknown[] }} */
  const doc = { data: runResource(run, call.core) };
  const include = call.query.get('include');
  if (include !== null) {
    let names = include
      .split(',')
      .map(s => s.trim())
      .filter(Boolean);
    const unknown = names.find(n => !RUN_INCLUDES.has(n));
    // TFC and TFE answer 400 for an include they do not know (§1.4); OTF
    // ignores it, and also ignores plan, apply and the check includes.
    if (unknown && !call.core.otf) {
      return error(400, 'bad request', `Invalid include parameter: ${unknown}`);
    }
    if (call.core.otf) names = names.filter(n => OTF_INCLUDES.has(n));
    /** @type {unknown[]} */
    const included = [];
    for (const name of names) {
      if (name === 'plan')
        included.push(
          phaseResource(/** @type {any} */ (store.plans.get(run.planId)), 'plans', call.core)
        );
      if (name === 'apply')
        included.push(
          phaseResource(/** @type {any} */ (store.applies.get(run.applyId)), 'applies', call.core)
        );
      if (name === 'cost_estimate' && run.costEstimateId) {
        const ce = store.costEstimates.get(run.costEstimateId);
        if (ce) included.push(costEstimateResource(ce));
      }
      if (name === 'workspace') {
        const ws = store.workspaces.get(run.workspaceId);
        if (ws) included.push(workspaceResource(ws, call.core));
      }
      if (name === 'configuration_version') {
        const cv = store.cv(run.cvId);
        if (cv) included.push(cvResource(cv, call.core));
      }
      if (name === 'policy_checks') {
        for (const id of run.policyCheckIds) {
          const pc = store.policyChecks.get(id);
          if (pc) included.push(policyCheckResource(pc, run));
        }
      }
      if (name === 'task_stages') {
        for (const id of run.taskStageIds) {
          const stage = store.taskStages.stages.get(id);
          if (stage) included.push(taskStageResource(stage));
        }
      }
    }
    doc.included = included;
  }
  return json(200, doc);
}

/** @param {Run} run */
function operation(run) {
  if (run.planOnly) return 'plan_only';
  if (run.savePlan) return 'save_plan';
  if (run.refreshOnly) return 'refresh_only';
  if (run.isDestroy) return 'destroy';
  if (run.allowEmptyApply) return 'empty_apply';
  return 'plan_and_apply';
}

/**
 * `GET /workspaces/:id/runs`: newest first; plan-only runs only when
 * `filter[operation]` asks for them (§6.3).
 * @param {Call} call
 */
export function listRuns(call) {
  const { store } = call.core;
  const ws = store.workspaces.get(call.params.id);
  if (!ws) return notFound();
  const csv = (/** @type {string} */ key) =>
    call.query
      .get(key)
      ?.split(',')
      .map(s => s.trim())
      .filter(Boolean);
  const operations = csv('filter[operation]');
  const statuses = csv('filter[status]');
  const search = call.query.get('search[basic]')?.toLowerCase();
  const runs = store.runs
    .filter(r => r.workspaceId === ws.id)
    .filter(r => (operations ? operations.includes(operation(r)) : !r.planOnly))
    .filter(r => !statuses || statuses.includes(r.status))
    .filter(r => {
      if (!search) return true;
      const message = typeof r.attrs.message === 'string' ? r.attrs.message : '';
      return message.toLowerCase().includes(search) || r.id.toLowerCase() === search;
    })
    .reverse();
  const { page, links, meta } = paginate(runs, call.query, `/api/v2/workspaces/${ws.id}/runs`);
  return json(200, { data: page.map(r => runResource(r, call.core)), links, meta });
}

/**
 * `POST /runs/:id/actions/:action`: 202 with an empty body, or 409 when the
 * matching `actions.is-*` flag is false (§6.6).
 * @param {Call} call
 */
export function runAction(call) {
  const { store, machine } = call.core;
  const run = store.run(call.params.id);
  if (!run) return notFound();
  const action = call.params.action;
  const flags = runActions(run);
  /** @type {Record<string, [boolean, (r: Run) => void, string]>} */
  const table = {
    apply: [flags['is-confirmable'], r => machine.confirm(r), 'Run is not paused for confirmation'],
    discard: [flags['is-discardable'], r => machine.discard(r), 'Run is not discardable'],
    cancel: [flags['is-cancelable'], r => machine.cancel(r), 'Run is not cancelable'],
    'force-cancel': [
      flags['is-force-cancelable'],
      r => machine.forceCancel(r),
      'Run is not force-cancelable'
    ]
  };
  const entry = table[action];
  if (!entry) return notFound();
  /** @type {import('./store.js').ActionCall} */
  const record = { action, comment: null, status: 0, at: now() };
  run.actionCalls.push(record);
  const parsed = parseJson(call.body);
  if ('reply' in parsed) {
    record.status = parsed.reply.status;
    return parsed.reply;
  }
  if (typeof parsed.doc?.comment === 'string') record.comment = parsed.doc.comment;
  const [allowed, perform, detail] = entry;
  if (!allowed) {
    record.status = 409;
    return error(409, 'conflict', detail);
  }
  perform(run);
  record.status = 202;
  return empty(202);
}

/** @param {Call} call */
export function showPlan(call) {
  const { store } = call.core;
  const id = call.params.runId ? store.run(call.params.runId)?.planId : call.params.id;
  const plan = id ? store.plans.get(id) : undefined;
  return plan ? json(200, { data: phaseResource(plan, 'plans', call.core) }) : notFound();
}

/** @param {Call} call */
export function showApply(call) {
  const { store } = call.core;
  const id = call.params.runId ? store.run(call.params.runId)?.applyId : call.params.id;
  const apply = id ? store.applies.get(id) : undefined;
  return apply ? json(200, { data: phaseResource(apply, 'applies', call.core) }) : notFound();
}

/**
 * `GET /plans/:id/json-output`: 204 until the plan finished, then 307 to a
 * pre-signed path on the blob host (§8.3).
 * @param {Call} call
 */
export function planJsonOutput(call) {
  const { store } = call.core;
  const id = call.params.runId ? store.run(call.params.runId)?.planId : call.params.id;
  const plan = id ? store.plans.get(id) : undefined;
  if (!plan) return notFound();
  const run = store.run(plan.runId);
  const mode = run?.scenario.planJson ?? 'ok';
  if (mode === 'forbidden') return error(403, 'forbidden');
  if (mode === 'not-found') return notFound();
  if (plan.status === 'finished' && call.core.otf && run?.plan) {
    // OTF answers with the JSON itself instead of a redirect.
    return {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: planJsonBody(run)
    };
  }
  if (plan.status === 'finished') {
    const secret = newSecret();
    store.blobs.set(secret, { kind: 'json', id: plan.id });
    return { status: 307, headers: { Location: `${call.core.blobUrl}/json/${secret}` } };
  }
  return ['errored', 'canceled', 'unreachable'].includes(plan.status) ? notFound() : empty(204);
}
