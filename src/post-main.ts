/**
 * The post step: a backstop for a main step that was killed while it waited (the runner
 * kills a cancelled step a few seconds after SIGINT). If the run it started may still go on,
 * cancel or discard it, so nothing is applied after the workflow stopped.
 */
import * as core from '@actions/core';
import { getInputs } from './inputs.js';
import { STATE_RUN_ID, STATE_STOP_ON_EXIT } from './state.js';
import { RunDriver, isFinalRunStatus } from './run-driver.js';
import { systemClock } from './retry.js';
import { TfeClient } from './tfe/client.js';

export async function runPost(): Promise<void> {
  const runId = core.getState(STATE_RUN_ID);
  if (!runId || core.getState(STATE_STOP_ON_EXIT) !== 'true') {
    core.debug('post: no run left to stop');
    return;
  }
  let client: TfeClient | undefined;
  try {
    const inputs = getInputs();
    if (!inputs.cancelOnTimeout) {
      core.info(`Run ${runId} was left running (cancel-on-timeout: false).`);
      return;
    }
    client = new TfeClient({ baseUrl: inputs.baseUrl, token: inputs.token, log: core.debug });
    const status = (await client.getRun(runId)).data.attributes?.status;
    if (isFinalRunStatus(status)) {
      core.debug(`post: run ${runId} already ${status}`);
      return;
    }
    core.info(`The main step ended while run ${runId} was ${status}: stopping it.`);
    const driver = new RunDriver(
      inputs,
      { runId },
      { client, clock: systemClock, signal: new AbortController().signal }
    );
    await driver.stopRun('the job ended while the action waited');
  } catch (error) {
    // The post step never fails the job: it only reports.
    core.warning(`Could not stop run ${runId}: ${(error as Error).message}`);
  } finally {
    client?.dispose();
  }
}
