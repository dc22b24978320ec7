/**
 * How the action writes to the step's log, so that nothing a run or a server says can steer
 * the runner (docs/github-notes.md §1, docs/contract.md "Untrusted input"):
 * - run output goes through `printUntrusted`: between `::stop-commands::<fresh token>` and
 *   `::<token>::`, written in one synchronous call, so no command of the action's own can
 *   ever fall inside a pause, whoever logs what and when;
 * - the action's own lines, which quote server strings (names, statuses, error messages),
 *   go through `log`: redacted, then neutralised (no line break of the runner's left raw, no
 *   line that starts with `::`, no `##[`), with invisible characters shown.
 */
import { randomUUID } from 'node:crypto';
import { EOL } from 'node:os';
import * as core from '@actions/core';
import { revealInvisible, stripControls } from './plain-text.js';
import { stepSecrets } from './redaction.js';

/** The legacy command prefix, which the runner finds anywhere in a line. */
const LEGACY = /##\[/g;
/** `::` after leading white space (the runner trims .NET white space, NEL included). */
const LEADING_COMMAND = /^([\s\u0085]*):(?=:)/gm;

/** Text the runner reads as no command, whatever part of a line it ends up in. */
export function neutralise(text: string): string {
  return revealInvisible(stripControls(text))
    .replace(LEADING_COMMAND, '$1: ')
    .replace(LEGACY, '# #[');
}

/** Redacted and neutralised: for every line the action writes itself. */
function safe(text: string): string {
  return neutralise(stepSecrets.redact(text));
}

/**
 * Prints lines from a run (or anything else outside the action) as they are, but with
 * commands paused by a token nobody can guess. `##[` is shown as `# #[`, so that the
 * log viewer draws no fake group or error line either.
 */
export function printUntrusted(lines: readonly string[]): void {
  if (lines.length === 0) return;
  // Built before the pause opens: nothing can throw between the pause and its end.
  const body = lines.map(line => `${stepSecrets.redact(line).replace(LEGACY, '# #[')}${EOL}`);
  const token = randomUUID();
  process.stdout.write(`::stop-commands::${token}${EOL}`);
  try {
    process.stdout.write(body.join(''));
  } finally {
    process.stdout.write(`::${token}::${EOL}`);
  }
}

/** The action's own log lines and annotations; server text inside them is made harmless. */
export const log = {
  info: (text: string): void => core.info(safe(text)),
  debug: (text: string): void => core.debug(safe(text)),
  warning: (text: string, properties?: core.AnnotationProperties): void =>
    core.warning(safe(text), properties),
  error: (text: string, properties?: core.AnnotationProperties): void =>
    core.error(safe(text), properties),
  notice: (text: string, properties?: core.AnnotationProperties): void =>
    core.notice(safe(text), properties),
  /** The step's final `::error::` and exit code. */
  failed: (text: string): void => core.setFailed(safe(text))
};
