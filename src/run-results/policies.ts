/**
 * Policy results from both workflows (docs/tfe-api-notes.md §10.1, §10.3): the legacy
 * Sentinel policy checks and the policy evaluations of task stages (OPA or Sentinel), as
 * one list of rows, and the worst result of them for the `policy-result` output.
 */
import type { PolicyCheckAttributes, Resource } from '../tfe/types.js';
import type {
  PolicyEvaluationAttributes,
  PolicyOutcome,
  PolicySetOutcomeAttributes
} from '../tfe/result-types.js';
import type { PolicyResult, PolicyRow } from './types.js';

/** Worst first: the order of the `policy-result` output's contract. */
export const POLICY_RESULTS: readonly PolicyResult[] = [
  'hard-failed',
  'soft-failed',
  'overridden',
  'advisory-failed',
  'passed'
];

const MAX_NAME = 300;

/** The worst result of all rows; undefined when no policy ran. */
export function worstPolicyResult(rows: readonly PolicyRow[]): PolicyResult | undefined {
  let worst: number | undefined;
  for (const row of rows) {
    const rank = POLICY_RESULTS.indexOf(row.result);
    if (worst === undefined || rank < worst) worst = rank;
  }
  return worst === undefined ? undefined : POLICY_RESULTS[worst];
}

/** Failures first (worst first), otherwise in the order the server listed them. */
export function sortPolicies(rows: readonly PolicyRow[]): PolicyRow[] {
  return rows
    .map((row, index) => ({ row, index }))
    .sort(
      (a, b) =>
        POLICY_RESULTS.indexOf(a.row.result) - POLICY_RESULTS.indexOf(b.row.result) ||
        a.index - b.index
    )
    .map(entry => entry.row);
}

/** Check statuses before which, or without which, no policy ran. */
const NOT_RUN = new Set(['pending', 'queued', 'running', 'canceled', 'unreachable']);

/**
 * The rows of one Sentinel policy check: one per policy from `result.sentinel.data`, which
 * HashiCorp calls unstable, so every key is optional; without it, one row for the check.
 */
export function sentinelCheckRows(check: Resource<PolicyCheckAttributes>): PolicyRow[] {
  const attributes = check.attributes ?? {};
  const status = text(attributes.status) ?? '';
  if (NOT_RUN.has(status) || status === '') return [];
  const label = `${text(attributes.scope) ?? 'policy'} policy check`;
  if (status === 'errored') {
    return [
      { kind: 'sentinel', name: label, enforcement: '', result: 'hard-failed', errored: true }
    ];
  }
  const rows = sentinelPolicyRows(attributes.result?.sentinel, status);
  if (rows.length > 0) return rows;
  const advisoryFailed = Number(attributes.result?.['advisory-failed']) > 0;
  return [
    { kind: 'sentinel', name: label, enforcement: '', result: checkResult(status, advisoryFailed) }
  ];
}

function checkResult(status: string, advisoryFailed: boolean): PolicyResult {
  switch (status) {
    case 'hard_failed':
      return 'hard-failed';
    case 'soft_failed':
      return 'soft-failed';
    case 'overridden':
      return 'overridden';
    case 'passed':
      return advisoryFailed ? 'advisory-failed' : 'passed';
    default:
      // A status this code does not know: a failure until it is understood.
      return 'hard-failed';
  }
}

function sentinelPolicyRows(sentinel: unknown, checkStatus: string): PolicyRow[] {
  const sets = (sentinel as { data?: unknown } | null | undefined)?.data;
  if (!isObject(sets)) return [];
  const rows: PolicyRow[] = [];
  for (const [setName, set] of Object.entries(sets)) {
    const policies = (set as { policies?: unknown } | null)?.policies;
    if (!Array.isArray(policies)) continue;
    for (const policy of policies as unknown[]) {
      if (!isObject(policy)) continue;
      const full = text(policy['policy']) ?? '(unnamed policy)';
      // `set/name`: the set is its own column.
      const name = full.startsWith(`${setName}/`) ? full.slice(setName.length + 1) : full;
      const enforcement = text(policy['enforcement-level']) ?? '';
      const errored =
        policy['error'] !== null && policy['error'] !== undefined && policy['error'] !== '';
      const passed = policy['result'] === true && !errored;
      rows.push({
        kind: 'sentinel',
        set: cut(setName),
        name: cut(name),
        enforcement,
        result: passed ? 'passed' : sentinelFailure(enforcement, checkStatus),
        ...(errored ? { errored: true } : {})
      });
    }
  }
  return rows;
}

