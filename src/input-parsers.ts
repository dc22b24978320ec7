/**
 * Parsers of single input values: each takes the raw string (default already applied) and
 * returns the typed value or throws an InputError that names the input and says what is
 * allowed. None of them touches the network or the disk.
 */
import * as path from 'node:path';

/** One bad input: the message names the input and says what is allowed. */
export interface InputProblem {
  readonly input: string;
  readonly message: string;
}

/**
 * Bad inputs, all of them at once. `input` and the first line of the message name the first
 * problem in reading order; `problems` lists every one.
 */
export class InputError extends Error {
  readonly input: string;
  readonly problems: readonly InputProblem[];

  constructor(problems: readonly InputProblem[] | string, message?: string) {
    const list =
      typeof problems === 'string' ? [{ input: problems, message: message ?? '' }] : problems;
    super(list.map(problem => problem.message).join('\n'));
    this.name = 'InputError';
    this.input = list[0]?.input ?? '';
    this.problems = Object.freeze([...list]);
  }
}

// setTimeout fires at once for delays above 2^31-1 ms (~24.8 days); GitHub jobs stop far sooner.
const MAX_TIMEOUT_MS = 7 * 24 * 3600 * 1000;
export const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
export const WORKSPACE_ID_PATTERN = /^ws-[A-Za-z0-9]+$/;
const VARIABLE_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const VERSION_PATTERN = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?$/;

/** Quotes a user value for an error message, shortened so a pasted blob stays readable. */
export function shown(value: string): string {
  const short = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return JSON.stringify(short);
}

/** The strings GitHub's YAML 1.2 core schema reads as booleans, as @actions/core accepts them. */
const TRUE_WORDS = new Set(['true', 'True', 'TRUE']);
const FALSE_WORDS = new Set(['false', 'False', 'FALSE']);

export function parseBoolean(raw: string, name: string): boolean {
  if (TRUE_WORDS.has(raw)) return true;
  if (FALSE_WORDS.has(raw)) return false;
  throw new InputError(name, `Input "${name}" must be true or false; got ${shown(raw)}.`);
}

/** A token must be one word: a line break or space would corrupt the Authorization header. */
export function checkToken(token: string): string {
  if (!token) {
    throw new InputError(
      'token',
      'Input "token" is required: pass an HCP Terraform / Terraform Enterprise API token, or set the TF_API_TOKEN environment variable.'
    );
  }
  if (/\s/.test(token)) {
    throw new InputError(
      'token',
      'Input "token" (or TF_API_TOKEN) must be a single word without spaces or line breaks; check how the secret was stored.'
    );
  }
  return token;
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

/** A workspace name or a `ws-…` ID; empty means "not given" (a rule decides if it may be). */
export function parseWorkspace(raw: string): string {
  if (raw && !WORKSPACE_ID_PATTERN.test(raw) && !NAME_PATTERN.test(raw)) {
    throw new InputError(
      'workspace',
      `Input "workspace" must be a workspace name (letters, digits, - and _) or a workspace ID such as ws-abc123; got ${shown(raw)}.`
    );
  }
  return raw;
}

/** An organization name; empty means "not given" (a rule decides if it may be). */
export function parseOrganization(raw: string): string {
  if (raw && !NAME_PATTERN.test(raw)) {
    throw new InputError(
      'organization',
      `Input "organization" must be an organization name made of letters, digits, - and _; got ${shown(raw)}.`
    );
  }
  return raw;
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
export function parseAddresses(raw: string, name: string): string[] {
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

/** One run-scoped variable: `value` is an HCL literal, passed through as written. */
export interface RunVariable {
  readonly key: string;
  readonly value: string;
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
    return Object.freeze({ key, value });
  });
}

export function parseTerraformVersion(raw: string): string {
  if (raw && !VERSION_PATTERN.test(raw)) {
    throw new InputError(
      'terraform-version',
      `Input "terraform-version" must be an exact Terraform version such as 1.9.5 or 1.10.0-beta1; got ${shown(raw)}.`
    );
  }
  return raw;
}

const RUN_ID_PATTERN = /^run-[A-Za-z0-9]+$/;
const CONFIGURATION_VERSION_ID_PATTERN = /^cv-[A-Za-z0-9]+$/;

/** A `run-…` ID; empty means "create a run". */
export function parseRunId(raw: string): string {
  if (raw && !RUN_ID_PATTERN.test(raw)) {
    throw new InputError(
      'run-id',
      `Input "run-id" must be a run ID such as run-CZcmD7eagjhyX0vN (e.g. the run-id output of an earlier job); got ${shown(raw)}.`
    );
  }
  return raw;
}

/** A `cv-…` ID; empty means "pack directory". */
export function parseConfigurationVersionId(raw: string): string {
  if (raw && !CONFIGURATION_VERSION_ID_PATTERN.test(raw)) {
    throw new InputError(
      'configuration-version',
      `Input "configuration-version" must be a configuration version ID such as cv-ntv3HbhJqvFzamy7 (e.g. the configuration-version-id output of an earlier job); got ${shown(raw)}.`
    );
  }
  return raw;
}

/**
 * The directory as written, with redundant `./` and trailing slashes folded, so `./` and
 * `infra/` mean the same as `.` and `infra` wherever inputs are compared.
 */
export function parseDirectory(raw: string): string {
  const normalized = path.normalize(raw);
  const trimmed = normalized.replace(/[\\/]+$/, '');
  return trimmed === '' ? normalized : trimmed;
}
