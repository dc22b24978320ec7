/**
 * The step's time: one signal that aborts at the deadline (with the RunTimeoutError the step
 * reports) or on job cancellation, a timeout that starts again at the run's creation, and a
 * wrap-up budget that a cancellation no longer ends. Real timers, a few milliseconds long.
 */
import { describe, expect, it } from '@jest/globals';
import { systemClock } from '../../src/retry.js';
import { StepBudget } from '../../src/step-budget.js';
import { JobCancelledError, RunTimeoutError } from '../../src/step-errors.js';

const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('StepBudget', () => {
  it('aborts at the deadline with a RunTimeoutError saying which wait ran out', async () => {
    const budget = new StepBudget(systemClock, undefined, 30);
    expect(budget.deadline).toBeGreaterThan(Date.now());
    await pause(80);
    expect(budget.signal.aborted).toBe(true);
    expect(budget.signal.reason).toBeInstanceOf(RunTimeoutError);
    expect((budget.signal.reason as Error).message).toMatch(
      /No run was created within the timeout/
    );
  });

  it('counts again from the run creation', async () => {
    const budget = new StepBudget(systemClock, undefined, 60);
    await pause(40);
    budget.runCreated();
    await pause(40);
    expect(budget.signal.aborted).toBe(false);
    await pause(60);
    expect((budget.signal.reason as Error).message).toMatch(/did not settle within the timeout/);
    expect(budget.expired().message).toMatch(/did not settle within the timeout/);
  });

  it('aborts with the job’s reason when the job is cancelled', () => {
    const job = new AbortController();
    const budget = new StepBudget(systemClock, job.signal, 60_000);
    const reason = new JobCancelledError();
    job.abort(reason);
    expect(budget.signal.reason).toBe(reason);
    budget.dispose();
  });

  it('wraps up with a fresh, short budget that a cancellation does not end; only once', async () => {
    const job = new AbortController();
    const budget = new StepBudget(systemClock, job.signal, 60_000);
    job.abort(new JobCancelledError());
    budget.wrapUp(50);
    const wrapUp = budget.signal;
    expect(wrapUp.aborted).toBe(false);
    budget.wrapUp(60_000);
    expect(budget.signal).toBe(wrapUp);
    await pause(100);
    expect(wrapUp.aborted).toBe(true);
    expect((wrapUp.reason as Error).message).toMatch(/Stopping the run and reading its report/);
  });
});
