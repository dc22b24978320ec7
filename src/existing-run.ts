/**
 * `run-id`: whether the step may act on the run it was given, decided before any action
 * call (docs/contract.md, "Existing runs and configuration versions"). Pure: the driver
 * reads the run and its workspace, this decides.
 */
import type { RunAttributes } from './tfe/types.js';

/** The run's workspace as the server names it. */
export interface RunWorkspace {
  readonly id?: string;
  readonly name?: string;
  readonly organization?: string;
}

/** What the step was asked to do with the run. */
export interface ExistingRunRequest {
  readonly runId: string;
  /** The `workspace` input ('' when left out) and whether it is an ID. */
  readonly workspace: string;
  readonly workspaceIsId: boolean;
  readonly organization: string | undefined;
  readonly apply: boolean;
  readonly discard: boolean;
}

/** Why the step must not act on the run, or undefined when it may. */
export function existingRunRefusal(
  attributes: RunAttributes,
  workspace: RunWorkspace,
  request: ExistingRunRequest
): string | undefined {
  const { runId } = request;
  const mismatch = workspaceMismatch(workspace, request);
  if (mismatch) return mismatch;
  const permissions = attributes.permissions ?? {};
  if (request.apply && attributes['plan-only'] === true) {
    return `Run ${runId} is a speculative (plan-only) run: it can never be applied. Nothing was done; apply: true needs a run that was not speculative.`;
  }
  if (request.apply && permissions['can-apply'] === false) {
    return `The token may not apply run ${runId} (its can-apply permission is false). Nothing was done.`;
  }
  if (
    request.discard &&
    permissions['can-discard'] === false &&
    permissions['can-cancel'] === false
  ) {
    return `The token may neither discard nor cancel run ${runId}. Nothing was done.`;
  }
  return undefined;
}

/** The run must belong to the `workspace` input when one is given. */
function workspaceMismatch(
  workspace: RunWorkspace,
  request: ExistingRunRequest
): string | undefined {
  if (!request.workspace) return undefined;
  const given = request.workspaceIsId
    ? request.workspace
    : [request.organization, request.workspace].filter(Boolean).join('/');
  const actual =
    [workspace.organization, workspace.name].filter(Boolean).join('/') || 'an unknown workspace';
  const label = `${actual}${workspace.id ? ` (${workspace.id})` : ''}`;
  const refusal = `Run ${request.runId} belongs to workspace ${label}, not to ${given} (the workspace input). Nothing was done.`;
  if (!workspace.id) {
    return `The server did not say which workspace run ${request.runId} belongs to, so it cannot be checked against ${given} (the workspace input). Nothing was done.`;
  }
  if (request.workspaceIsId) return workspace.id === request.workspace ? undefined : refusal;
  if (workspace.name !== request.workspace) return refusal;
  if (request.organization && workspace.organization !== request.organization) return refusal;
  return undefined;
}
