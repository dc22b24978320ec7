/**
 * The action's inputs, read and validated in one place before any network call.
 * Nothing else in the code calls core.getInput.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@actions/core';

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
  /** Empty string when not set; already masked with core.setSecret. */
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

/**
 * Defaults used when an input is unset or empty (tests, the demo, a runner that passes "").
 * action.yml is the source of truth; __tests__/action-yml.test.ts checks these equal its
 * defaults. Inputs without an entry default to empty (`token`, `message`, `github-token`…).
 */
export const INPUT_DEFAULTS = Object.freeze({
  hostname: 'app.terraform.io',
  directory: '.',
  speculative: 'false',
  apply: 'false',
  'is-destroy': 'false',
  wait: 'true',
  timeout: '60m',
  'cancel-on-timeout': 'true',
  'save-plan': 'false',
  refresh: 'true',
  'refresh-only': 'false',
  'comment-on-pr': 'true'
});

type BooleanInputName =
  | 'speculative'
  | 'apply'
  | 'is-destroy'
  | 'wait'
  | 'cancel-on-timeout'
  | 'save-plan'
  | 'refresh'
  | 'refresh-only'
  | 'comment-on-pr';

// setTimeout fires at once for delays above 2^31-1 ms (~24.8 days); GitHub jobs stop far sooner.
const MAX_TIMEOUT_MS = 7 * 24 * 3600 * 1000;
const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
const WORKSPACE_ID_PATTERN = /^ws-[A-Za-z0-9]+$/;
const VARIABLE_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const VERSION_PATTERN = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?$/;

/** Reads, validates and freezes every input; throws the first InputError found. */
export function getInputs(): Inputs {
  const token = readToken();
  const baseUrl = parseHostname(core.getInput('hostname') || INPUT_DEFAULTS.hostname);
  const workspace = readWorkspace();
  const workspaceIsId = WORKSPACE_ID_PATTERN.test(workspace);
  const organization = readOrganization(workspaceIsId);

  const flags = {
    speculative: readBoolean('speculative'),
    apply: readBoolean('apply'),
    isDestroy: readBoolean('is-destroy'),
    wait: readBoolean('wait'),
    cancelOnTimeout: readBoolean('cancel-on-timeout'),
    savePlan: readBoolean('save-plan'),
    refresh: readBoolean('refresh'),
    refreshOnly: readBoolean('refresh-only'),
    commentOnPr: readBoolean('comment-on-pr')
  };
  const timeoutMs = parseDuration(core.getInput('timeout') || INPUT_DEFAULTS.timeout);
  const targets = parseAddresses('targets', core.getInput('targets'));
  const replace = parseAddresses('replace', core.getInput('replace'));
  const variables = parseVariables(core.getInput('variables'));
  const terraformVersion = readTerraformVersion();
  checkConflicts({ ...flags, terraformVersion });

  const message = core.getInput('message') || deriveMessage(process.env);
  const githubToken = core.getInput('github-token');
  if (githubToken) core.setSecret(githubToken);

  // Filesystem checks come last so a typo elsewhere is reported without touching the disk.
  const { workspaceRoot, directory } = resolveDirectory(
    core.getInput('directory') || INPUT_DEFAULTS.directory,
    process.env.GITHUB_WORKSPACE || process.cwd()
  );

  return Object.freeze({
    token,
    baseUrl,
    organization,
    workspace,
    workspaceIsId,
    directory,
    workspaceRoot,
    ...flags,
    message,
    targets: Object.freeze(targets),
    replace: Object.freeze(replace),
    variables: Object.freeze(variables.map(v => Object.freeze(v))),
    timeoutMs,
    terraformVersion,
    githubToken
  });
}

function readToken(): string {
  const token = core.getInput('token') || (process.env.TF_API_TOKEN ?? '').trim();
  if (!token) {
    throw new InputError(
      'token',
      'Input "token" is required: pass an HCP Terraform / Terraform Enterprise API token, or set the TF_API_TOKEN environment variable.'
    );
  }
  core.setSecret(token);
  // A token with a line break or space would corrupt the Authorization header.
  if (/\s/.test(token)) {
    throw new InputError(
      'token',
      'Input "token" (or TF_API_TOKEN) must be a single word without spaces or line breaks; check how the secret was stored.'
    );
  }
  return token;
}

