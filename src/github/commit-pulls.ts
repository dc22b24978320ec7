/**
 * The pull requests a commit belongs to (`GET /repos/{o}/{r}/commits/{sha}/pulls`,
 * docs/github-notes.md §2): for a merge commit on the default branch, the merged pull
 * request; for a commit elsewhere, the open ones whose head it is.
 */
import type { GitHubClient } from './client.js';

export interface CommitPull {
  readonly number: number;
  readonly merged: boolean;
  readonly open: boolean;
  readonly url?: string;
}

/** One page of 100: more pull requests than that for one commit is not a real case. */
const PER_PAGE = 100;

export async function pullRequestsOfCommit(
  client: GitHubClient,
  repository: { readonly owner: string; readonly repo: string },
  sha: string,
  signal: AbortSignal
): Promise<CommitPull[]> {
  const answer = await client.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: repository.owner,
    repo: repository.repo,
    commit_sha: sha,
    per_page: PER_PAGE,
    request: { signal }
  });
  const pulls: CommitPull[] = [];
  for (const pull of answer.data as unknown[]) {
    const { number, state, merged_at, html_url } = (pull ?? {}) as Record<string, unknown>;
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) continue;
    pulls.push({
      number,
      merged: typeof merged_at === 'string' && merged_at !== '',
      open: state === 'open',
      url: typeof html_url === 'string' && /^https?:\/\//.test(html_url) ? html_url : undefined
    });
  }
  return pulls;
}
