// Cost estimates (docs/tfe-api-notes.md §10.2): created with the run when the scenario
// asks for one, finished or errored when the run passes `cost_estimating`.
// A failed estimate never fails the run.
import { newId } from './store.js';
import { mark } from './run-status.js';

/**
 * @typedef {import('./store.js').Store} Store
 *
 * @typedef {object} CostKnob
 * @property {number | string} [prior] monthly cost before; a string is served as it is
 * @property {number | string} [proposed] monthly cost after
 * @property {number | string} [delta] defaults to proposed - prior
 * @property {number} [resources] resources-count (default: resources in the plan)
 * @property {number} [matched] matched-resources-count (default: all)
 * @property {number} [unmatched] unmatched-resources-count (default: resources - matched)
 * @property {string} [error] the estimate ends `errored` with this error-message
 *
 * @typedef {object} CostEstimate
 * @property {string} id
 * @property {string} runId
 * @property {string} status
 * @property {CostKnob} knob
 * @property {number} planned resources in the run's plan, once planned
 * @property {Record<string, string>} statusTimestamps
 */

/**
 * @param {Store} store
 * @param {string} runId
 * @param {true | CostKnob} knob
 * @returns {string} the estimate's ID
 */
export function createCostEstimate(store, runId, knob) {
  /** @type {CostEstimate} */
  const ce = {
    id: newId('ce'),
    runId,
    status: 'pending',
    knob: knob === true ? {} : { ...knob },
    planned: 0,
    statusTimestamps: {}
  };
  store.costEstimates.set(ce.id, ce);
  return ce.id;
}

/**
 * Ends a queued estimate: `finished`, or `errored` when the knob says so.
 * @param {CostEstimate} ce
 * @param {number} planned resources the plan touches
 */
export function finishCostEstimate(ce, planned) {
  if (ce.status !== 'queued') return;
  ce.planned = planned;
  mark(ce, ce.knob.error === undefined ? 'finished' : 'errored');
}

/** @param {number | string} n */
const money = n => (typeof n === 'string' ? n : n.toFixed(3));

/** @param {CostEstimate} ce */
export function costEstimateResource(ce) {
  const done = ce.status === 'finished';
  const k = ce.knob;
  const prior = k.prior ?? 25.488;
  const proposed = k.proposed ?? 40.32;
  const delta =
    k.delta ??
    (typeof prior === 'number' && typeof proposed === 'number' ? proposed - prior : '0.0');
  const resources = k.resources ?? ce.planned;
  const matched = k.matched ?? resources;
  return {
    id: ce.id,
    type: 'cost-estimates',
    attributes: {
      status: ce.status,
      'status-timestamps': ce.statusTimestamps,
      'prior-monthly-cost': done ? money(prior) : null,
      'proposed-monthly-cost': done ? money(proposed) : null,
      'delta-monthly-cost': done ? money(delta) : null,
      'resources-count': done ? resources : null,
      'matched-resources-count': done ? matched : null,
      'unmatched-resources-count': done ? (k.unmatched ?? resources - matched) : null,
      'error-message': ce.status === 'errored' ? (k.error ?? null) : null
    },
    links: { self: `/api/v2/cost-estimates/${ce.id}` }
  };
}
