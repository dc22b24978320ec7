/**
 * The one renderer of the run report: the job summary, the sticky PR comment and the
 * `plan-summary` output all show this markdown. The result always fits in `maxLength`.
 */
import { countsSentence } from '../outcome.js';
import { ACTION_ORDER, compareResourceChanges } from './plan-changes.js';
import {
  byteLength,
  codeBlock,
  codeSpan,
  cutToBytes,
  escapeInline,
  link,
  tableCell,
  tailLines
} from './markdown.js';
import {
  costSection,
  outputsSection,
  outputsUnavailableNote,
  overrideSection,
  policiesSection,
  tasksSection
} from './results-sections.js';
import type { ResourceAction, ResourceChange, RunReport } from './types.js';

/** GitHub refuses comment bodies longer than this. */
export const COMMENT_MAX_LENGTH = 65_536;
/** GitHub refuses a step summary larger than 1 MiB. */
export const SUMMARY_MAX_LENGTH = 1024 * 1024;

export interface RenderContext {
  /** e.g. `https://github.com/owner/repo`: links the commit. */
  readonly repositoryUrl?: string;
  /** One closing line in small print, e.g. "Updated for the push of abc1234." */
  readonly footer?: string;
}

export interface RenderOptions {
  /** Upper bound of the result in UTF-8 bytes (so also in characters). */
  readonly maxLength: number;
  /** A hidden HTML comment put first, e.g. the sticky comment's marker. */
  readonly marker?: string;
  readonly context?: RenderContext;
}

/** The repository link from the runner's environment (GITHUB_SERVER_URL, GITHUB_REPOSITORY). */
export function renderContextFromEnv(env: NodeJS.ProcessEnv = process.env): RenderContext {
  const repository = env['GITHUB_REPOSITORY'];
  if (repository === undefined || repository === '') return {};
  const server = (env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/+$/, '');
  return { repositoryUrl: `${server}/${repository}` };
}

const GROUP_TITLES: Record<ResourceAction, string> = {
  destroy: 'Destroy',
  replace: 'Replace',
  create: 'Create',
  update: 'Update in place',
  import: 'Import',
  move: 'Move',
  forget: 'Forget (remove from state, keep the object)',
  read: 'Read'
};

// Caps on single fields, so one huge message cannot crowd out the rest of the report.
const MAX_HEADLINE = 1_000;
const MAX_ERROR = 4_000;
const MAX_ADDRESS = 1_000;
const MAX_LOG = 16_000;

function workspaceLabel(report: RunReport): string {
  if (report.organization && report.workspaceName) {
    return `${report.organization}/${report.workspaceName}`;
  }
  return report.workspaceName ?? report.workspaceId ?? 'unknown workspace';
}

function title(report: RunReport): string {
  let kind = 'Terraform run';
  if (report.nothingCreated) kind = 'Terraform run not started';
  else if (report.speculative) kind = 'Terraform plan (speculative)';
  else if (report.isDestroy) kind = 'Terraform destroy run';
  return `### ${kind}: ${codeSpan(workspaceLabel(report))}`;
}

function verdict(report: RunReport): string {
  const headline = escapeInline(cutToBytes(report.headline, MAX_HEADLINE));
  if (report.nothingCreated) {
    return `**Failed: nothing was created.** ${headline}`.trimEnd();
  }
  const word = report.outcome === 'success' ? 'Succeeded' : 'Failed';
  return `**${word}:** ${headline}`.trimEnd();
}

function detailsTable(report: RunReport, context: RenderContext | undefined): string | undefined {
  const columns: [string, string][] = [];
  if (report.runId || report.runUrl) {
    columns.push(['Run', link(codeSpan(report.runId ?? 'run'), report.runUrl)]);
  }
  if (report.runStatus) columns.push(['Status', codeSpan(report.runStatus)]);
  if (report.commitSha) {
    const sha = report.commitSha;
    const url = context?.repositoryUrl ? `${context.repositoryUrl}/commit/${sha}` : undefined;
    columns.push(['Commit', link(codeSpan(sha.slice(0, 7)), url)]);
  }
  if (report.configurationVersionId) {
    const source = report.sourceConfigurationVersionId;
    const copied = source && source !== report.configurationVersionId;
    const cell = codeSpan(report.configurationVersionId);
    columns.push([
      'Configuration version',
      copied ? `${cell} (copy of ${codeSpan(source)})` : cell
    ]);
  }
  if (columns.length === 0) return undefined;
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    row(columns.map(([name]) => name)),
    row(columns.map(() => '---')),
    row(columns.map(([, value]) => tableCell(value)))
  ].join('\n');
}

