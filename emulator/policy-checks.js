// Sentinel policy checks, the legacy workflow (docs/tfe-api-notes.md §10.1): which
// policies a run's check holds, the status their results add up to, and the
// check as the API and its output log show it.
import { newId } from './store.js';
import { mark } from './run-status.js';

/**
 * @typedef {import('./store.js').Store} Store
 * @typedef {import('./store.js').Run} Run
 * @typedef {import('./store.js').Scenario} Scenario
 * @typedef {'advisory' | 'soft-mandatory' | 'hard-mandatory'} SentinelLevel
 *
 * @typedef {object} PolicySpec
 * @property {string} name
 * @property {string} [set] policy set name (default `emulator`)
 * @property {SentinelLevel} [level] default `soft-mandatory`
 * @property {boolean} [result] default true (passes)
 * @property {string} [description] shown in the check's output
 *
 * @typedef {Required<PolicySpec>} Policy
 *
 * @typedef {object} PolicyCheck
 * @property {string} id
 * @property {string} runId
 * @property {string} status
 * @property {'organization' | 'workspace'} scope
 * @property {Policy[]} policies
 * @property {string | null} error the check ends `errored` with this message
 * @property {Record<string, string>} statusTimestamps
 */

/** What `policySoftFail` and `policyPass` stand for. */
const SHORTHAND = { name: 'require-tags', set: 'emulator', level: 'soft-mandatory' };

/**
 * The policies the scenario asks for: `policies`, or the shorthands.
 * @param {Scenario} scenario
 * @returns {PolicySpec[] | null} null when the run has no policy check
 */
function policySpecs(scenario) {
  if (scenario.policies) return scenario.policies;
  if (scenario.policySoftFail) return [{ ...SHORTHAND, result: false }];
  if (scenario.policyPass || scenario.policyError) return [{ ...SHORTHAND, result: true }];
  return null;
}

/**
 * Creates the run's policy check when the scenario has policies.
 * @param {Store} store
 * @param {string} runId
 * @param {Scenario} scenario
 * @returns {string[]} the check IDs (zero or one)
 */
export function createPolicyChecks(store, runId, scenario) {
  const specs = policySpecs(scenario);
  if (!specs) return [];
  /** @type {PolicyCheck} */
  const pc = {
    id: newId('polchk'),
    runId,
    status: 'pending',
    scope: scenario.policyScope ?? 'organization',
    policies: specs.map(p => ({
      name: p.name,
      set: p.set ?? 'emulator',
      level: p.level ?? 'soft-mandatory',
      result: p.result !== false,
      description: p.description ?? ''
    })),
    error:
      typeof scenario.policyError === 'string'
        ? scenario.policyError
        : scenario.policyError
          ? 'policy evaluation errored'
          : null,
    statusTimestamps: {}
  };
  store.policyChecks.set(pc.id, pc);
  return [pc.id];
}

/** @param {PolicyCheck} pc */
function counts(pc) {
  const failed = (/** @type {SentinelLevel} */ level) =>
    pc.policies.filter(p => !p.result && p.level === level).length;
  const hard = failed('hard-mandatory');
  const soft = failed('soft-mandatory');
  const advisory = failed('advisory');
  return {
    result: hard + soft === 0,
    passed: pc.policies.filter(p => p.result).length,
    'total-failed': hard + soft + advisory,
    'hard-failed': hard,
    'soft-failed': soft,
    'advisory-failed': advisory
  };
}

/**
 * Ends a queued check with the status its results add up to: any hard
 * failure wins, then soft ones; advisory failures still pass.
 * @param {PolicyCheck} pc
 */
export function finishPolicyCheck(pc) {
  if (pc.status !== 'queued') return;
  const c = counts(pc);
  if (pc.error !== null) mark(pc, 'errored');
  else if (c['hard-failed'] > 0) mark(pc, 'hard_failed');
  else if (c['soft-failed'] > 0) mark(pc, 'soft_failed');
  else mark(pc, 'passed');
}

/** Statuses after which a check has a result and an output. */
export const POLICY_RESULT_STATUSES = [
  'passed',
  'soft_failed',
  'hard_failed',
  'overridden',
  'errored'
];

/**
 * The low-level Sentinel hash (`result.sentinel`): per policy set, each
 * policy with its level and result. Real servers call this structure
 * unstable, so clients should treat every key in it as optional.
 * @param {PolicyCheck} pc
 */
function sentinelData(pc) {
  /** @type {Map<string, Policy[]>} */
  const sets = new Map();
  for (const p of pc.policies) sets.set(p.set, [...(sets.get(p.set) ?? []), p]);
  /** @type {Record<string, unknown>} */
  const data = {};
  for (const [set, policies] of sets) {
    const blocking = policies.filter(p => !p.result && p.level !== 'advisory');
    Object.defineProperty(data, set, {
      enumerable: true,
      value: {
        'can-override': blocking.length > 0 && blocking.every(p => p.level === 'soft-mandatory'),
        error: null,
        result: blocking.length === 0,
        policies: policies.map(p => ({
          policy: `${set}/${p.name}`,
          'enforcement-level': p.level,
          'allowed-failure': p.level === 'advisory',
          result: p.result,
          error: null,
          trace: { description: p.description }
        }))
      }
    });
  }
  return { 'schema-version': '1.0.0', data };
}

/**
 * @param {PolicyCheck} pc
 * @param {Run | undefined} run
 */
export function policyCheckResource(pc, run) {
  const done = POLICY_RESULT_STATUSES.includes(pc.status) && pc.status !== 'errored';
  return {
    id: pc.id,
    type: 'policy-checks',
    attributes: {
      status: pc.status,
      scope: pc.scope,
      result: done ? { ...counts(pc), 'duration-ms': 12, sentinel: sentinelData(pc) } : null,
      actions: {
        'is-overridable': pc.status === 'soft_failed' && run?.status === 'policy_override'
      },
      permissions: { 'can-override': true },
      'status-timestamps': pc.statusTimestamps
    },
    relationships: { run: { data: { id: pc.runId, type: 'runs' } } },
    links: { output: `/api/v2/policy-checks/${pc.id}/output` }
  };
}

/**
 * The check's output log, in the shape Sentinel prints it.
 * @param {PolicyCheck} pc
 */
export function policyCheckText(pc) {
  if (pc.status === 'errored') return `Error: ${pc.error ?? 'policy evaluation errored'}\n`;
  const { result } = counts(pc);
  const lines = [
    `Sentinel Result: ${String(result)}`,
    '',
    result
      ? 'This result means that Sentinel policies returned true and the protected\nbehavior is allowed by Sentinel policies.'
      : 'This result means that Sentinel policies returned false and the protected\nbehavior is not allowed by Sentinel policies.',
    '',
    `${pc.policies.length} policies evaluated.`
  ];
  pc.policies.forEach((p, i) => {
    lines.push('', `## Policy ${i + 1}: ${p.set}/${p.name}.sentinel (${p.level})`, '');
    if (p.description) lines.push(p.description, '');
    lines.push(`Result: ${String(p.result)}`);
    if (!p.result) lines.push('', `FALSE - ${p.set}/${p.name}.sentinel:1:1 - Rule "main"`);
  });
  return `${lines.join('\n')}\n`;
}
