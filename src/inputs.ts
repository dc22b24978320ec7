/**
 * The action's inputs, read and validated in one place before any network call.
 * Nothing else in the code calls core.getInput.
 */

/** One run-scoped variable: `value` is an HCL literal, passed through as written. */
export interface RunVariable {
  readonly key: string;
  readonly value: string;
}

export interface Inputs {
  /** API token (from `token`, else TF_API_TOKEN); already masked with core.setSecret. */
  readonly token: string;
  /** Base URL without trailing slash, e.g. `https://app.terraform.io` or `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** Organization name; undefined only when `workspace` is an ID. */
  readonly organization: string | undefined;
  /** Workspace name or `ws-…` ID, as given. */
  readonly workspace: string;
  /** True when `workspace` is a `ws-…` ID. */
  readonly workspaceIsId: boolean;
  /** Absolute, real path of the directory to pack (inside GITHUB_WORKSPACE). */
  readonly directory: string;
  /** Absolute, real path of GITHUB_WORKSPACE (or the current directory when unset). */
  readonly workspaceRoot: string;
  readonly speculative: boolean;
  readonly apply: boolean;
  readonly isDestroy: boolean;
  /** The run message: the input, or the derived default. */
  readonly message: string;
  readonly targets: readonly string[];
  readonly replace: readonly string[];
  readonly variables: readonly RunVariable[];
  readonly wait: boolean;
  /** `timeout` in milliseconds. */
  readonly timeoutMs: number;
  readonly cancelOnTimeout: boolean;
  readonly savePlan: boolean;
  readonly refresh: boolean;
  readonly refreshOnly: boolean;
  /** Empty string when not set. */
  readonly terraformVersion: string;
  /** Empty string when not set. */
  readonly githubToken: string;
  readonly commentOnPr: boolean;
}

/** A bad input: the message names the input and says what is allowed. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string
  ) {
    super(message);
    this.name = 'InputError';
  }
}
