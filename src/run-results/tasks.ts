/**
 * Run-task results of every task stage (docs/tfe-api-notes.md §10.3), and what a run that
 * waits for an override needs from a person.
 */
import type { Resource, RunAttributes } from '../tfe/types.js';
import type { TaskResultAttributes, TaskStageAttributes } from '../tfe/result-types.js';
import type { OverrideWait, TaskRow } from './types.js';

const MAX_TEXT = 1_000;
const FAILED = new Set(['failed', 'errored', 'unreachable', 'canceled']);

/** IDs of a to-many relationship, in order. */
export function relatedIds(resource: Resource<unknown>, name: string): string[] {
  const data = resource.relationships?.[name]?.data;
  if (!Array.isArray(data)) return [];
  return (data as { id?: unknown }[]).flatMap(item =>
    typeof item?.id === 'string' ? [item.id] : []
  );
}

/**
 * One row per task result of each stage, in stage order; failed ones first. `results` holds
 * the task results by ID (included with the stages, or read one by one).
 */
export function taskRows(
  stages: readonly Resource<TaskStageAttributes>[],
  results: ReadonlyMap<string, Resource<TaskResultAttributes>>
): TaskRow[] {
  const rows: TaskRow[] = [];
  for (const stage of stages) {
    for (const id of relatedIds(stage, 'task-results')) {
      const a = results.get(id)?.attributes;
      if (!a) continue;
      const url = text(a.url);
      rows.push({
        stage: text(stage.attributes?.stage) ?? text(a.stage) ?? '',
        name: cut(text(a['task-name']) ?? id),
        status: cut(text(a.status) ?? 'unknown'),
        enforcement: text(a['workspace-task-enforcement-level']),
        message: mapText(text(a.message), cut),
        url: url && url.length <= 2_000 ? url : undefined
      });
    }
  }
  const rank = (row: TaskRow) => (FAILED.has(row.status) ? 0 : 1);
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => rank(a.row) - rank(b.row) || a.index - b.index)
    .map(entry => entry.row);
}

/**
 * Whether the run waits for a person's override (`policy_override`, `tf_policy_override`
 * or `<stage>_awaiting_decision`, docs/tfe-api-notes.md §6.4), and whether this token may
 * give it: the waiting stage's permission, else the run's `can-override-policy-check`.
 */
export function overrideWait(
  run: Resource<RunAttributes>,
  stages: readonly Resource<TaskStageAttributes>[]
): OverrideWait | undefined {
  const status = run.attributes?.status ?? '';
  const decision = /^(pre_plan|post_plan|pre_apply)_awaiting_decision$/.exec(status);
  const policy = status === 'policy_override' || status === 'tf_policy_override';
  if (!decision && !policy) return undefined;
  const stage =
    stages.find(s => s.attributes?.status === 'awaiting_override') ??
    (decision ? stages.find(s => s.attributes?.stage === decision[1]) : undefined);
  const stagePermissions = stage?.attributes?.permissions ?? {};
  const specific = policy ? 'can-override-policy' : 'can-override-tasks';
  const fromStage = flag(stagePermissions[specific]) ?? flag(stagePermissions['can-override']);
  const fromRun = flag(run.attributes?.permissions?.['can-override-policy-check']);
  return {
    kind: policy ? 'policy' : 'task',
    stage: text(stage?.attributes?.stage) ?? decision?.[1],
    tokenCanOverride: stage ? (fromStage ?? fromRun) : fromRun
  };
}

function flag(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function cut(value: string): string {
  return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
}

function mapText(value: string | undefined, f: (v: string) => string): string | undefined {
  return value === undefined ? undefined : f(value);
}
