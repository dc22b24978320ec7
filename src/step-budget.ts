/**
 * The step's time as one abort signal that every request and retry wait shares
 * (docs/contract.md, "Untrusted input"): it aborts at the deadline with the RunTimeoutError
 * the step reports, or on job cancellation with the job's JobCancelledError, so a stalled or
 * trickling server cannot hold the step. `timeout` counts from the start, then again from
 * the run's creation ("longest wait for the run"). Once the wait is over (the run settled,
 * the timeout passed, the job was cancelled), the few requests that stop the run and read
 * the report get a short budget of their own that a cancellation no longer ends.
 */
import { formatDuration } from './format.js';
import type { Clock } from './retry.js';
import { RunTimeoutError } from './step-errors.js';

export class StepBudget {
  private controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private until = 0;
  private message = '';
  private wrappingUp = false;

  /** `message`: what the step says when the first budget runs out (a run is not created yet). */
  constructor(
    private readonly clock: Clock,
    job: AbortSignal | undefined,
    private readonly timeoutMs: number,
    message = `No run was created within the timeout (${formatDuration(timeoutMs)}).`
  ) {
    this.arm(timeoutMs, message);
    const onCancel = (): void => {
      if (!this.wrappingUp) this.controller.abort(job?.reason);
    };
    if (job?.aborted) onCancel();
    else job?.addEventListener('abort', onCancel, { once: true });
  }

  /** Aborts when requests and waits must end; its reason is the error to throw. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** When the current budget ends, in the clock's milliseconds. */
  get deadline(): number {
    return this.until;
  }

  /** The error for a deadline that passed, for waits that check it themselves. */
  expired(): RunTimeoutError {
    return new RunTimeoutError(this.message);
  }

  /** The run exists: the timeout counts again from now. */
  runCreated(): void {
    if (this.wrappingUp || this.signal.aborted) return;
    this.arm(
      this.timeoutMs,
      `The run did not settle within the timeout (${formatDuration(this.timeoutMs)}).`
    );
  }

  /**
   * The wait is over: `ms` from now for stopping the run and writing the report, whatever
   * the job's cancellation says. Only the first call counts, so the time is shared.
   */
  wrapUp(ms: number): void {
    if (this.wrappingUp) return;
    this.wrappingUp = true;
    this.controller = new AbortController();
    this.arm(ms, `Stopping the run and reading its report took longer than ${formatDuration(ms)}.`);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private arm(ms: number, message: string): void {
    clearTimeout(this.timer);
    this.until = this.clock.now() + ms;
    this.message = message;
    const controller = this.controller;
    // Real time, whatever the clock: a stalled socket does not follow a test's clock.
    this.timer = setTimeout(() => controller.abort(new RunTimeoutError(message)), ms);
    this.timer.unref();
  }
}
