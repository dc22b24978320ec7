/**
 * Resource-level changes from Terraform's JSON plan (`GET /plans/:id/json-output`).
 * Reads only addresses and actions: `before`/`after` may hold sensitive values and are
 * never touched.
 */
import { formatBytes } from '../format.js';
import { BodyTooLargeError, UnsafeUrlError } from '../tfe/errors.js';
import { PlanJsonError } from './plan-json-scanner.js';
import type { ResourceAction, ResourceChange } from './types.js';

/** The order groups are shown in: what can lose data first, then the rest. */
export const ACTION_ORDER: readonly ResourceAction[] = [
  'destroy',
  'replace',
  'create',
  'update',
  'import',
  'move',
  'forget',
  'read'
];

const addressCollator = new Intl.Collator('en', { numeric: true });

/** Orders by action group, then by address (numeric-aware, so `a[2]` precedes `a[10]`). */
export function compareResourceChanges(a: ResourceChange, b: ResourceChange): number {
  const byAction = ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action);
  if (byAction !== 0) return byAction;
  const byAddress = addressCollator.compare(a.address, b.address);
  return byAddress !== 0 ? byAddress : addressCollator.compare(a.deposed ?? '', b.deposed ?? '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Maps Terraform's `change.actions` list to one action; undefined for no-ops and unknowns. */
function actionOf(actions: readonly string[]): ResourceAction | 'no-op' | undefined {
  const key = actions.join(',');
  switch (key) {
    case 'create':
      return 'create';
    case 'update':
      return 'update';
    // Terraform spells create-before-destroy as create,delete and the default as delete,create.
    case 'delete,create':
    case 'create,delete':
      return 'replace';
    case 'delete':
      return 'destroy';
    case 'read':
      return 'read';
    case 'forget':
      return 'forget';
    case 'no-op':
      return 'no-op';
    default:
      return undefined;
  }
}

/** One `resource_changes` entry as the report lists it; undefined for what it leaves out. */
export function resourceChangeFromEntry(entry: unknown): ResourceChange | undefined {
  if (!isRecord(entry)) return undefined;
  const address = nonEmptyString(entry['address']);
  // Data sources are read, not changed: the plan's counts leave them out and so do we.
  if (address === undefined || entry['mode'] === 'data') return undefined;
  const change = entry['change'];
  if (!isRecord(change) || !Array.isArray(change['actions'])) return undefined;
  const actions = change['actions'].filter((a): a is string => typeof a === 'string');
  const mapped = actionOf(actions);
  if (mapped === undefined || mapped === 'read') return undefined;

  // `importing` is an object ({id} or {identity}) when the resource is imported by this plan.
  const importing = isRecord(change['importing']);
  const previous = nonEmptyString(entry['previous_address']);
  const previousAddress = previous !== undefined && previous !== address ? previous : undefined;
  const deposed = nonEmptyString(entry['deposed']);

  let action: ResourceAction;
  if (mapped === 'no-op') {
    if (importing) action = 'import';
    else if (previousAddress !== undefined) action = 'move';
    else return undefined;
  } else {
    action = mapped;
  }
  return {
    address,
    action,
    ...(previousAddress !== undefined ? { previousAddress } : {}),
    ...(importing && action !== 'import' ? { importing: true } : {}),
    ...(deposed !== undefined ? { deposed } : {})
  };
}

/**
 * The plan's resource changes, grouped by action and sorted by address. Never throws:
 * anything of an unexpected shape is skipped, and a JSON string is parsed first.
 */
export function resourceChangesFromPlanJson(json: unknown): ResourceChange[] {
  let plan = json;
  if (typeof plan === 'string') {
    try {
      plan = JSON.parse(plan) as unknown;
    } catch {
      return [];
    }
  }
  if (!isRecord(plan) || !Array.isArray(plan['resource_changes'])) return [];
  const changes: ResourceChange[] = [];
  for (const entry of plan['resource_changes'] as unknown[]) {
    const change = resourceChangeFromEntry(entry);
    if (change !== undefined) changes.push(change);
  }
  return changes.sort(compareResourceChanges);
}

/**
 * The sentence the report shows when the plan JSON could not be read, from the HTTP status
 * of `GET /plans/:id/json-output` (undefined when no answer came back).
 */
export function planJsonUnavailableReason(status?: number): string {
  switch (status) {
    case 401:
    case 403:
    case 404:
      // TFC/TFE answer 404 for "not permitted" too; organization tokens may not read it.
      return (
        `the token may not read the plan's JSON output (HTTP ${status}). Organization tokens ` +
        'cannot; a team or user token with access to the workspace can.'
      );
    case 204:
      return "the plan's JSON output was not ready.";
    case 422:
      return 'the server has no JSON output for this plan (Terraform older than 0.12?).';
    case undefined:
      return "the plan's JSON output could not be fetched.";
    default:
      return `the plan's JSON output could not be read (HTTP ${status}).`;
  }
}

/** The sentence the report shows when reading the plan JSON failed with `error`. */
export function planJsonErrorReason(error: unknown): string {
  if (error instanceof BodyTooLargeError) {
    return (
      `the plan's JSON output is larger than ${formatBytes(error.limitBytes)}, more than ` +
      'the action reads; the counts come from the run itself.'
    );
  }
  if (error instanceof UnsafeUrlError)
    return `the server's address for it was refused: ${error.reason}.`;
  if (error instanceof PlanJsonError)
    return `the plan's JSON output could not be read: ${error.message}.`;
  return planJsonUnavailableReason(undefined);
}
