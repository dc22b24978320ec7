/**
 * What the main step saves for the post step (core.saveState), typed: the post step needs
 * this and four inputs, nothing else, so it works even when the rest of the job is gone.
 */
import * as core from '@actions/core';

export interface PostState {
  /** Where to look for a run whose create was answered after the main step died. */
  readonly workspaceId?: string;
  readonly configurationVersionId?: string;
  readonly runId?: string;
  /** True while a run may exist that must be stopped if the main step dies. */
  readonly stopOnExit: boolean;
}

const NAMES = {
  workspaceId: 'workspace-id',
  configurationVersionId: 'configuration-version-id',
  runId: 'run-id',
  stopOnExit: 'stop-on-exit'
} as const satisfies Record<keyof PostState, string>;

/** Saves state as it changes, writing each value only when it differs from the last one. */
export class PostStateWriter {
  private readonly saved = new Map<string, string>();

  save(state: PostState): void {
    for (const key of Object.keys(NAMES) as (keyof PostState)[]) {
      const value = state[key];
      if (value === undefined) continue;
      const text = String(value);
      if (this.saved.get(key) === text) continue;
      this.saved.set(key, text);
      core.saveState(NAMES[key], text);
    }
  }
}

export function loadPostState(): PostState {
  const read = (key: keyof PostState) => core.getState(NAMES[key]) || undefined;
  return {
    workspaceId: read('workspaceId'),
    configurationVersionId: read('configurationVersionId'),
    runId: read('runId'),
    stopOnExit: read('stopOnExit') === 'true'
  };
}