/** Quotes a user value for an error message, shortened so a pasted blob stays readable. */
function shown(value: string): string {
  const short = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return JSON.stringify(short);
}

const HOSTNAME_HELP =
  'Input "hostname" must be a host name such as app.terraform.io or tfe.example.com:8443, or an http(s) URL such as http://127.0.0.1:8080';

/**
 * A bare host becomes https://host; a URL keeps its scheme and port. A trailing `/api/v2`
 * is accepted and dropped (people copy the API base), any other path is refused because
 * TFE and OTF always serve the API at the root.
 */
export function parseHostname(raw: string): string {
  // Whatever precedes an "@" may be a password: never echo it.
  const shownHost = (value: string) => shown(value.replace(/^(.*:\/\/)?[^/]*@/, '$1***@'));
  const value = raw.replace(/\/+$/, '');
  if (!value || /\s/.test(value)) {
    throw new InputError('hostname', `${HOSTNAME_HELP}; got ${shownHost(raw)}.`);
  }
  const hasScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(raw);
  if (hasScheme && !/^https?:\/\//i.test(value)) {
    throw new InputError(
      'hostname',
      `${HOSTNAME_HELP} (only http and https); got ${shownHost(raw)}.`
    );
  }
  let url: URL;
  try {
    url = new URL(hasScheme ? value : `https://${value}`);
  } catch {
    throw new InputError('hostname', `${HOSTNAME_HELP}; got ${shownHost(raw)}.`);
  }
  // Not echoed: user:password@ in a URL may be a secret.
  if (url.username || url.password) {
    throw new InputError('hostname', `${HOSTNAME_HELP}, without user or password in it.`);
  }
  if (!url.hostname || url.search || url.hash) {
    throw new InputError(
      'hostname',
      `${HOSTNAME_HELP}, without a query or fragment; got ${shownHost(raw)}.`
    );
  }
  const pathname = url.pathname.replace(/\/+$/, '');
  if (pathname !== '' && pathname !== '/api/v2') {
    throw new InputError(
      'hostname',
      `${HOSTNAME_HELP}, without a path (the API is always served at /api/v2); got ${shownHost(raw)}.`
    );
  }
  // The URL parser forgives a bare "host:" or stray characters; a bare host must be exact.
  if (
    !hasScheme &&
    !/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::\d+)?(?:\/api\/v2)?$/.test(value)
  ) {
    throw new InputError('hostname', `${HOSTNAME_HELP}; got ${shownHost(raw)}.`);
  }
  return url.origin;
}

function readWorkspace(): string {
  const workspace = core.getInput('workspace');
  if (!workspace) {
    throw new InputError(
      'workspace',
      'Input "workspace" is required: a workspace name (letters, digits, - and _) or a workspace ID such as ws-abc123.'
    );
  }
  if (!WORKSPACE_ID_PATTERN.test(workspace) && !NAME_PATTERN.test(workspace)) {
    throw new InputError(
      'workspace',
      `Input "workspace" must be a workspace name (letters, digits, - and _) or a workspace ID such as ws-abc123; got ${shown(workspace)}.`
    );
  }
  return workspace;
}

function readOrganization(workspaceIsId: boolean): string | undefined {
  const organization = core.getInput('organization');
  if (!organization) {
    if (workspaceIsId) return undefined;
    throw new InputError(
      'organization',
      'Input "organization" is required when "workspace" is a name (it may be omitted only with a workspace ID such as ws-abc123).'
    );
  }
  if (!NAME_PATTERN.test(organization)) {
    throw new InputError(
      'organization',
      `Input "organization" must be an organization name made of letters, digits, - and _; got ${shown(organization)}.`
    );
  }
  return organization;
}

/** An empty input means the default: the runner passes "" for declared inputs left blank. */
function readBoolean(name: BooleanInputName): boolean {
  const raw = core.getInput(name);
  if (raw === '') return INPUT_DEFAULTS[name] === 'true';
  try {
    return core.getBooleanInput(name);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new InputError(name, `Input "${name}" must be true or false; got ${shown(raw)}.`);
  }
}

