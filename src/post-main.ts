/**
 * The post step: a backstop for a main step that was killed while it waited (the runner
 * kills a cancelled step a few seconds after SIGINT). If the run it started may still go on,
 * cancel or discard it, so nothing is applied after the workflow stopped. It needs only the
 * state the main step saved and four inputs: the checkout may be gone by now. Its requests
 * share one short budget: a stalled or throttling server cannot hold the job's end.
 */
import { getPostInputs } from './inputs.js';
import { stepSecrets } from './redaction.js';
import { formatDuration } from './format.js';
import { type Clock, systemClock } from './retry.js';
import { isFinalRunStatus } from './run-status.js';
import { findRunOf, stopRun } from './run-stop.js';
import { log } from './safe-log.js';
import { loadPostState } from './state.js';
import { StepBudget } from './step-budget.js';
import type { TfeApi } from './tfe/api.js';
import { TfeClient } from './tfe/client.js';

/** How long the post step may take: a few reads and one action, with a retry or two. */
export const POST_STEP_MS = 60_000;

export interface PostOptions {
  readonly clock?: Clock;
  /** The API to use (tests); by default a client for the `hostname` input. */
  readonly api?: TfeApi;
  /** The post step's time (tests shorten it). */
  readonly budgetMs?: number;
}

export async function runPost(options: PostOptions = {}): Promise<void> {
  const state = loadPostState();
  if (!state.stopOnExit) {
    log.debug('post: no run left to stop');
    return;
  }
  let client: TfeClient | undefined;
  let budget: StepBudget | undefined;
  let runId = state.runId ?? '';
  try {
    const inputs = getPostInputs();
    stepSecrets.add(inputs.token);
    if (!inputs.cancelOnTimeout) {
      log.info('The run was left as it is (cancel-on-timeout: false).');
      return;
    }
    const clock = options.clock ?? systemClock;
    const budgetMs = options.budgetMs ?? POST_STEP_MS;
    budget = new StepBudget(
      clock,
      undefined,
      budgetMs,
      `Stopping the run took longer than ${formatDuration(budgetMs)}.`
    );
    if (!options.api) {
      client = new TfeClient({
        baseUrl: inputs.baseUrl,
        token: inputs.token,
        clock,
        budget,
        log: log.debug
      });
    }
    const api = options.api ?? client!;
    if (!runId && state.workspaceId && state.configurationVersionId) {
      // The main step died while creating the run: it may exist without the step knowing.
      runId = (await findRunOf(api, state.workspaceId, state.configurationVersionId))?.id ?? '';
    }
    if (!runId) {
      log.debug('post: no run was created');
      return;
    }
    const status = (await api.getRun(runId)).data.attributes?.status;
    if (isFinalRunStatus(status)) {
      log.debug(`post: run ${runId} already ${status}`);
      return;
    }
    log.info(`The main step ended while run ${runId} was ${status}: stopping it.`);
    const reason = 'the job ended while the action waited';
    const result = await stopRun(api, runId, `${inputs.comment} (${reason})`, clock);
    if (result.action) {
      log.warning(
        `Run ${runId}: ${result.action === 'cancel' ? 'canceled' : 'discarded'} (${reason}).`
      );
    } else if (!isFinalRunStatus(result.status)) {
      log.warning(`Run ${runId} could not be canceled or discarded; check it in the workspace.`);
    }
  } catch (error) {
    // The post step never fails the job: it only reports.
    log.warning(`Could not stop run ${runId || '(unknown)'}: ${(error as Error).message}`);
  } finally {
    client?.dispose();
    budget?.dispose();
  }
}
