/**
 * The step's outputs (the README's "Outputs"), declared once: name → how the report gives
 * its value. action.yml must declare exactly these (a test checks it), and they are set as
 * far as the run got. Each Terraform output also becomes a step output of its own name,
 * outside this table by nature (terraformStepOutputs).
 */
import * as core from '@actions/core';
import { costOutputs } from '../run-results/cost.js';
import { worstPolicyResult } from '../run-results/policies.js';
import type { SensitiveValues, TerraformOutput } from '../run-results/types.js';
import { log } from '../safe-log.js';
import type { RunReport } from './types.js';

type OutputValue = string | number | boolean | undefined;

/** Texts made while publishing, before the outputs are set. */
export interface PublishedTexts {
  readonly planSummary: string;
  /** The `outputs` output: sensitive values in it are masked by the time it is set. */
  readonly outputsJson?: string;
}

export const OUTPUTS = {
  'run-id': report => report.runId,
  'run-status': report => report.runStatus,
  'run-url': report => report.runUrl,
  'configuration-version-id': report => report.configurationVersionId,
  'plan-id': report => report.planId,
  'apply-id': report => report.applyId,
  'has-changes': report => report.hasChanges,
  'resource-additions': report => report.counts?.additions,
  'resource-changes': report => report.counts?.changes,
  'resource-destructions': report => report.counts?.destructions,
  'resource-imports': report => report.counts?.imports,
  'plan-summary': (_report, texts) => texts.planSummary,
  outputs: (_report, texts) => texts.outputsJson,
  'cost-monthly-prior': report => costOutputs(report.costEstimate).prior,
  'cost-monthly-proposed': report => costOutputs(report.costEstimate).proposed,
  'cost-monthly-delta': report => costOutputs(report.costEstimate).delta,
  'policy-result': report => worstPolicyResult(report.policies ?? [])
} as const satisfies Record<string, (report: RunReport, texts: PublishedTexts) => OutputValue>;

export function setRunOutputs(report: RunReport, texts: PublishedTexts): void {
  for (const [name, value] of Object.entries(OUTPUTS)) {
    const shown = value(report, texts);
    // Unknown values stay unset: GitHub reads an unset output as '' anyway, and an empty
    // string written here would look like a value that was measured.
    if (shown !== undefined && shown !== '') core.setOutput(name, shown);
  }
}

/** What the Terraform outputs turn into, decided before anything is set. */
export interface TerraformStepOutputs {
  /** The `outputs` output: `{name: value}`. */
  readonly json: string;
  /** Step outputs of their own: name → text (strings as is, other types as JSON). */
  readonly single: readonly (readonly [string, string])[];
  /** Texts to mask before anything is set: every sensitive value in the forms it takes. */
  readonly masks: readonly string[];
  readonly warnings: readonly string[];
}

/** GitHub's rule for output names (as for step IDs). */
const OUTPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const NAMES_IN_A_WARNING = 5;

/**
 * Which outputs become step outputs, and what must be masked first. Sensitive outputs take
 * part only when their value was read (`sensitive-outputs: true`). A name that is not a
 * valid output name, that is one of this action's outputs, or that differs from another
 * only in case (expressions ignore case) is only in `outputs`, with a warning.
 */
export function terraformStepOutputs(
  outputs: readonly TerraformOutput[],
  sensitiveValues: SensitiveValues,
  reserved: readonly string[] = Object.keys(OUTPUTS)
): TerraformStepOutputs {
  const entries: [string, unknown][] = [];
  const masks = new Set<string>();
  const names = new Set<string>();
  for (const output of outputs) {
    // A server that lists a name twice: the first one counts.
    if (names.has(output.name)) continue;
    let value = output.value;
    if (output.sensitive) {
      if (!sensitiveValues.has(output.id)) continue;
      value = sensitiveValues.get(output.id);
      for (const text of maskTexts(value)) masks.add(text);
    }
    names.add(output.name);
    entries.push([output.name, value]);
  }
  const byCase = new Map<string, number>();
  for (const [name] of entries) {
    byCase.set(name.toLowerCase(), (byCase.get(name.toLowerCase()) ?? 0) + 1);
  }
  const ours = new Set(reserved.map(name => name.toLowerCase()));
  const invalid: string[] = [];
  const clashing: string[] = [];
  const ambiguous: string[] = [];
  const single: [string, string][] = [];
  for (const [name, value] of entries) {
    if (!OUTPUT_NAME.test(name)) invalid.push(name);
    else if (ours.has(name.toLowerCase())) clashing.push(name);
    else if ((byCase.get(name.toLowerCase()) ?? 0) > 1) ambiguous.push(name);
    else single.push([name, outputText(value)]);
  }
  const warnings = [
    nameWarning(clashing, "the name of one of this action's own outputs"),
    nameWarning(invalid, 'a name that is not a valid step output name'),
    nameWarning(ambiguous, 'a name that differs from another only in case')
  ].filter((warning): warning is string => warning !== undefined);
  // fromEntries defines own properties, so a name like `__proto__` stays an ordinary key.
  return { json: JSON.stringify(Object.fromEntries(entries)), single, masks: [...masks], warnings };
}

/** Masks first (docs/github-notes.md §1), then warnings, then the outputs. */
export function setTerraformOutputs(step: TerraformStepOutputs): void {
  for (const text of step.masks) core.setSecret(text);
  for (const warning of step.warnings) log.warning(warning);
  for (const [name, value] of step.single) core.setOutput(name, value);
}

/** A Terraform output as a step output: a string as is, any other value as JSON. */
export function outputText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
}

/**
 * Every form of a sensitive value the step may write: the text, each of its lines (the
 * runner masks line by line, so a multi-line secret is only hidden line by line) and, for a
 * string, its JSON-escaped form as it appears inside the `outputs` JSON.
 */
export function maskTexts(value: unknown): string[] {
  const text = outputText(value);
  if (text.trim() === '') return [];
  const forms = [text, ...text.split(/\r\n|\r|\n/).flatMap(line => [line, line.trim()])];
  if (typeof value === 'string') forms.push(JSON.stringify(value).slice(1, -1));
  return [...new Set(forms.filter(form => form.trim() !== ''))];
}

function nameWarning(names: readonly string[], why: string): string | undefined {
  if (names.length === 0) return undefined;
  const shown = names.slice(0, NAMES_IN_A_WARNING).map(logQuote).join(', ');
  const more =
    names.length > NAMES_IN_A_WARNING ? ` and ${names.length - NAMES_IN_A_WARNING} more` : '';
  const count = names.length === 1 ? 'Terraform output' : `${names.length} Terraform outputs`;
  return `${count} ${shown}${more} ${names.length === 1 ? 'has' : 'have'} ${why}: only in the "outputs" output (read it with fromJSON(steps.<id>.outputs.outputs)).`;
}

/**
 * A name from the server, quoted for the log: printable ASCII only, so no line break,
 * bidi control or legacy `##[command]` can steer the runner (docs/github-notes.md §1).
 */
function logQuote(name: string): string {
  const short = name.length > 80 ? `${name.slice(0, 80)}…` : name;
  return JSON.stringify(short)
    .replace(/[^\x20-\x7e]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/##\[/g, '#\\u0023[');
}