/** A failed Sentinel policy counts at its enforcement level; an unknown level, by the check. */
function sentinelFailure(enforcement: string, checkStatus: string): PolicyResult {
  switch (enforcement) {
    case 'advisory':
      return 'advisory-failed';
    case 'soft-mandatory':
      return checkStatus === 'overridden' ? 'overridden' : 'soft-failed';
    case 'hard-mandatory':
      return 'hard-failed';
    default:
      return checkStatus === 'passed' ? 'advisory-failed' : checkResult(checkStatus, true);
  }
}

const EVALUATION_NOT_RUN = new Set(['pending', 'queued', 'running', 'canceled', 'unreachable']);

/** Whether the evaluation has results to read (it ran and ended). */
export function evaluationRan(evaluation: Resource<PolicyEvaluationAttributes>): boolean {
  const status = text(evaluation.attributes?.status) ?? '';
  return status !== '' && !EVALUATION_NOT_RUN.has(status);
}

/**
 * The rows of one policy evaluation of a task stage, from its policy set outcomes. A
 * mandatory failure is soft (a person may override it) when its set is overridable, hard
 * otherwise; an overridden evaluation turns its mandatory failures into `overridden`.
 */
export function evaluationRows(
  evaluation: Resource<PolicyEvaluationAttributes>,
  sets: readonly Resource<PolicySetOutcomeAttributes>[]
): PolicyRow[] {
  if (!evaluationRan(evaluation)) return [];
  const status = text(evaluation.attributes?.status) ?? '';
  const kind = evaluation.attributes?.['policy-kind'] === 'sentinel' ? 'sentinel' : 'opa';
  const rows: PolicyRow[] = [];
  for (const set of sets) {
    const a = set.attributes ?? {};
    const setName = cut(text(a['policy-set-name']) ?? set.id);
    const outcomes = Array.isArray(a.outcomes) ? (a.outcomes as unknown[]).filter(isObject) : [];
    const setError = text(a.error);
    if (setError && outcomes.length === 0) {
      rows.push({
        kind,
        set: setName,
        name: '(the policy set errored)',
        enforcement: '',
        result: 'hard-failed',
        errored: true
      });
    }
    for (const outcome of outcomes as PolicyOutcome[]) {
      const enforcement = text(outcome.enforcement_level) ?? '';
      const outcomeStatus = text(outcome.status);
      let result: PolicyResult;
      if (outcomeStatus === 'passed') result = 'passed';
      else if (outcomeStatus === 'failed' && enforcement === 'advisory') result = 'advisory-failed';
      else if (outcomeStatus === 'failed' && enforcement === 'mandatory') {
        if (status === 'overridden') result = 'overridden';
        else result = a.overridable === true ? 'soft-failed' : 'hard-failed';
      } else if (outcomeStatus === 'errored') result = 'hard-failed';
      // An outcome status this code does not know: judged by its evaluation.
      else
        result =
          status === 'passed' ? 'passed' : status === 'overridden' ? 'overridden' : 'hard-failed';
      rows.push({
        kind,
        set: setName,
        name: cut(text(outcome.policy_name) ?? '(unnamed policy)'),
        enforcement,
        result,
        ...(outcomeStatus === 'errored' ? { errored: true } : {})
      });
    }
  }
  return rows;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Names are cut here already: the report cuts again, but the data stays small. */
function cut(value: string): string {
  return value.length > MAX_NAME ? `${value.slice(0, MAX_NAME)}…` : value;
}
