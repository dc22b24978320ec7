/**
 * Workspace states in which no run could (or should) start, decided before anything is
 * created (docs/tfe-api-notes.md §4.1). Pure: the driver reads the workspace, this decides.
 */
import type { WorkspaceAttributes } from './tfe/types.js';

/** What the step is about to ask of the workspace. */
export interface WorkspaceUse {
  readonly speculative: boolean;
  readonly apply: boolean;
  readonly isDestroy: boolean;
  /** require-reviewed-plan: the action must be the one that confirms. */
  readonly requireReviewedPlan?: boolean;
}

export interface WorkspaceVerdict {
  /** Why no run may start; undefined when one may. */
  readonly refusal?: string;
  readonly warnings: readonly string[];
}

export function checkWorkspace(
  name: string,
  attributes: WorkspaceAttributes,
  use: WorkspaceUse
): WorkspaceVerdict {
  const label = `Workspace "${name}"`;
  const the = `workspace "${name}"`;
  const refuse = (refusal: string): WorkspaceVerdict => ({ refusal, warnings: [] });
  if (attributes['execution-mode'] === 'local') {
    return refuse(
      `${label} uses the local execution mode: HCP Terraform only stores its state and cannot run plans. Set its execution mode to remote or agent.`
    );
  }
  // The Terraform CLI refuses the same: a VCS-connected workspace's applies come from VCS.
  if (attributes['vcs-repo'] && !use.speculative) {
    return refuse(
      `${label} is connected to a VCS repository, so its runs must come from that repository; API-driven runs that can be applied would bypass it. Use speculative: true for plan previews, or disconnect the workspace from VCS.`
    );
  }
  // Missing keys mean "unknown" (OTF sends fewer): only an explicit false refuses.
  const permissions = attributes.permissions ?? {};
  if (permissions['can-queue-run'] === false) {
    return refuse(`The token may not queue runs in ${the}.`);
  }
  if (use.apply && permissions['can-queue-apply'] === false && permissions['can-update'] !== true) {
    return refuse(`The token may not apply runs in ${the} (apply: true).`);
  }
  if (use.isDestroy && permissions['can-queue-destroy'] === false) {
    return refuse(`The token may not queue destroy runs in ${the}.`);
  }
  if (use.isDestroy && attributes['allow-destroy-plan'] === false) {
    return refuse(
      `${label} does not allow destroy plans (its "Allow destroy plans" setting is off).`
    );
  }
  // An auto-apply run is confirmed by the server, never by the action: nothing to hold back.
  if (use.requireReviewedPlan && attributes['auto-apply'] === true && !use.speculative) {
    return refuse(
      `${label} applies its runs automatically (auto-apply), so require-reviewed-plan could not stop an unreviewed plan. Turn auto-apply off for this workspace.`
    );
  }
  const warnings: string[] = [];
  // Speculative runs ignore the lock; others stay pending until it is released.
  if (attributes.locked && !use.speculative) {
    warnings.push(
      `${label} is locked: the run will stay pending until someone unlocks it (or the timeout of the action ends).`
    );
  }
  return { warnings };
}
