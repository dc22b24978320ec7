/** Names of the state the main step saves (core.saveState) for the post step. */
export const STATE_RUN_ID = 'run-id';
/** 'true' while a run exists that must be stopped if the main step dies. */
export const STATE_STOP_ON_EXIT = 'stop-on-exit';