function countsLine(report: RunReport): string | undefined {
  // Whatever numbers the server sent, a plan that did not finish has no result.
  if (report.planStatus === 'errored') {
    return '**Plan:** errored, so nothing is known about changes.';
  }
  if (report.planStatus === 'canceled') {
    return '**Plan:** canceled before it finished, so nothing is known about changes.';
  }
  const c = report.counts;
  if (c === undefined) return undefined;
  const total = c.additions + c.changes + c.destructions + c.imports;
  if (total === 0 && report.hasChanges !== true) {
    return '**Plan:** no changes. The infrastructure matches the configuration.';
  }
  return `**Plan:** ${countsSentence(c)}`;
}

function errorBlock(report: RunReport): string | undefined {
  if (!report.error) return undefined;
  return `**Error**\n\n${codeBlock(cutToBytes(report.error, MAX_ERROR))}`;
}

function unavailableNote(report: RunReport): string | undefined {
  if (!report.resourceChangesUnavailable) return undefined;
  const reason = escapeInline(cutToBytes(report.resourceChangesUnavailable, 1_000));
  return `> Resource-level changes are not shown: ${reason}`;
}

function logSection(report: RunReport, budget: number): string | undefined {
  if (!report.logTail) return undefined;
  const overhead = 120;
  if (budget <= overhead) return undefined;
  const tail = tailLines(report.logTail, Math.min(MAX_LOG, budget - overhead));
  if (tail.lines === 0) return undefined;
  const summary = `Log (last ${tail.lines} line${tail.lines === 1 ? '' : 's'})`;
  return `<details><summary>${summary}</summary>\n\n${codeBlock(tail.text)}\n\n</details>`;
}

function changeLine(change: ResourceChange): string {
  let line = `- ${codeSpan(cutToBytes(change.address, MAX_ADDRESS))}`;
  const notes: string[] = [];
  if (change.previousAddress) {
    notes.push(`moved from ${codeSpan(cutToBytes(change.previousAddress, MAX_ADDRESS))}`);
  }
  if (change.importing) notes.push('imported');
  if (change.deposed) notes.push(`deposed object ${codeSpan(change.deposed)}`);
  if (notes.length > 0) line += ` (${notes.join(', ')})`;
  return line;
}

/** The resource list, as many lines as fit in `budget` bytes, then "… and N more". */
function changesSection(
  report: RunReport,
  changes: readonly ResourceChange[],
  budget: number
): string | undefined {
  if (changes.length === 0) return undefined;
  const sorted = [...changes].sort(compareResourceChanges);
  const heading = `#### Resource changes (${sorted.length})`;
  const parts: string[] = [heading];
  let size = byteLength(heading);
  // Keep room for the longest "… and N more" line this list could end with.
  const limit = budget - byteLength(moreLine(report, sorted)) - 8;
  let shown = 0;
  let full = false;
  for (const action of ACTION_ORDER) {
    const group = sorted.filter(c => c.action === action);
    if (group.length === 0 || full) continue;
    const groupHeading = `\n\n**${GROUP_TITLES[action]}** (${group.length})\n`;
    if (size + byteLength(groupHeading) > limit) {
      full = true;
      continue;
    }
    parts.push(groupHeading);
    size += byteLength(groupHeading);
    for (const change of group) {
      const line = `\n${changeLine(change)}`;
      if (size + byteLength(line) > limit) {
        full = true;
        break;
      }
      parts.push(line);
      size += byteLength(line);
      shown += 1;
    }
  }
  if (shown < sorted.length) parts.push(moreLine(report, sorted.slice(shown)));
  return budget > 0 && shown > 0 ? parts.join('') : moreOnly(sorted.length, report, budget);
}

/** "… and N more (a create, b update): see the run." */
function moreLine(report: RunReport, hidden: readonly ResourceChange[]): string {
  const byAction = ACTION_ORDER.map(a => [a, hidden.filter(c => c.action === a).length] as const)
    .filter(([, n]) => n !== 0)
    .map(([a, n]) => `${n} ${a}`)
    .join(', ');
  const where = report.runUrl ? `: see the ${link('run', report.runUrl)}` : '';
  return `\n\n… and ${hidden.length} more (${byAction})${where}.`;
}

