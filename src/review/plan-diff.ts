/**
 * What differs between the reviewed preview's resource changes and the plan about to be
 * applied, in words bounded in length: the addresses come from the pull request's
 * configuration and may be long or hostile.
 */
import { ACTION_ORDER } from '../report/plan-changes.js';
import type { ResourceAction, ResourceChange } from '../report/types.js';
import { safeLabel } from '../safe-label.js';
import type { PlanFingerprint } from './plan-fingerprint.js';

export interface PlanDiff {
  /** In the new plan only. */
  readonly added: readonly ResourceChange[];
  /** In the reviewed preview only. */
  readonly removed: readonly ResourceChange[];
  /** The same object (address, deposed key) with another action or detail. */
  readonly changed: readonly { readonly reviewed: ResourceChange; readonly now: ResourceChange }[];
}

const keyOf = (change: ResourceChange) => `${change.address}\u0000${change.deposed ?? ''}`;
const detailOf = (change: ResourceChange) =>
  JSON.stringify([change.action, change.previousAddress ?? '', change.importing === true]);

export function diffPlans(
  reviewed: readonly ResourceChange[],
  now: readonly ResourceChange[]
): PlanDiff {
  const before = groupByKey(reviewed);
  const after = groupByKey(now);
  const added: ResourceChange[] = [];
  const removed: ResourceChange[] = [];
  const changed: { reviewed: ResourceChange; now: ResourceChange }[] = [];
  for (const [key, nowList] of after) {
    const reviewedList = [...(before.get(key) ?? [])];
    for (const change of nowList) {
      const same = reviewedList.findIndex(r => detailOf(r) === detailOf(change));
      if (same >= 0) {
        reviewedList.splice(same, 1);
        continue;
      }
      const other = reviewedList.shift();
      if (other) changed.push({ reviewed: other, now: change });
      else added.push(change);
    }
    before.set(key, reviewedList);
  }
  for (const list of before.values()) removed.push(...list);
  return { added, removed, changed };
}

function groupByKey(changes: readonly ResourceChange[]): Map<string, ResourceChange[]> {
  const map = new Map<string, ResourceChange[]>();
  for (const change of changes) {
    const list = map.get(keyOf(change)) ?? [];
    list.push(change);
    map.set(keyOf(change), list);
  }
  return map;
}

/** The action with its details: "move (from a.b)", "update (importing)". */
function actionText(change: ResourceChange): string {
  let text = change.action;
  if (change.previousAddress) text += ` (from ${safeLabel(change.previousAddress)})`;
  if (change.importing) text += ' (importing)';
  return text;
}

function objectText(change: ResourceChange): string {
  const deposed = change.deposed ? ` (deposed ${safeLabel(change.deposed, 40)})` : '';
  return `${safeLabel(change.address)}${deposed}`;
}

/** The most lines a diff shows; the rest are counted. */
const MAX_LINES = 20;

/**
 * "2 added, 1 removed, 1 changed:" then one line per difference (`+`, `-`, `~`), at most
 * MAX_LINES of them, then "… and N more". Never longer than about 5 KB.
 */
export function describePlanDiff(diff: PlanDiff): string {
  const lines = [
    ...diff.added.map(c => `+ ${actionText(c)} ${objectText(c)}`),
    ...diff.removed.map(c => `- ${actionText(c)} ${objectText(c)}`),
    ...diff.changed.map(
      ({ reviewed, now }) => `~ ${objectText(now)}: ${actionText(reviewed)} → ${actionText(now)}`
    )
  ];
  const head =
    `${diff.added.length} not in the preview, ${diff.removed.length} in the preview only, ` +
    `${diff.changed.length} with another action:`;
  const shown = lines.slice(0, MAX_LINES);
  if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more`);
  return [head, ...shown].join('\n');
}

/** "create 3 → 4, destroy 1 → 0": for a preview that kept only its hash. */
export function describeCountDiff(reviewed: PlanFingerprint, now: PlanFingerprint): string {
  const parts: string[] = [];
  for (const action of ACTION_ORDER) {
    const before = reviewed.counts[action] ?? 0;
    const after = now.counts[action] ?? 0;
    if (before !== after) parts.push(`${action} ${before} → ${after}`);
  }
  return parts.length > 0
    ? `Counts by action (preview → now): ${parts.join(', ')}.`
    : 'The counts by action are the same, but the addresses or actions differ.';
}

export function countsText(counts: Readonly<Partial<Record<ResourceAction, number>>>): string {
  const parts = ACTION_ORDER.filter(a => counts[a]).map(a => `${counts[a]} ${a}`);
  return parts.length > 0 ? parts.join(', ') : 'no resource changes';
}
