/** The step's outputs (interface.md "Outputs"), set as far as the run got. */
import * as core from '@actions/core';
import type { RunReport } from './types.js';

export function setRunOutputs(report: RunReport, planSummary: string): void {
  const outputs: Record<string, string | number | boolean | undefined> = {
    'run-id': report.runId,
    'run-status': report.runStatus,
    'run-url': report.runUrl,
    'configuration-version-id': report.configurationVersionId,
    'plan-id': report.planId,
    'apply-id': report.applyId,
    'has-changes': report.hasChanges,
    'resource-additions': report.counts?.additions,
    'resource-changes': report.counts?.changes,
    'resource-destructions': report.counts?.destructions,
    'resource-imports': report.counts?.imports,
    'plan-summary': planSummary
  };
  for (const [name, value] of Object.entries(outputs)) {
    // Unknown values stay unset: GitHub reads an unset output as '' anyway, and an empty
    // string written here would look like a value that was measured.
    if (value !== undefined && value !== '') core.setOutput(name, value);
  }
}
