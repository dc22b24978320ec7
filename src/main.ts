import * as core from '@actions/core';

/** The action's whole step; the only place that decides success or failure. */
export async function run(): Promise<void> {
  core.setFailed('tfe-run-action is being built');
  return Promise.resolve();
}
