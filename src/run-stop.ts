/**
 * Stopping a run so nothing is applied after the workflow stopped: used by the main step on
 * timeout or cancellation and by the post step when the main step was killed.
 */
import type { Clock } from './retry.js';
import { isFinalRunStatus, runActions } from './run-status.js';
import type { TfeApi } from './tfe/api.js';
import { type Resource, type RunAttributes, relatedId } from './tfe/types.js';

export interface StopResult {
  /** The status the run had when it was stopped (or its final status). */
  readonly status?: string;
  /** The action that took effect, if any. */
  readonly action?: 'cancel' | 'discard';
}

/**
 * Cancels the run while it is queued or executing, discards it while it waits; a 409
 * means it moved on meanwhile, so it is read and judged again (three looks at most).
 */
export async function stopRun(
  api: TfeApi,
  runId: string,
  comment: string,
  clock: Clock
): Promise<StopResult> {
  let status: string | undefined;
  for (let look = 0; look < 3; look++) {
    const run = (await api.getRun(runId)).data;
    status = run.attributes?.status;
    if (isFinalRunStatus(status)) return { status };
    const actions = runActions(run.attributes);
    const action = actions.cancelable ? 'cancel' : actions.discardable ? 'discard' : undefined;
    if (action && (await api.runAction(runId, action, comment))) return { status, action };
    await clock.sleep(500);
  }
  return { status };
}

/** The run made from `configurationVersionId`, if any (one list call: 30/min limit). */
export async function findRunOf(
  api: TfeApi,
  workspaceId: string,
  configurationVersionId: string
): Promise<Resource<RunAttributes> | undefined> {
  return (await api.listRuns(workspaceId)).find(
    candidate => relatedId(candidate, 'configuration-version') === configurationVersionId
  );
}
