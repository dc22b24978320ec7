/** Errors that end the step for a reason of the action's own (not an API answer). */

export class RunTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunTimeoutError';
  }
}

export class JobCancelledError extends Error {
  constructor() {
    super('The job was cancelled while the action waited for the run.');
    this.name = 'JobCancelledError';
  }
}

/** The action's own refusal: a workspace or run state that makes going on wrong. */
export class RunRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunRefusedError';
  }
}
