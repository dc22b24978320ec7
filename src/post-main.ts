import * as core from '@actions/core';

/** The post step: a backstop that stops the run when the main step was killed. */
export async function runPost(): Promise<void> {
  core.debug('post step: nothing to do yet');
  return Promise.resolve();
}
