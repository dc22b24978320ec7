/**
 * Reads a step's stdout the way the GitHub runner does (docs/github-notes.md §1), to see
 * which workflow commands would take effect: lines end at `\r\n`, `\n` and a lone `\r`; a
 * line is a `::name props::data` command after its leading white space is trimmed; the
 * legacy `##[name props]data` form counts at its first occurrence anywhere in a line;
 * `::stop-commands::TOKEN` ignores every command until one named TOKEN. Only registered
 * command names count, compared without case, as the runner's parser does.
 */

export interface RunnerCommand {
  readonly name: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly data: string;
  /** The line as the runner saw it. */
  readonly line: string;
}

export interface RunnerReading {
  /** Commands the runner would act on, in order; pause and resume markers are left out. */
  readonly executed: RunnerCommand[];
  /** Commands read while commands were stopped: shown as text, never acted on. */
  readonly ignored: RunnerCommand[];
  /** The tokens of every `stop-commands` that took effect. */
  readonly stopTokens: string[];
  /** True when the output ends with commands still stopped. */
  readonly stoppedAtEnd: boolean;
}

/** The commands the runner knows (set-env and add-path are refused, but still parsed). */
const RUNNER_COMMANDS = [
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning'
];

/** What .NET's Char.IsWhiteSpace accepts (String.TrimStart trims these). */
const DOTNET_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/;

function unescape(text: string, mappings: [string, string][]): string {
  let out = text;
  for (const [from, to] of mappings) out = out.split(from).join(to);
  return out;
}

const DATA_ESCAPES: [string, string][] = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%25', '%']
];
const PROPERTY_ESCAPES: [string, string][] = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%3A', ':'],
  ['%2C', ','],
  ['%25', '%']
];
const LEGACY_ESCAPES: [string, string][] = [
  ['%3B', ';'],
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%5D', ']'],
  ['%25', '%']
];

function properties(text: string, separator: string, escapes: [string, string][]) {
  const result: Record<string, string> = {};
  for (const item of text.split(separator).filter(Boolean)) {
    const at = item.indexOf('=');
    if (at <= 0 || at === item.length - 1) continue;
    result[item.slice(0, at).toLowerCase()] = unescape(item.slice(at + 1), escapes);
  }
  return result;
}

/** `::name k=v,k=v::data` after the leading white space; undefined when not a command. */
function parseCommand(line: string, known: Set<string>): RunnerCommand | undefined {
  const message = line.replace(DOTNET_SPACE, '');
  if (!message.startsWith('::')) return undefined;
  const end = message.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!known.has(name.toLowerCase())) return undefined;
  return {
    name: name.toLowerCase(),
    properties: space > 0 ? properties(info.slice(space + 1).trim(), ',', PROPERTY_ESCAPES) : {},
    data: unescape(message.slice(end + 2), DATA_ESCAPES),
    line
  };
}

/** `##[name k=v;k=v]data` at the first `##[` of the line. */
function parseLegacy(line: string, known: Set<string>): RunnerCommand | undefined {
  const prefix = line.indexOf('##[');
  if (prefix < 0) return undefined;
  const bracket = line.indexOf(']', prefix);
  if (bracket < 0) return undefined;
  const info = line.slice(prefix + 3, bracket);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!known.has(name.toLowerCase())) return undefined;
  return {
    name: name.toLowerCase(),
    properties: space > 0 ? properties(info.slice(space + 1), ';', LEGACY_ESCAPES) : {},
    data: unescape(line.slice(bracket + 1), LEGACY_ESCAPES),
    line
  };
}

/** The lines of a stdout as the runner reads them. */
export function runnerLines(stdout: string): string[] {
  const lines = stdout.split(/\r\n|\n|\r/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export function readAsRunner(stdout: string): RunnerReading {
  const known = new Set(RUNNER_COMMANDS);
  const executed: RunnerCommand[] = [];
  const ignored: RunnerCommand[] = [];
  const stopTokens: string[] = [];
  let stopToken: string | undefined;
  for (const line of runnerLines(stdout)) {
    if (line === '') continue;
    const command = parseCommand(line, known) ?? parseLegacy(line, known);
    if (!command) continue;
    if (stopToken !== undefined) {
      // An empty token never resumes: the runner compares against a non-empty one only.
      if (stopToken !== '' && command.name === stopToken.toLowerCase()) {
        known.delete(stopToken.toLowerCase());
        stopToken = undefined;
      } else {
        ignored.push(command);
      }
    } else if (command.name === 'stop-commands') {
      stopToken = command.data;
      stopTokens.push(command.data);
      known.add(command.data.toLowerCase());
    } else {
      executed.push(command);
    }
  }
  return { executed, ignored, stopTokens, stoppedAtEnd: stopToken !== undefined };
}
