/**
 * The report's sections about what the run produced: a run waiting for an override, the
 * cost estimate, policies, run tasks and Terraform outputs. Every name, message, URL and
 * value is the server's text: escaped, cut, and never able to break a table.
 */
import { costLine } from '../run-results/cost.js';
import type { PolicyResult, PolicyRow, TaskRow } from '../run-results/types.js';
import { fitTable } from './fit-table.js';
import { codeSpan, cutToBytes, escapeInline, link, tableCell } from './markdown.js';
import { outputText } from './outputs.js';
import type { RunReport } from './types.js';

const MAX_NAME = 200;
const MAX_VALUE = 300;
const MAX_MESSAGE = 500;

/** Cells are markdown already: escaped text (pipes included) or table-safe code spans. */
function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function head(names: readonly string[]): string {
  return `${row(names)}\n${row(names.map(() => '---'))}`;
}

function seeTheRun(report: RunReport): string {
  return report.runUrl ? `: see the ${link('run', report.runUrl)}` : '';
}

/**
 * A code span for a table cell: cut to `max` bytes (an ellipsis outside the span says so),
 * its pipes escaped for the table parser.
 */
function codeCell(text: string, max: number): string {
  const cut = cutToBytes(text, max);
  return tableCell(cut.length < text.length ? `${codeSpan(cut)} …` : codeSpan(cut));
}

/**
 * A URL from the server as a link target that cannot end the link or the table cell early:
 * http(s) only, normalised by the URL parser (which encodes spaces and control characters),
 * and the characters markdown reads in a link or a table percent-encoded.
 */
export function linkTarget(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  return parsed.href.replace(
    /[()[\]<>|`\\*_~!]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  );
}

// ---- a run waiting for a person ------------------------------------------------------

const WHO =
  'Someone allowed to override (the organization’s owners, or a team with the “Manage policy overrides” permission)';

export function overrideSection(report: RunReport): string | undefined {
  const wait = report.overrideWait;
  if (!wait) return undefined;
  const what =
    wait.kind === 'policy'
      ? '**The run waits for a policy override.**'
      : `**The run waits for a decision on a failed run task**${wait.stage ? ` (stage ${codeSpan(wait.stage)})` : ''}.`;
  const where = report.runUrl ? `: ${link('open the run', report.runUrl)}` : ' in the web UI';
  const token =
    wait.tokenCanOverride === true
      ? ' This step’s token is allowed to override it.'
      : wait.tokenCanOverride === false
        ? ' This step’s token is not allowed to override it.'
        : '';
  return `> ${what} ${WHO} can override it or discard the run${where}.${token}`;
}

// ---- cost ----------------------------------------------------------------------------

export function costSection(report: RunReport): string | undefined {
  const line = costLine(report.costEstimate);
  return line ? `**Cost estimate:** ${escapeInline(cutToBytes(line, 2_000))}` : undefined;
}

// ---- policies ------------------------------------------------------------------------

const RESULT_WORDS: Record<PolicyResult, string> = {
  'hard-failed': 'hard failed',
  'soft-failed': 'soft failed',
  overridden: 'overridden',
  'advisory-failed': 'advisory failed',
  passed: 'passed'
};

function resultCell(policy: PolicyRow): string {
  if (policy.errored) return '**errored**';
  const words = RESULT_WORDS[policy.result];
  return policy.result === 'hard-failed' || policy.result === 'soft-failed'
    ? `**${words}**`
    : words;
}

/** "1 hard failed, 12 passed", worst first. */
function resultCounts(policies: readonly PolicyRow[]): string {
  const counts = new Map<PolicyResult, number>();
  for (const policy of policies) counts.set(policy.result, (counts.get(policy.result) ?? 0) + 1);
  return (Object.keys(RESULT_WORDS) as PolicyResult[])
    .filter(result => counts.has(result))
    .map(result => `${counts.get(result)} ${RESULT_WORDS[result]}`)
    .join(', ');
}

export function policiesSection(report: RunReport, budget: number): string | undefined {
  const policies = report.policies ?? [];
  return fitTable(
    {
      title: `#### Policies (${resultCounts(policies)})`,
      head: head(['Result', 'Policy', 'Policy set', 'Kind', 'Enforcement']),
      rows: policies.map(policy =>
        row([
          resultCell(policy),
          codeCell(policy.name, MAX_NAME),
          policy.set ? codeCell(policy.set, MAX_NAME) : '',
          policy.kind === 'opa' ? 'OPA' : 'Sentinel',
          policy.enforcement ? escapeInline(cutToBytes(policy.enforcement, 50)) : '—'
        ])
      ),
      // Failures come first, so what is left out is mostly what passed.
      more: hidden =>
        `… and ${hidden} more (${resultCounts(policies.slice(-hidden))})${seeTheRun(report)}.`
    },
    budget
  );
}

// ---- run tasks -----------------------------------------------------------------------

function taskStatusCell(task: TaskRow): string {
  const status = escapeInline(cutToBytes(task.status, 50));
  return ['failed', 'errored'].includes(task.status) ? `**${status}**` : status;
}

export function tasksSection(report: RunReport, budget: number): string | undefined {
  const tasks = report.taskResults ?? [];
  return fitTable(
    {
      title: `#### Run tasks (${tasks.length})`,
      head: head(['Task', 'Stage', 'Enforcement', 'Status', 'Message']),
      rows: tasks.map(task =>
        row([
          link(escapeInline(cutToBytes(task.name, MAX_NAME)), linkTarget(task.url)),
          task.stage ? codeCell(task.stage, 50) : '',
          task.enforcement ? escapeInline(cutToBytes(task.enforcement, 50)) : '—',
          taskStatusCell(task),
          task.message ? escapeInline(cutToBytes(task.message, MAX_MESSAGE)) : ''
        ])
      ),
      more: hidden => `… and ${hidden} more task results${seeTheRun(report)}.`
    },
    budget
  );
}

// ---- Terraform outputs ---------------------------------------------------------------

function valueCell(sensitive: boolean, value: unknown): string {
  // Never the value, whatever sensitive-outputs says: the report is for reviewers.
  if (sensitive) return '*sensitive*';
  const text = outputText(value);
  return text === '' ? '*empty*' : codeCell(text, MAX_VALUE);
}

export function outputsSection(report: RunReport, budget: number): string | undefined {
  const outputs = report.terraformOutputs ?? [];
  return fitTable(
    {
      title: `#### Outputs (${outputs.length})`,
      head: head(['Name', 'Type', 'Value']),
      rows: outputs.map(output =>
        row([
          codeCell(output.name, MAX_NAME),
          codeCell(output.type, MAX_NAME),
          valueCell(output.sensitive, output.value)
        ])
      ),
      more: hidden => `… and ${hidden} more outputs: all of them are in the \`outputs\` output.`
    },
    budget
  );
}

export function outputsUnavailableNote(report: RunReport): string | undefined {
  if (!report.outputsUnavailable) return undefined;
  return `> Outputs: ${escapeInline(cutToBytes(report.outputsUnavailable, 500))}`;
}
