/**
 * Creates something at most once, although its request may have to be sent again
 * (docs/contract.md, "Retries"): a request the server certainly did not process (429, a
 * refused connection) is simply sent again; one whose answer is uncertain (no answer, a
 * 5xx) may have created it, so we look for what it made before sending again. Every send
 * counts against one budget: repeats never nest.
 */
import { type Clock, type RetryPolicy, backoffDelay } from './retry.js';
import { TfeApiError, TfeNetworkError } from './tfe/errors.js';

export interface CreateOnceOptions<T> {
  /** "the run", "the configuration version": for the log. */
  readonly what: string;
  /** Sends the create request once, without retries of its own. */
  readonly create: () => Promise<T>;
  /** What an earlier send may have created, if anything (GETs only). */
  readonly findExisting: () => Promise<T | undefined>;
  readonly clock: Clock;
  readonly policy: RetryPolicy;
  /** Ends the waits at once; they then reject with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly warn: (message: string) => void;
  readonly info: (message: string) => void;
}

export async function createOnce<T extends { id: string }>(
  options: CreateOnceOptions<T>
): Promise<T> {
  const { what, clock, policy } = options;
  for (let attempt = 1; ; attempt++) {
    let uncertain: Error;
    try {
      return await options.create();
    } catch (error) {
      const kind = classify(error);
      if (kind === 'final' || attempt >= policy.maxAttempts) throw error;
      if (kind === 'unprocessed') {
        const asked = error instanceof TfeApiError ? error.retryDelayMs : undefined;
        const delay = Math.min(
          policy.maxDelayMs,
          asked ?? backoffDelay(attempt, policy, () => clock.random())
        );
        options.info(
          `Creating ${what}: ${(error as Error).message}; trying again in ${(delay / 1000).toFixed(1)} s.`
        );
        await clock.sleep(delay, options.signal);
        continue;
      }
      uncertain = error as Error;
    }
    options.warn(
      `Creating ${what} got no clear answer (${uncertain.message}); checking whether it was created before trying again.`
    );
    await clock.sleep(
      backoffDelay(attempt, policy, () => clock.random()),
      options.signal
    );
    const existing = await options.findExisting();
    if (existing) {
      options.info(
        `Found ${what} ${existing.id} made by the request whose answer was lost: using it.`
      );
      return existing;
    }
  }
}

/**
 * `unprocessed`: certainly not processed, safe to send again; `uncertain`: may have been
 * processed; `final`: an answer that sending again would not change.
 */
function classify(error: unknown): 'unprocessed' | 'uncertain' | 'final' {
  if (error instanceof TfeNetworkError) return error.notSent ? 'unprocessed' : 'uncertain';
  if (error instanceof TfeApiError) {
    if (error.status === 429) return 'unprocessed';
    if (error.status >= 500) return 'uncertain';
  }
  return 'final';
}
