/**
 * Who a token is, as GitHub reports it on the comments the token writes (docs/github-notes.md §3):
 * `GITHUB_TOKEN` is the installation of the GitHub Actions app and writes as
 * `github-actions[bot]`; another app's installation token writes as `<slug>[bot]`; a
 * personal access token writes as its user, the only kind `GET /user` answers for.
 */

export interface GitHubUser {
  readonly login: string;
  readonly id: number;
  readonly node_id: string;
  readonly type: 'User' | 'Bot';
  readonly site_admin: false;
}

export interface GitHubApp {
  readonly id: number;
  readonly slug: string;
  readonly node_id: string;
  readonly name: string;
  readonly owner: { readonly login: string; readonly id: number; readonly type: 'Organization' };
}

export interface TokenIdentity {
  /** The author of what the token writes. */
  readonly user: GitHubUser;
  /** `performed_via_github_app` of what it writes; null for a user's token. */
  readonly app: GitHubApp | null;
}

const nodeId = (kind: string, id: number) => Buffer.from(`${kind}${id}`).toString('base64');

export function gitHubUser(login: string, id: number, type: 'User' | 'Bot'): GitHubUser {
  return {
    login,
    id,
    node_id: nodeId(type === 'Bot' ? '04:Bot' : '04:User', id),
    type,
    site_admin: false
  };
}

/** A user account named `login`, with an id derived from the name (stable across runs). */
export function namedUser(login: string): GitHubUser {
  let id = 7;
  for (const ch of login) id = (id * 31 + ch.charCodeAt(0)) % 90_000_000;
  return gitHubUser(login, 10_000_000 + id, login.endsWith('[bot]') ? 'Bot' : 'User');
}

/** The GitHub Actions app, as `performed_via_github_app` names it. */
export const ACTIONS_APP: GitHubApp = {
  id: 15368,
  slug: 'github-actions',
  node_id: 'MDM6QXBwMTUzNjg=',
  name: 'GitHub Actions',
  owner: { login: 'github', id: 9919, type: 'Organization' }
};

/** The identity of `GITHUB_TOKEN`. */
export const ACTIONS_BOT: TokenIdentity = {
  user: gitHubUser('github-actions[bot]', 41898282, 'Bot'),
  app: ACTIONS_APP
};

/** A personal access token of `login`. */
export function userIdentity(login: string, id: number): TokenIdentity {
  return { user: gitHubUser(login, id, 'User'), app: null };
}

/** The installation token of an app with this slug. */
export function appIdentity(slug: string, appId: number, botId: number): TokenIdentity {
  return {
    user: gitHubUser(`${slug}[bot]`, botId, 'Bot'),
    app: {
      id: appId,
      slug,
      node_id: nodeId('03:App', appId),
      name: slug,
      owner: { login: 'acme', id: 1000, type: 'Organization' }
    }
  };
}