/** `90s`, `30m`, `2h`, `1h30m`, or a bare number of seconds; returns milliseconds. */
export function parseDuration(raw: string): number {
  const help =
    'Input "timeout" must be a duration such as 90s, 30m, 2h or 1h30m (a bare number means seconds)';
  const bare = /^\d+$/.test(raw);
  const parts = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(raw);
  if (!raw || (!bare && !parts)) {
    throw new InputError('timeout', `${help}; got ${shown(raw)}.`);
  }
  const seconds = bare
    ? Number(raw)
    : Number(parts?.[1] ?? 0) * 3600 + Number(parts?.[2] ?? 0) * 60 + Number(parts?.[3] ?? 0);
  if (seconds <= 0) {
    throw new InputError('timeout', `${help}, greater than zero; got ${shown(raw)}.`);
  }
  const ms = seconds * 1000;
  if (ms > MAX_TIMEOUT_MS) {
    throw new InputError('timeout', `${help}, at most 168h; got ${shown(raw)}.`);
  }
  return ms;
}

/** Lines of input with their 1-based line numbers, trimmed, blank lines dropped. */
function lines(raw: string): { line: number; text: string }[] {
  return raw
    .split(/\r?\n/)
    .map((text, index) => ({ line: index + 1, text: text.trim() }))
    .filter(entry => entry.text !== '');
}

/** True when the address has whitespace outside a quoted index key or an unclosed quote. */
function isMalformedAddress(address: string): boolean {
  let quoted = false;
  for (let i = 0; i < address.length; i++) {
    const char = address[i];
    if (quoted && char === '\\') i++;
    else if (char === '"') quoted = !quoted;
    else if (!quoted && /\s/.test(char)) return true;
  }
  return quoted;
}

/** One resource address per line: `aws_instance.web`, `module.m["a b"].aws_x.y`. */
export function parseAddresses(name: 'targets' | 'replace', raw: string): string[] {
  return lines(raw).map(({ line, text }) => {
    if (isMalformedAddress(text)) {
      throw new InputError(
        name,
        `Input "${name}" takes one resource address per line, without spaces except inside quoted keys (module.app.aws_instance.web or aws_s3_bucket.b["a b"]); line ${line} is ${shown(text)}.`
      );
    }
    return text;
  });
}

/**
 * One `key=HCL value` per line. Values may be secret (and the API echoes them to anyone
 * who can read the run), so errors name the line and key, never the value.
 */
export function parseVariables(raw: string): RunVariable[] {
  const seen = new Map<string, number>();
  return lines(raw).map(({ line, text }) => {
    const at = text.indexOf('=');
    if (at < 0) {
      throw new InputError(
        'variables',
        `Input "variables" takes one key=HCL value per line (replicas=2, region="eu-west-1"); line ${line} has no "=".`
      );
    }
    const key = text.slice(0, at).trim();
    const value = text.slice(at + 1).trim();
    if (!VARIABLE_KEY_PATTERN.test(key)) {
      throw new InputError(
        'variables',
        `Input "variables" line ${line} must start with a variable name (a letter or _, then letters, digits, _ or -) before "=".`
      );
    }
    if (!value) {
      throw new InputError(
        'variables',
        `Input "variables" line ${line} (key "${key}") must have an HCL value after "=", such as 2, "text" or ["a"] (write "" for an empty string).`
      );
    }
    // HCL reads a bare word as a reference, which run variables reject at plan time.
    if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(value) && !/^(true|false|null)$/.test(value)) {
      throw new InputError(
        'variables',
        `Input "variables" line ${line} (key "${key}") must have an HCL literal value: quote text as "text" (numbers, true, false, lists and maps need no quotes).`
      );
    }
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new InputError(
        'variables',
        `Input "variables" sets key "${key}" twice (lines ${earlier} and ${line}); each key may appear once.`
      );
    }
    seen.set(key, line);
    return { key, value };
  });
}

function readTerraformVersion(): string {
  const version = core.getInput('terraform-version');
  if (version && !VERSION_PATTERN.test(version)) {
    throw new InputError(
      'terraform-version',
      `Input "terraform-version" must be an exact Terraform version such as 1.9.5 or 1.10.0-beta1; got ${shown(version)}.`
    );
  }
  return version;
}

interface ConflictFlags {
  speculative: boolean;
  apply: boolean;
  isDestroy: boolean;
  wait: boolean;
  savePlan: boolean;
  refresh: boolean;
  refreshOnly: boolean;
  terraformVersion: string;
}

