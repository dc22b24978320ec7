/**
 * The driver against the scripted FakeApi with a clock that only moves when it sleeps:
 * the inputs of a plain applying run, and a step from workspace to settled run.
 */
import type { Inputs } from '../../src/inputs.js';
import type { Clock } from '../../src/retry.js';
import { RunDriver } from '../../src/run-driver.js';
import type { FakeApi } from './fake-api.js';

/** A clock whose sleeps advance its time at once. */
export function manualClock(): Clock & { advance(ms: number): void } {
  let time = 1_000_000;
  return {
    now: () => time,
    advance: ms => (time += ms),
    sleep: (ms, signal) => {
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      time += ms;
      return Promise.resolve();
    },
    random: () => 0.5
  };
}

export const inputs = {
  token: 't',
  baseUrl: 'https://tfe.invalid',
  organization: 'acme',
  workspace: 'net',
  workspaceIsId: false,
  directory: '/x',
  workspaceRoot: '/x',
  speculative: false,
  apply: true,
  isDestroy: false,
  message: 'm',
  targets: [],
  replace: [],
  variables: [],
  wait: true,
  timeoutMs: 60_000,
  cancelOnTimeout: true,
  savePlan: false,
  refresh: true,
  refreshOnly: false,
  terraformVersion: '',
  githubToken: '',
  commentOnPr: false,
  runId: undefined,
  discard: false,
  comment: 'GitHub Actions: acme/infra',
  configurationVersion: undefined,
  requireReviewedPlan: false,
  sensitiveOutputs: false
} satisfies Inputs;

export async function drive(
  api: FakeApi,
  clock: Clock,
  extra: Partial<Inputs> = {},
  signal = new AbortController().signal
) {
  const driver = new RunDriver({ ...inputs, ...extra }, { api, clock, signal });
  await driver.resolveWorkspace();
  const cv = await driver.uploadConfiguration({ path: '/dev/null', size: 0 });
  const run = await driver.createRun(cv);
  return { driver, outcome: await driver.follow(run.id) };
}
