/**
 * Who the github-token writes as, so that only the action's own comments are ever edited or
 * trusted (docs/github-notes.md §3). A marker proves nothing: anyone can type it.
 */
import type { GitHubClient } from './client.js';
import { httpStatusOf } from './client.js';

export interface OwnIdentity {
  /** The author login of what the token writes, e.g. `github-actions[bot]`. */
  readonly login: string;
  /** The account ID when GitHub told us; compared instead of the login (logins can change). */
  readonly id?: number;
  /** How it was learnt: `GET /user`, GraphQL `viewer`, or assumed to be `GITHUB_TOKEN`. */
  readonly source: 'user' | 'viewer' | 'assumed';
}

/** The author of comments written with `GITHUB_TOKEN`. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/** The author of a comment as GitHub lists it; null for a deleted account ("ghost"). */
export interface CommentAuthor {
  readonly login?: string;
  readonly id?: number;
  readonly type?: string;
}

/**
 * The identity behind `client`'s token: the user of `GET /user` (a personal access token);
 * where that is refused (an installation token: `GITHUB_TOKEN` or an app's), the bot that
 * GraphQL's `viewer` names; where that is refused too, `github-actions[bot]`, the author
 * of the default token. Other errors (bad credentials, a server error) are thrown.
 */
export async function resolveOwnIdentity(
  client: GitHubClient,
  signal: AbortSignal
): Promise<OwnIdentity> {
  try {
    const { data } = await client.rest.users.getAuthenticated({ request: { signal } });
    if (typeof data.login === 'string' && data.login !== '') {
      return { login: data.login, id: positiveId(data.id), source: 'user' };
    }
  } catch (error) {
    if (httpStatusOf(error) !== 403 && httpStatusOf(error) !== 404) throw error;
  }
  try {
    const answer = await client.graphql<{ viewer?: { login?: unknown; databaseId?: unknown } }>(
      'query { viewer { login databaseId } }',
      { request: { signal } }
    );
    const login = answer.viewer?.login;
    if (typeof login === 'string' && login !== '') {
      return { login, id: positiveId(answer.viewer?.databaseId), source: 'viewer' };
    }
  } catch (error) {
    // GraphQL answers errors with 200 and an `errors` list; both end here.
    if (signal.aborted) throw error;
  }
  return { login: ACTIONS_BOT_LOGIN, source: 'assumed' };
}

function positiveId(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/**
 * Whether `author` is the action's own identity. With an ID, the ID decides; without one,
 * the login (GitHub logins are case-insensitive), and an assumed bot must be a bot: a user
 * account can never be named `…[bot]`, so no user can pass for it.
 */
export function isOwnAuthor(author: CommentAuthor | null | undefined, own: OwnIdentity): boolean {
  if (!author || typeof author.login !== 'string') return false;
  if (own.id !== undefined) return author.id === own.id;
  if (own.source === 'assumed' && author.type !== 'Bot') return false;
  return author.login.toLowerCase() === own.login.toLowerCase();
}

/** "github-actions[bot] (assumed: GET /user and GraphQL viewer were refused)" for the log. */
export function describeIdentity(own: OwnIdentity): string {
  switch (own.source) {
    case 'user':
      return `${own.login} (GET /user)`;
    case 'viewer':
      return `${own.login} (GraphQL viewer)`;
    case 'assumed':
      return `${own.login} (assumed: GET /user and GraphQL viewer were refused)`;
  }
}
