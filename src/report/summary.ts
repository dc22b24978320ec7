/**
 * The job summary and the `plan-summary` output: the rendered report, within GitHub's limits.
 * A summary problem never fails the step.
 */
import { appendFile, stat } from 'node:fs/promises';
import * as core from '@actions/core';
import {
  COMMENT_MAX_LENGTH,
  SUMMARY_MAX_LENGTH,
  renderContextFromEnv,
  renderReport,
  type RenderContext
} from './render.js';
import type { RunReport } from './types.js';

/**
 * The `plan-summary` output: bounded like a comment body, so users can post it as a
 * comment of their own without hitting GitHub's limit.
 */
export function planSummary(report: RunReport, context = renderContextFromEnv()): string {
  return renderReport(report, { maxLength: COMMENT_MAX_LENGTH, context });
}

async function existingSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/**
 * Appends the report to `$GITHUB_STEP_SUMMARY`. Does nothing (debug line) when the variable
 * is unset, and only warns when the file cannot be written.
 */
export async function writeJobSummary(
  report: RunReport,
  context: RenderContext = renderContextFromEnv()
): Promise<void> {
  const path = process.env['GITHUB_STEP_SUMMARY'];
  if (!path) {
    core.debug('GITHUB_STEP_SUMMARY is not set: no job summary written');
    return;
  }
  try {
    // The 1 MiB limit is per step, and this step's file may already hold something.
    const room = SUMMARY_MAX_LENGTH - (await existingSize(path)) - 1;
    const markdown = renderReport(report, { maxLength: room, context });
    // Appending directly rather than through core.summary: core.summary caches the file
    // path on first use, which would send later reports (and tests) to a stale file.
    await appendFile(path, `${markdown}\n`, { encoding: 'utf8' });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    core.warning(`Could not write the job summary: ${reason}`);
  }
}
