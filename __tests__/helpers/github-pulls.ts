/**
 * Pull requests as `GET /repos/{o}/{r}/commits/{sha}/pulls` lists them: the fields a
 * client reads (number, state, head and base, author), filled in from a short spec.
 */
import { namedUser, type GitHubUser } from './github-identities.js';

export interface PullRequestSpec {
  readonly number: number;
  readonly state?: 'open' | 'closed';
  /** A closed pull request that was merged. */
  readonly merged?: boolean;
  readonly title?: string;
  readonly headSha?: string;
  readonly headRef?: string;
  readonly baseRef?: string;
  /** The author's login. */
  readonly author?: string;
}

export interface PullRequest {
  readonly url: string;
  readonly id: number;
  readonly number: number;
  readonly html_url: string;
  readonly state: 'open' | 'closed';
  readonly title: string;
  readonly user: GitHubUser;
  readonly draft: false;
  readonly merged_at: string | null;
  readonly head: { readonly ref: string; readonly sha: string; readonly label: string };
  readonly base: { readonly ref: string; readonly sha: string; readonly label: string };
}

export function pullRequest(
  apiUrl: string,
  owner: string,
  repo: string,
  spec: PullRequestSpec
): PullRequest {
  const state = spec.state ?? (spec.merged ? 'closed' : 'open');
  const headRef = spec.headRef ?? `feature-${spec.number}`;
  const baseRef = spec.baseRef ?? 'main';
  return {
    url: `${apiUrl}/repos/${owner}/${repo}/pulls/${spec.number}`,
    id: 900_000 + spec.number,
    number: spec.number,
    html_url: `https://github.com/${owner}/${repo}/pull/${spec.number}`,
    state,
    title: spec.title ?? `Pull request ${spec.number}`,
    user: namedUser(spec.author ?? 'octocat'),
    draft: false,
    merged_at: spec.merged ? '2026-01-01T00:00:00Z' : null,
    head: {
      ref: headRef,
      sha: spec.headSha ?? `${spec.number}`.padStart(40, 'a'),
      label: `${owner}:${headRef}`
    },
    base: { ref: baseRef, sha: '0'.repeat(40), label: `${owner}:${baseRef}` }
  };
}
