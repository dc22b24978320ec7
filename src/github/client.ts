/** The GitHub REST/GraphQL client the action's GitHub calls share. */
import { getOctokit } from '@actions/github';

export type GitHubClient = ReturnType<typeof getOctokit>;

/** Every GitHub call of one step shares this bound: GitHub must not hold the step. */
export const GITHUB_TIMEOUT_MS = 60_000;

/** A client for `token` against GITHUB_API_URL (GHES and the test server included). */
export function gitHubClient(token: string, env: NodeJS.ProcessEnv = process.env): GitHubClient {
  // getOctokit reads GITHUB_API_URL once at import; pass it so GHES and tests are honoured.
  return getOctokit(token, {
    baseUrl: (env['GITHUB_API_URL'] || 'https://api.github.com').replace(/\/+$/, '')
  });
}

/** `owner/repo` from GITHUB_REPOSITORY, or undefined when it is not one. */
export function repositoryOf(
  fullName: unknown
): { readonly owner: string; readonly repo: string } | undefined {
  if (typeof fullName !== 'string') return undefined;
  const [owner, repo, ...rest] = fullName.split('/');
  if (!owner || !repo || rest.length > 0) return undefined;
  return { owner, repo };
}

/** The HTTP status of an Octokit error, when it has one. */
export function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
