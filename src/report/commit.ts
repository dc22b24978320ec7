/** The commit a report names: on pull requests the PR's head, not GitHub's merge commit. */
import { readFileSync } from 'node:fs';

export function reportedCommitSha(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const event = env['GITHUB_EVENT_NAME'];
  const path = env['GITHUB_EVENT_PATH'];
  if ((event === 'pull_request' || event === 'pull_request_target') && path) {
    try {
      const payload = JSON.parse(readFileSync(path, 'utf8')) as {
        pull_request?: { head?: { sha?: unknown } };
      };
      const sha = payload.pull_request?.head?.sha;
      // GITHUB_SHA is the test merge commit here, which reviewers never see.
      if (typeof sha === 'string' && /^[0-9a-f]{7,64}$/i.test(sha)) return sha;
    } catch {
      // An unreadable event file only costs the nicer commit link.
    }
  }
  return env['GITHUB_SHA'] || undefined;
}
