/**
 * A small real GitHub REST server on 127.0.0.1 for tests: the issue-comment endpoints the
 * sticky PR comment uses, with GitHub's pagination (`per_page`, `page`, `Link`), its
 * 65,536-character body limit, and a switch that makes the token read-only (403), as the
 * token of a pull request from a fork is. Comments carry their author as GitHub reports
 * it: the identity of the token that wrote them (docs/github-notes.md §3). Also
 * `GET /repos/{o}/{r}/commits/{sha}/pulls`, `GET /user` and GraphQL's `viewer`
 * (docs/github-notes.md §2).
 */
import { afterEach, beforeEach } from '@jest/globals';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ACTIONS_BOT,
  appIdentity,
  namedUser,
  userIdentity,
  type GitHubApp,
  type GitHubUser,
  type TokenIdentity
} from './github-identities.js';
import { pullRequest, type PullRequest, type PullRequestSpec } from './github-pulls.js';

export interface StoredComment {
  readonly id: number;
  readonly node_id: string;
  readonly url: string;
  readonly html_url: string;
  readonly issue_url: string;
  body: string;
  /** The author: the identity of the token that wrote it, or a planted user. */
  readonly user: GitHubUser;
  /** The app that wrote it (GitHub Actions for `GITHUB_TOKEN`); null for a user. */
  readonly performed_via_github_app: GitHubApp | null;
  readonly author_association: string;
  readonly created_at: string;
  updated_at: string;
}

