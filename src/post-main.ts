/**
 * The post step: a backstop for a main step that was killed while it waited (the runner
 * kills a cancelled step a few seconds after SIGINT). If the run it started may still go on,
 * cancel or discard it, so nothing is applied after the workflow stopped.
 */
import * as core from '@actions/core';
import { getInputs } from './inputs.js';
import { systemClock } from './retry.js';
import { RunDriver, type RunFacts } from './run-driver.js';
import { isFinalRunStatus } from './run-status.js';
import {
  STATE_CONFIGURATION_VERSION_ID,
  STATE_RUN_ID,
  STATE_STOP_ON_EXIT,
  STATE_WORKSPACE_ID
} from './state.js';
import { TfeClient } from './tfe/client.js';

export async function runPost(): Promise<void> {
  if (core.getState(STATE_STOP_ON_EXIT) !== 'true') {
    core.debug('post: no run left to stop');
    return;
  }
  let client: TfeClient | undefined;
  let runId = core.getState(STATE_RUN_ID);
  try {
    const inputs = getInputs();
    if (!inputs.cancelOnTimeout) {
      core.info(`The run was left as it is (cancel-on-timeout: false).`);
      return;
    }
    client = new TfeClient({ baseUrl: inputs.baseUrl, token: inputs.token, log: core.debug });
    const facts: RunFacts = { workspaceId: core.getState(STATE_WORKSPACE_ID) };
    const driver = new RunDriver(inputs, facts, {
      client,
      clock: systemClock,
      signal: new AbortController().signal
    });
    const configurationVersionId = core.getState(STATE_CONFIGURATION_VERSION_ID);
    if (!runId && configurationVersionId) {
      // The main step died while creating the run: it may exist without the step knowing.
      runId = (await driver.findRunOf(configurationVersionId))?.id ?? '';
    }
    if (!runId) {
      core.debug('post: no run was created');
      return;
    }
    const status = (await client.getRun(runId)).data.attributes?.status;
    if (isFinalRunStatus(status)) {
      core.debug(`post: run ${runId} already ${status}`);
      return;
    }
    core.info(`The main step ended while run ${runId} was ${status}: stopping it.`);
    facts.runId = runId;
    await driver.stopRun('the job ended while the action waited');
  } catch (error) {
    // The post step never fails the job: it only reports.
    core.warning(`Could not stop run ${runId || '(unknown)'}: ${(error as Error).message}`);
  } finally {
    client?.dispose();
  }
}
