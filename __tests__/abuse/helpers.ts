/** A pull request preview step for the abuse tests: pull_request event, sticky comment on. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../../src/main.js';
import type { EmulatorFixture } from '../helpers/emulator.js';
import type { GitHubServer } from '../helpers/github-server.js';
import { type StepFiles, type StepResult, withStep } from '../helpers/runner.js';

export const GITHUB_TOKEN = 'ghs_abuseTestToken';
export const REPO = { owner: 'acme', repo: 'infrastructure' } as const;

export async function previewOnPr(
  fixture: EmulatorFixture,
  github: GitHubServer,
  step: StepFiles,
  workspace: string,
  pr: number
): Promise<StepResult> {
  const eventPath = path.join(step.temp, 'event.json');
  fs.writeFileSync(eventPath, JSON.stringify({ number: pr, pull_request: { number: pr } }));
  return withStep(
    step,
    fixture.inputs(workspace, {
      speculative: 'true',
      'comment-on-pr': 'true',
      'github-token': GITHUB_TOKEN
    }),
    () => run(),
    { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventPath, GITHUB_API_URL: github.url }
  );
}
