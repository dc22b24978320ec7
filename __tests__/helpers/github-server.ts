/**
 * A small real GitHub REST server on 127.0.0.1 for tests: the issue-comment endpoints the
 * sticky PR comment uses, with GitHub's pagination (`per_page`, `page`, `Link`), its
 * 65,536-character body limit, and a switch that makes the token read-only (403), as the
 * token of a pull request from a fork is.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredComment {
  readonly id: number;
  body: string;
  readonly user: { readonly login: string };
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
  /** When true, writes answer 403 "Resource not accessible by integration". */
  readOnly: boolean;
  /** When set, every request answers this status (e.g. 500). */
  failWith: number | undefined;
  /** The comments of one issue, oldest first. */
  comments(owner: string, repo: string, issue: number): StoredComment[];
  addComment(
    owner: string,
    repo: string,
    issue: number,
    body: string,
    login?: string
  ): StoredComment;
  close(): Promise<void>;
}

const MAX_BODY = 65_536;
const BOT = 'github-actions[bot]';

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

export async function startGitHubServer(options: { token: string }): Promise<GitHubServer> {
  const issues = new Map<string, StoredComment[]>();
  const byId = new Map<number, StoredComment>();
  let nextId = 1000;
  const issueKey = (owner: string, repo: string, issue: number) => `${owner}/${repo}#${issue}`;

  const state = {
    readOnly: false,
    failWith: undefined as number | undefined,
    requests: [] as RecordedRequest[]
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
  const addComment = (owner: string, repo: string, issue: number, body: string, login = BOT) => {
    const comment: StoredComment = { id: nextId++, body, user: { login } };
    comments(owner, repo, issue).push(comment);
    byId.set(comment.id, comment);
    return comment;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, base: string) => {
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
    if (req.headers.authorization !== `token ${options.token}`) {
      return send(res, 401, { message: 'Bad credentials' });
    }
    const forbidden = () =>
      send(res, 403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/issues/comments',
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

    const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    if (list && method === 'GET') {
      const all = comments(list[1] ?? '', list[2] ?? '', Number(list[3]));
      const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30)));
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
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
      if (page > 1)
        links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(page - 1)}>; rel="prev"`);
      const slice = all.slice((page - 1) * perPage, page * perPage);
      return send(res, 200, slice, links.length > 0 ? { link: links.join(', ') } : {});
    }
    if (list && method === 'POST') {
      if (state.readOnly) return forbidden();
      const text = parseBody();
      if (text === undefined) return send(res, 422, { message: 'Invalid request' });
      if (text.length > MAX_BODY) return send(res, 422, { message: 'Body is too long' });
      const comment = addComment(list[1] ?? '', list[2] ?? '', Number(list[3]), text);
      return send(res, 201, comment);
    }
    const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (one && method === 'PATCH') {
      if (state.readOnly) return forbidden();
      const comment = byId.get(Number(one[3]));
      if (comment === undefined) return send(res, 404, { message: 'Not Found' });
      const text = parseBody();
      if (text === undefined) return send(res, 422, { message: 'Invalid request' });
      if (text.length > MAX_BODY) return send(res, 422, { message: 'Body is too long' });
      comment.body = text;
      return send(res, 200, comment);
    }
    return send(res, 404, { message: 'Not Found' });
  };

  let base = '';
  const server = createServer((req, res) => {
    handle(req, res, base).catch((error: unknown) => send(res, 500, { message: String(error) }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    get requests() {
      return state.requests;
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
    comments,
    addComment,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close(error => (error ? reject(error) : resolve()));
      })
  };
}
