// Creating a run: the run record with its plan, apply and, when the scenario
// asks for them, a policy check, a cost estimate and task stages (all exist
// from creation, docs/tfe-api-notes.md §6.2).
import { newId, newSecret, now, emptyLog } from './store.js';
import { mark } from './run-status.js';
import { createCostEstimate } from './cost-estimates.js';
import { createPolicyChecks } from './policy-checks.js';

/**
 * @typedef {import('./store.js').Store} Store
 * @typedef {import('./store.js').Run} Run
 * @typedef {import('./store.js').Phase} Phase
 * @typedef {import('./store.js').Workspace} Workspace
 * @typedef {import('./store.js').ConfigurationVersion} ConfigurationVersion
 */

/**
 * @param {Store} store
 * @param {string} runId
 * @param {string} prefix
 * @returns {Phase}
 */
function newPhase(store, runId, prefix) {
  const phase = {
    id: newId(prefix),
    runId,
    status: 'pending',
    statusTimestamps: {},
    counts: null,
    hasChanges: false,
    log: emptyLog(),
    logPath: newSecret()
  };
  store.blobs.set(phase.logPath, { kind: 'log', id: phase.id });
  return phase;
}

/**
 * Creates a run with its plan, apply and optional checks.
 * @param {Store} store
 * @param {Workspace} ws
 * @param {ConfigurationVersion} cv
 * @param {Record<string, unknown>} attrs validated request attributes (kebab-case)
 * @param {string} source
 * @returns {Run}
 */
export function createRunRecord(store, ws, cv, attrs, source) {
  const id = newId('run');
  const scenario = { ...ws.scenario };
  const plan = newPhase(store, id, 'plan');
  const apply = newPhase(store, id, 'apply');
  store.plans.set(plan.id, plan);
  store.applies.set(apply.id, apply);
  const costEstimateId = scenario.costEstimate
    ? createCostEstimate(store, id, scenario.costEstimate)
    : null;
  // OTF has neither policy checks nor run tasks (docs/tfe-api-notes.md §13).
  const policyCheckIds = store.otf ? [] : createPolicyChecks(store, id, scenario);
  const planOnly = attrs['plan-only'] === true;
  const taskStageIds = store.otf
    ? []
    : store.taskStages.create(id, scenario.taskStages ?? [], planOnly);
  /** @type {Run} */
  const run = {
    id,
    workspaceId: ws.id,
    cvId: cv.id,
    status: 'pending',
    attrs,
    planOnly,
    isDestroy: attrs['is-destroy'] === true,
    refreshOnly: attrs['refresh-only'] === true,
    savePlan: attrs['save-plan'] === true,
    autoApply: typeof attrs['auto-apply'] === 'boolean' ? attrs['auto-apply'] : ws.autoApply,
    allowEmptyApply: attrs['allow-empty-apply'] === true,
    targetAddrs: /** @type {string[]} */ (attrs['target-addrs'] ?? []),
    replaceAddrs: /** @type {string[]} */ (attrs['replace-addrs'] ?? []),
    terraformVersion: /** @type {string} */ (attrs['terraform-version'] ?? ws.terraformVersion),
    source,
    createdAt: now(),
    statusTimestamps: {},
    scenario,
    hold: scenario.holdStatus ?? null,
    planId: plan.id,
    applyId: apply.id,
    costEstimateId,
    policyCheckIds,
    taskStageIds,
    cancelRequested: false,
    paused: false,
    ticks: 0,
    plan: null,
    actionCalls: []
  };
  mark(run, 'pending');
  store.runs.push(run);
  return run;
}
