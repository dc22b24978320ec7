/**
 * How collectRunResults reads: the parts of the report side by side (one round trip, not
 * four, after the run settled), and no second read of a run the step has just read.
 */
import { describe, expect, it } from '@jest/globals';
import { systemClock } from '../../src/retry.js';
import { type CollectOptions, collectRunResults } from '../../src/run-results/collect.js';
import type { OutputsPage, Page, RunResultsApi } from '../../src/tfe/results-api.js';
import type { Document, Resource, RunAttributes } from '../../src/tfe/types.js';

const RUN: Resource<RunAttributes> = {
  id: 'run-1',
  type: 'runs',
  attributes: { status: 'applied' },
  relationships: { 'cost-estimate': { data: { id: 'ce-1', type: 'cost-estimates' } } }
};

/** Every read waits a turn of the event loop; the most reads in flight at once are kept. */
class CountingResults implements RunResultsApi {
  inFlight = 0;
  mostInFlight = 0;
  readonly calls: string[] = [];

  private async read<T>(call: string, value: T): Promise<T> {
    this.calls.push(call);
    this.inFlight++;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    await new Promise(resolve => setImmediate(resolve));
    this.inFlight--;
    return value;
  }

  getRun(): Promise<Document<RunAttributes>> {
    return this.read('run', { data: RUN });
  }
  listPolicyChecks() {
    return this.read('policy checks', []);
  }
  stateOutputsPage(): Promise<OutputsPage> {
    return this.read('outputs', 'none' as const);
  }
  getStateOutput() {
    return this.read('output', undefined);
  }
  getCostEstimate() {
    return this.read('cost estimate', undefined);
  }
  taskStagesPage(): Promise<Page<never> | undefined> {
    return this.read('task stages', undefined);
  }
  policyEvaluationsPage(): Promise<Page<never> | undefined> {
    return this.read('policy evaluations', undefined);
  }
  policySetOutcomesPage(): Promise<Page<never> | undefined> {
    return this.read('policy set outcomes', undefined);
  }
  getTaskResult() {
    return this.read('task result', undefined);
  }
}

const options = (run?: Resource<RunAttributes>): CollectOptions => ({
  sensitiveOutputs: false,
  deadline: Date.now() + 10_000,
  clock: systemClock,
  signal: new AbortController().signal,
  info: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  run
});

const facts = { runId: 'run-1', runStatus: 'applied', workspaceId: 'ws-1' };

describe('collectRunResults', () => {
  it('reads cost, policy checks, task stages and outputs side by side', async () => {
    const api = new CountingResults();
    await collectRunResults(api, facts, options(RUN));
    expect([...api.calls].sort()).toEqual(
      ['cost estimate', 'outputs', 'policy checks', 'task stages'].sort()
    );
    expect(api.mostInFlight).toBe(4);
  });

  it('uses the run the step last read when it shows the settled status', async () => {
    const api = new CountingResults();
    await collectRunResults(api, facts, options(RUN));
    expect(api.calls).not.toContain('run');
  });

  it('reads the run again when the step last saw it in another status, or never', async () => {
    for (const known of [{ ...RUN, attributes: { status: 'applying' } }, undefined]) {
      const api = new CountingResults();
      await collectRunResults(api, facts, options(known));
      expect(api.calls[0]).toBe('run');
    }
  });
});
