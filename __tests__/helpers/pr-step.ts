/**
 * The action as a pull request preview runs it: a `pull_request` event file, a
 * speculative plan, the sticky comment on, GitHub's API at the test server.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../../src/main.js';
import type { EmulatorFixture } from './emulator.js';
import type { GitHubServer } from './github-server.js';
import { type StepFiles, type StepResult, withStep } from './runner.js';

export interface PreviewStep {
  readonly fixture: EmulatorFixture;
  readonly github: GitHubServer;
  readonly step: StepFiles;
  readonly workspace: string;
  readonly pr: number;
  /** The `github-token` input, one the GitHub server accepts. */
  readonly token: string;
  /** The pull request's head commit, as the event gives it. */
  readonly headSha?: string;
  readonly inputs?: Record<string, string>;
}

export async function previewOnPr(preview: PreviewStep): Promise<StepResult> {
  const { step, pr } = preview;
  const eventPath = path.join(step.temp, 'event.json');
  const head = preview.headSha ? { head: { sha: preview.headSha } } : {};
  fs.writeFileSync(
    eventPath,
    JSON.stringify({
      action: 'synchronize',
      number: pr,
      pull_request: { number: pr, ...head },
      repository: { full_name: 'acme/infrastructure' }
    })
  );
  return withStep(
    step,
    preview.fixture.inputs(preview.workspace, {
      speculative: 'true',
      'comment-on-pr': 'true',
      'github-token': preview.token,
      ...preview.inputs
    }),
    () => run(),
    {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_API_URL: preview.github.url
    }
  );
}