function moreOnly(count: number, report: RunReport, budget: number): string | undefined {
  const where = report.runUrl ? `: see the ${link('run', report.runUrl)}` : '';
  const text = `#### Resource changes (${count})\n\n… ${count} changes not shown here${where}.`;
  return byteLength(text) <= budget ? text : undefined;
}

/**
 * One report section. Fixed sections cap their own size; flexible ones (long lists) share
 * what room is left, in `fill` order, each taking `share` of the room still free.
 */
interface Section {
  readonly render: (report: RunReport, context: RenderContext, room: number) => string | undefined;
  readonly flexible?: { readonly fill: number; readonly share: (report: RunReport) => number };
}

/**
 * The long lists, in the order they take their share of the room left: each takes an equal
 * part of what the lists after it have not used, so the resource changes, last, get the most.
 */
const LISTS: readonly ((report: RunReport) => number)[] = [
  report => report.policies?.length ?? 0,
  report => report.taskResults?.length ?? 0,
  report => report.terraformOutputs?.length ?? 0,
  report => report.resourceChanges?.length ?? 0
];

function fairShare(report: RunReport, list: number): number {
  const waiting = LISTS.slice(list).filter(length => length(report) > 0).length;
  return 1 / Math.max(1, waiting);
}

/**
 * The report's sections, in the order they appear. This one list both measures and joins
 * the report, so the size guard never cuts a section in half: adding a section is one entry.
 */
const SECTIONS: readonly Section[] = [
  { render: title },
  { render: verdict },
  { render: (report, context) => detailsTable(report, context) },
  { render: countsLine },
  { render: overrideSection },
  { render: errorBlock },
  {
    render: (report, _context, room) => changesSection(report, report.resourceChanges ?? [], room),
    flexible: { fill: 5, share: report => fairShare(report, 3) }
  },
  { render: unavailableNote },
  { render: costSection },
  {
    render: (report, _context, room) => policiesSection(report, room),
    flexible: { fill: 2, share: report => fairShare(report, 0) }
  },
  {
    render: (report, _context, room) => tasksSection(report, room),
    flexible: { fill: 3, share: report => fairShare(report, 1) }
  },
  {
    render: (report, _context, room) => outputsSection(report, room),
    flexible: { fill: 4, share: report => fairShare(report, 2) }
  },
  { render: outputsUnavailableNote },
  {
    render: (report, _context, room) => logSection(report, room),
    // An errored plan rarely has long lists; when it does, they get most of the room.
    flexible: { fill: 1, share: report => (LISTS.some(length => length(report) > 0) ? 0.3 : 1) }
  },
  {
    render: (_report, context) =>
      context.footer ? `<sub>${escapeInline(context.footer)}</sub>` : undefined
  }
];

const SEPARATOR = '\n\n';

/** Renders the report as GitHub-flavoured markdown of at most `options.maxLength` bytes. */
export function renderReport(report: RunReport, options: RenderOptions): string {
  const max = Number.isNaN(options.maxLength) ? 0 : Math.max(0, Math.floor(options.maxLength));
  const context = options.context ?? {};
  const rendered: (string | undefined)[] = SECTIONS.map(section =>
    section.flexible ? undefined : section.render(report, context, Infinity)
  );
  const parts = (extra: number) =>
    [options.marker, ...rendered].filter(part => part !== undefined && part !== '').length + extra;
  const size = () =>
    [options.marker, ...rendered].reduce((sum, part) => sum + (part ? byteLength(part) : 0), 0);
  const flexible = SECTIONS.map((section, index) => ({ section, index }))
    .filter(entry => entry.section.flexible)
    .sort((a, b) => a.section.flexible!.fill - b.section.flexible!.fill);
  // Room left once every fixed section, every separator (flexible ones counted as present)
  // and the final newline are paid for.
  let room = max - size() - (parts(flexible.length) - 1) * SEPARATOR.length - 1;
  for (const { section, index } of flexible) {
    const share = Math.floor(room * section.flexible!.share(report));
    const text = share > 0 ? section.render(report, context, share) : undefined;
    rendered[index] = text;
    if (text) room -= byteLength(text);
  }
  const text = [options.marker, ...rendered]
    .filter((part): part is string => part !== undefined && part !== '')
    .join(SEPARATOR);
  // Last guard, for tiny limits or huge fixed fields: cut, never exceed the limit.
  const withNewline = `${text}\n`;
  return byteLength(withNewline) <= max ? withNewline : cutToBytes(text, max);
}