/** One `PATCH` of a comment that changed it. */
export interface CommentEdit {
  readonly commentId: number;
  /** Who edited it (write access lets anyone edit anyone's comment). */
  readonly editor: GitHubUser;
  readonly before: string;
  readonly after: string;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/repos/acme/infra/issues/7/comments?per_page=100&page=2`. */
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

export interface GitHubServer {
  /** Base URL for GITHUB_API_URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Every edit of a comment, in order. */
  readonly edits: CommentEdit[];
  /** When true, writes answer 403 "Resource not accessible by integration". */
  readOnly: boolean;
  /** When set, every request answers this status (e.g. 500). */
  failWith: number | undefined;
  /** When false, GraphQL answers `viewer` with an error (true: the token's author). */
  graphqlViewer: boolean;
  /** The comments of one issue, oldest first. */
  comments(owner: string, repo: string, issue: number): StoredComment[];
  /**
   * Plants a comment. The author is the `GITHUB_TOKEN` identity unless given: a login
   * (a registered token's identity when one has it, else a user of that name) or an
   * identity, e.g. the pull request's author writing a fake marker comment.
   */
  addComment(
    owner: string,
    repo: string,
    issue: number,
    body: string,
    author?: string | TokenIdentity
  ): StoredComment;
  /** The edits of one comment (`[]`: never edited). */
  editsOf(commentId: number): CommentEdit[];
  /** Registers a personal access token of `login`: it writes as that user, `GET /user` answers. */
  addUserToken(token: string, login: string, id?: number): TokenIdentity;
  /** Registers an app installation token: it writes as `<slug>[bot]`, `GET /user` is refused. */
  addAppToken(token: string, slug: string, appId?: number): TokenIdentity;
  /** The pull requests `GET /repos/{o}/{r}/commits/{sha}/pulls` lists (none: `[]`). */
  setCommitPulls(owner: string, repo: string, sha: string, pulls: PullRequestSpec[]): void;
  close(): Promise<void>;
}

const MAX_BODY = 65_536;

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One page of `all` as GitHub pages lists: `per_page` (max 100), `page`, `Link`. */
function paginate<T>(all: T[], url: URL): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const pageUrl = (p: number) => {
    const u = new URL(url);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(p));
    return u.toString();
  };
  const links: string[] = [];
  if (page < last)
    links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`);
  if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(page - 1)}>; rel="prev"`);
  return {
    page: all.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : {}
  };
}

export async function startGitHubServer(options: { token: string }): Promise<GitHubServer> {
  const issues = new Map<string, StoredComment[]>();
  const byId = new Map<number, StoredComment>();
  const tokens = new Map<string, TokenIdentity>([[options.token, ACTIONS_BOT]]);
  const commitPulls = new Map<string, PullRequestSpec[]>();
  let nextId = 1000;
  const issueKey = (owner: string, repo: string, issue: number) => `${owner}/${repo}#${issue}`;
  let base = '';

  const state = {
    readOnly: false,
    failWith: undefined as number | undefined,
    graphqlViewer: true,
    requests: [] as RecordedRequest[],
    edits: [] as CommentEdit[]
  };

  const comments = (owner: string, repo: string, issue: number): StoredComment[] => {
    const key = issueKey(owner, repo, issue);
    let list = issues.get(key);
    if (list === undefined) {
      list = [];
      issues.set(key, list);
    }
    return list;
  };
  const identityOf = (author: string | TokenIdentity | undefined): TokenIdentity => {
    if (author === undefined) return ACTIONS_BOT;
    if (typeof author !== 'string') return author;
    for (const identity of tokens.values()) if (identity.user.login === author) return identity;
    return { user: namedUser(author), app: null };
  };
  const addComment = (
    owner: string,
    repo: string,
    issue: number,
    body: string,
    author?: string | TokenIdentity
  ) => {
    const identity = identityOf(author);
    const id = nextId++;
    const now = new Date().toISOString();
    const comment: StoredComment = {
      id,
      node_id: `IC_${id}`,
      url: `${base}/repos/${owner}/${repo}/issues/comments/${id}`,
      html_url: `https://github.com/${owner}/${repo}/pull/${issue}#issuecomment-${id}`,
      issue_url: `${base}/repos/${owner}/${repo}/issues/${issue}`,
      body,
      user: identity.user,
      performed_via_github_app: identity.app,
      author_association: identity.user.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR',
      created_at: now,
      updated_at: now
    };
    comments(owner, repo, issue).push(comment);
    byId.set(comment.id, comment);
    return comment;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', base);
    state.requests.push({
      method,
      url: `${url.pathname}${url.search}`,
      authorization: req.headers.authorization,
      body
    });
    if (state.failWith !== undefined) {
      return send(res, state.failWith, { message: 'Server Error' });
    }
    // GitHub takes both schemes for tokens.
    const presented = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const identity = presented === undefined ? undefined : tokens.get(presented);
    if (identity === undefined) {
      return send(res, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest'
      });
    }
    const forbidden = (docs: string) =>
      send(res, 403, {
        message: 'Resource not accessible by integration',
        documentation_url: `https://docs.github.com/rest/${docs}`,
        status: '403'
      });
    const parseBody = (): string | undefined => {
      try {
        const parsed = JSON.parse(body) as { body?: unknown };
        return typeof parsed.body === 'string' ? parsed.body : undefined;
      } catch {
        return undefined;
      }
    };

    if (url.pathname === '/user' && method === 'GET') {
      // Installation tokens (GITHUB_TOKEN, apps) have no user behind them.
      if (identity.app !== null) return forbidden('users/users#get-the-authenticated-user');
      return send(res, 200, {
        ...identity.user,
        name: null,
        html_url: `https://github.com/${identity.user.login}`
      });
    }
    if (url.pathname === '/graphql' && method === 'POST') {
      // GraphQL answers 200 either way; refusals come as `errors`.
      let query: unknown;
      try {
        query = (JSON.parse(body) as { query?: unknown }).query;
      } catch {
        return send(res, 400, { message: 'Problems parsing JSON' });
      }
      if (typeof query !== 'string' || !/\bviewer\b/.test(query) || !state.graphqlViewer) {
        return send(res, 200, {
          errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }]
        });
      }
      return send(res, 200, {
        data: { viewer: { login: identity.user.login, databaseId: identity.user.id } }
      });
    }
    const pulls = /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/pulls$/.exec(url.pathname);
    if (pulls && method === 'GET') {
      const [, owner = '', repo = '', sha = ''] = pulls;
      const all: PullRequest[] = (commitPulls.get(`${owner}/${repo}@${sha}`) ?? []).map(spec =>
        pullRequest(base, owner, repo, spec)
      );
      const { page, headers } = paginate(all, url);
      return send(res, 200, page, headers);
    }
    const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    if (list && method === 'GET') {
      const { page, headers } = paginate(
        comments(list[1] ?? '', list[2] ?? '', Number(list[3])),
        url
      );
      return send(res, 200, page, headers);
    }
    if (list && method === 'POST') {
      if (state.readOnly) return forbidden('issues/comments');
      const text = parseBody();
      if (text === undefined) return send(res, 422, { message: 'Invalid request' });
      if (text.length > MAX_BODY) return send(res, 422, { message: 'Body is too long' });
      const comment = addComment(list[1] ?? '', list[2] ?? '', Number(list[3]), text, identity);
      return send(res, 201, comment);
    }
    const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (one && method === 'PATCH') {
      if (state.readOnly) return forbidden('issues/comments');
      const comment = byId.get(Number(one[3]));
      if (comment === undefined) return send(res, 404, { message: 'Not Found' });
      const text = parseBody();
      if (text === undefined) return send(res, 422, { message: 'Invalid request' });
      if (text.length > MAX_BODY) return send(res, 422, { message: 'Body is too long' });
      // Write access lets a token edit anyone's comment; the edit is recorded, the author stays.
      state.edits.push({
        commentId: comment.id,
        editor: identity.user,
        before: comment.body,
        after: text
      });
      comment.body = text;
      comment.updated_at = new Date().toISOString();
      return send(res, 200, comment);
    }
    return send(res, 404, { message: 'Not Found' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    get requests() {
      return state.requests;
    },
    get edits() {
      return state.edits;
    },
    get readOnly() {
      return state.readOnly;
    },
    set readOnly(value: boolean) {
      state.readOnly = value;
    },
    get failWith() {
      return state.failWith;
    },
    set failWith(value: number | undefined) {
      state.failWith = value;
    },
    get graphqlViewer() {
      return state.graphqlViewer;
    },
    set graphqlViewer(value: boolean) {
      state.graphqlViewer = value;
    },
    comments,
    addComment,
    editsOf: commentId => state.edits.filter(edit => edit.commentId === commentId),
    addUserToken: (token, login, id) => {
      const identity =
        id === undefined ? { user: namedUser(login), app: null } : userIdentity(login, id);
      tokens.set(token, identity);
      return identity;
    },
    addAppToken: (token, slug, appId = 900_001) => {
      const identity = appIdentity(slug, appId, 49_000_000 + appId);
      tokens.set(token, identity);
      return identity;
    },
    setCommitPulls: (owner, repo, sha, specs) => {
      commitPulls.set(`${owner}/${repo}@${sha}`, [...specs]);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close(error => (error ? reject(error) : resolve()));
      })
  };
}

/**
 * A fresh server for each test of the file, accepting `token` and closed after the test;
 * `use` receives it before the test starts.
 */
export function useGitHubServer(token: string, use: (server: GitHubServer) => void): void {
  let server: GitHubServer | undefined;
  beforeEach(async () => {
    server = await startGitHubServer({ token });
    use(server);
  });
  afterEach(async () => {
    await server?.close();
  });
}
