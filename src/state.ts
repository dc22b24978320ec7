/** Names of the state the main step saves (core.saveState) for the post step. */
export const STATE_RUN_ID = 'run-id';
/** 'true' while a run may exist that must be stopped if the main step dies. */
export const STATE_STOP_ON_EXIT = 'stop-on-exit';
/**
 * Where to look for a run whose create was answered after the main step died: the run
 * of this configuration version in this workspace.
 */
export const STATE_WORKSPACE_ID = 'workspace-id';
export const STATE_CONFIGURATION_VERSION_ID = 'configuration-version-id';
