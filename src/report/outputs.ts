/**
 * The step's outputs (the README's "Outputs"), declared once: name → how the report gives
 * its value. action.yml must declare exactly these (a test checks it), and they are set as
 * far as the run got.
 */
import * as core from '@actions/core';
import type { RunReport } from './types.js';

type OutputValue = string | number | boolean | undefined;

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
  'plan-summary': (_report, planSummary) => planSummary
} as const satisfies Record<string, (report: RunReport, planSummary: string) => OutputValue>;

export function setRunOutputs(report: RunReport, planSummary: string): void {
  for (const [name, value] of Object.entries(OUTPUTS)) {
    const shown = value(report, planSummary);
    // Unknown values stay unset: GitHub reads an unset output as '' anyway, and an empty
    // string written here would look like a value that was measured.
    if (shown !== undefined && shown !== '') core.setOutput(name, shown);
  }
}