/** Combinations the API rejects, or that the action could not carry out. */
function checkConflicts(f: ConflictFlags): void {
  if (f.speculative && f.apply) {
    throw new InputError(
      'apply',
      'Inputs "speculative" and "apply" cannot both be true: a speculative plan can never be applied.'
    );
  }
  if (f.savePlan && f.apply) {
    throw new InputError(
      'save-plan',
      'Inputs "save-plan" and "apply" cannot both be true: a saved plan is applied later from the UI or API.'
    );
  }
  if (f.savePlan && f.speculative) {
    throw new InputError(
      'save-plan',
      'Inputs "save-plan" and "speculative" cannot both be true: choose a saved plan or a speculative plan.'
    );
  }
  if (f.refreshOnly && f.isDestroy) {
    throw new InputError(
      'refresh-only',
      'Inputs "refresh-only" and "is-destroy" cannot both be true: a refresh-only run changes no resources.'
    );
  }
  if (f.refreshOnly && !f.refresh) {
    throw new InputError(
      'refresh-only',
      'Input "refresh-only" cannot be true while "refresh" is false: a refresh-only run without a refresh does nothing.'
    );
  }
  if (f.terraformVersion && !f.speculative) {
    throw new InputError(
      'terraform-version',
      'Input "terraform-version" needs "speculative: true": the API accepts a Terraform version only on speculative (plan-only) runs.'
    );
  }
  if (f.apply && !f.wait) {
    throw new InputError(
      'apply',
      'Input "apply" cannot be true while "wait" is false: the action must wait for the plan before it can confirm the apply.'
    );
  }
}

/** "Triggered by GitHub Actions: acme/infra @ <sha> (workflow "Terraform", run 42)". */
export function deriveMessage(env: NodeJS.ProcessEnv): string {
  const repository = env.GITHUB_REPOSITORY?.trim();
  const sha = env.GITHUB_SHA?.trim();
  const workflow = env.GITHUB_WORKFLOW?.trim();
  const runNumber = env.GITHUB_RUN_NUMBER?.trim();
  const runId = env.GITHUB_RUN_ID?.trim();

  const where = [repository, sha].filter(Boolean).join(' @ ');
  const details = [
    workflow ? `workflow ${JSON.stringify(workflow)}` : '',
    runNumber ? `run ${runNumber}` : runId ? `run id ${runId}` : ''
  ].filter(Boolean);
  let message = 'Triggered by GitHub Actions';
  if (where) message += `: ${where}`;
  if (details.length > 0) message += ` (${details.join(', ')})`;
  return message;
}

/** Real paths of the workspace root and of `directory`, which must lie inside it. */
function resolveDirectory(
  input: string,
  root: string
): { workspaceRoot: string; directory: string } {
  let workspaceRoot: string;
  try {
    workspaceRoot = fs.realpathSync(root);
  } catch {
    throw new InputError(
      'directory',
      `Input "directory" is resolved inside GITHUB_WORKSPACE, but the workspace ${JSON.stringify(root)} does not exist; check the checkout step.`
    );
  }
  // Resolve against the unresolved root too: an absolute input may spell the root's symlink.
  const candidate = path.resolve(root, input);
  let directory: string;
  try {
    directory = fs.realpathSync(candidate);
  } catch {
    throw new InputError(
      'directory',
      `Input "directory" must name an existing directory inside the workspace (relative to GITHUB_WORKSPACE); ${JSON.stringify(input)} does not exist.`
    );
  }
  const relative = path.relative(workspaceRoot, directory);
  const outside =
    relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  if (outside) {
    throw new InputError(
      'directory',
      `Input "directory" must stay inside the workspace ${JSON.stringify(workspaceRoot)} (relative to GITHUB_WORKSPACE, symlinks resolved); ${JSON.stringify(input)} leads to ${JSON.stringify(directory)}.`
    );
  }
  // actions/checkout may leave a token in .git/config: never pack git internals.
  if (relative.split(path.sep).includes('.git')) {
    throw new InputError(
      'directory',
      `Input "directory" must not be or lie inside a .git directory; got ${JSON.stringify(input)}.`
    );
  }
  if (!fs.statSync(directory).isDirectory()) {
    throw new InputError(
      'directory',
      `Input "directory" must name a directory inside the workspace, not a file; got ${JSON.stringify(input)}.`
    );
  }
  return { workspaceRoot, directory };
}
