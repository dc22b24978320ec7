/** A pull request preview step for the abuse tests, with their GitHub token. */
import type { EmulatorFixture } from '../helpers/emulator.js';
import type { GitHubServer } from '../helpers/github-server.js';
import { previewOnPr as preview } from '../helpers/pr-step.js';
import type { StepFiles, StepResult } from '../helpers/runner.js';

export const GITHUB_TOKEN = 'ghs_abuseTestToken';
export const REPO = { owner: 'acme', repo: 'infrastructure' } as const;

export function previewOnPr(
  fixture: EmulatorFixture,
  github: GitHubServer,
  step: StepFiles,
  workspace: string,
  pr: number
): Promise<StepResult> {
  return preview({ fixture, github, step, workspace, pr, token: GITHUB_TOKEN });
}
