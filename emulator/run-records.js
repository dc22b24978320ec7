// Creating a run: the run record with its plan, apply and, when the scenario
// asks for them, a policy check and a cost estimate (all exist from creation, §6.2).
import { newId, newSecret, now, emptyLog } from './store.js';
import { mark } from './run-status.js';

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
 * Creates a run with its plan, apply and optional policy check and cost estimate.
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
  /** @type {string | null} */
  let costEstimateId = null;
  if (scenario.costEstimate) {
    const costs = typeof scenario.costEstimate === 'object' ? scenario.costEstimate : {};
    const ce = {
      id: newId('ce'),
      runId: id,
      status: 'pending',
      prior: costs.prior ?? 25.488,
      proposed: costs.proposed ?? 40.32,
      statusTimestamps: {}
    };
    store.costEstimates.set(ce.id, ce);
    costEstimateId = ce.id;
  }
  /** @type {string[]} */
  const policyCheckIds = [];
  if (scenario.policySoftFail || scenario.policyPass) {
    const pc = {
      id: newId('polchk'),
      runId: id,
      status: 'pending',
      softFail: scenario.policySoftFail === true,
      statusTimestamps: {}
    };
    store.policyChecks.set(pc.id, pc);
    policyCheckIds.push(pc.id);
  }
  const planOnly = attrs['plan-only'] === true;
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
