/**
 * Who the github-token writes as, and the scan for the action's own comment, against the
 * GitHub test server: only the action's identity counts, and the comment is found in a
 * few requests wherever the pull request's activity put it.
 */
import { describe, expect, it } from '@jest/globals';
import { gitHubClient } from '../../src/github/client.js';
import { isOwnAuthor, resolveOwnIdentity } from '../../src/github/identity.js';
import { MAX_PAGES, findOwnComment, lastPageOf, pageOrder } from '../../src/github/own-comment.js';
import { useGitHubServer, type GitHubServer } from '../helpers/github-server.js';

const GITHUB_TOKEN = 'ghs_ownCommentTestToken';
const PAT = 'github_pat_ownCommentTest';
const APP_TOKEN = 'ghs_appOwnCommentTest';
const MARKER = '<!-- tfe-run-action:acme/ws -->';
const PR = { owner: 'acme', repo: 'infra', number: 9 };

let server: GitHubServer;
useGitHubServer(GITHUB_TOKEN, started => (server = started));

const client = (token = GITHUB_TOKEN) => gitHubClient(token, { GITHUB_API_URL: server.url });
const signal = () => AbortSignal.timeout(30_000);
const add = (body: string, author?: string) =>
  server.addComment(PR.owner, PR.repo, PR.number, body, author);
const fill = (count: number, author = 'alice') => {
  for (let i = 0; i < count; i++) add(`comment ${i}`, author);
};
const gets = () => server.requests.filter(r => r.method === 'GET' && r.url.includes('/comments'));

async function scan(token = GITHUB_TOKEN, maxPages?: number) {
  const identity = await resolveOwnIdentity(client(token), signal());
  return findOwnComment(client(token), PR, {
    marker: MARKER,
    identity,
    signal: signal(),
    maxPages
  });
}

describe('resolveOwnIdentity', () => {
  it('names github-actions[bot] for GITHUB_TOKEN (GET /user refused, GraphQL viewer)', async () => {
    expect(await resolveOwnIdentity(client(), signal())).toEqual({
      login: 'github-actions[bot]',
      id: 41898282,
      source: 'viewer'
    });
    expect(server.requests.map(r => `${r.method} ${r.url}`)).toEqual([
      'GET /user',
      'POST /graphql'
    ]);
  });

  it('names the user of a personal access token from GET /user alone', async () => {
    server.addUserToken(PAT, 'release-bot-user', 5150);
    expect(await resolveOwnIdentity(client(PAT), signal())).toEqual({
      login: 'release-bot-user',
      id: 5150,
      source: 'user'
    });
    expect(server.requests).toHaveLength(1);
  });

  it("names an app's bot, and assumes github-actions[bot] when GraphQL refuses too", async () => {
    server.addAppToken(APP_TOKEN, 'deployer', 31);
    expect(await resolveOwnIdentity(client(APP_TOKEN), signal())).toMatchObject({
      login: 'deployer[bot]',
      source: 'viewer'
    });
    server.graphqlViewer = false;
    expect(await resolveOwnIdentity(client(APP_TOKEN), signal())).toEqual({
      login: 'github-actions[bot]',
      source: 'assumed'
    });
  });

  it('throws on bad credentials and server errors rather than guessing', async () => {
    await expect(resolveOwnIdentity(client('ghp_unknown'), signal())).rejects.toMatchObject({
      status: 401
    });
    server.failWith = 502;
    await expect(resolveOwnIdentity(client(), signal())).rejects.toMatchObject({ status: 502 });
  });
});

describe('isOwnAuthor', () => {
  it('compares IDs when known, and an assumed bot only with bots', () => {
    const byId = { login: 'me', id: 7, source: 'user' } as const;
    expect(isOwnAuthor({ login: 'renamed', id: 7 }, byId)).toBe(true);
    expect(isOwnAuthor({ login: 'me', id: 8 }, byId)).toBe(false);
    const assumed = { login: 'github-actions[bot]', source: 'assumed' } as const;
    expect(isOwnAuthor({ login: 'github-actions[bot]', type: 'Bot' }, assumed)).toBe(true);
    expect(isOwnAuthor({ login: 'GitHub-Actions[bot]', type: 'User' }, assumed)).toBe(false);
    expect(isOwnAuthor(null, assumed)).toBe(false);
  });
});

describe('page order', () => {
  it('reads the first page, then the newest backwards, within the bound', () => {
    expect(pageOrder(1, MAX_PAGES)).toEqual([1]);
    expect(pageOrder(5, MAX_PAGES)).toEqual([1, 5, 4, 3, 2]);
    expect(pageOrder(1000, 4)).toEqual([1, 1000, 999, 998]);
  });

  it('takes only the page number of rel="last"', () => {
    const link =
      '<https://api.github.com/repositories/1/issues/9/comments?per_page=100&page=2>; rel="next", ' +
      '<https://api.github.com/repositories/1/issues/9/comments?per_page=100&page=301>; rel="last"';
    expect(lastPageOf(link)).toBe(301);
    expect(lastPageOf(undefined)).toBe(1);
    expect(lastPageOf('<https://x/?page=abc>; rel="last"')).toBe(1);
  });
});

describe('findOwnComment', () => {
  it('skips comments by anyone else that carry the marker, and names their authors', async () => {
    add(`${MARKER}\nplanted by the PR author`, 'mallory');
    const mine = add(`${MARKER}\nours`);
    add(`${MARKER}\nanother plant`, 'eve');
    const result = await scan();
    expect(result.comment?.id).toBe(mine.id);
    expect(result.impostors).toEqual(['mallory', 'eve']);
  });

  it('finds nothing when only someone else wrote the marker', async () => {
    add(`${MARKER}\nplanted`, 'mallory');
    const result = await scan();
    expect(result.comment).toBeUndefined();
    expect(result.impostors).toEqual(['mallory']);
  });

  it('counts only the identity of the token: a PAT user, not github-actions[bot]', async () => {
    server.addUserToken(PAT, 'release-bot-user', 5150);
    add(`${MARKER}\nby GITHUB_TOKEN`);
    const mine = add(`${MARKER}\nby the PAT`, 'release-bot-user');
    expect((await scan(PAT)).comment?.id).toBe(mine.id);
  });

  it('finds a comment written after 30,000 others in two requests', async () => {
    fill(30_050);
    const mine = add(`${MARKER}\nours`);
    const result = await scan();
    expect(result.comment?.id).toBe(mine.id);
    expect(result.pagesTotal).toBe(301);
    expect(gets().map(r => new URL(r.url, server.url).searchParams.get('page'))).toEqual([
      '1',
      '301'
    ]);
  });

  it('finds a comment between older and newer ones, newest pages first', async () => {
    fill(1_500);
    const mine = add(`${MARKER}\nours`);
    fill(300, 'bob');
    const result = await scan();
    expect(result.comment?.id).toBe(mine.id);
    // Pages 1, 19, 18, 17 and 16 (comment 1,501 is on page 16).
    expect(result.pagesRead).toBe(5);
  });

  it('reads at most maxPages pages when the comment is not there', async () => {
    fill(1_000);
    const result = await scan(GITHUB_TOKEN, 4);
    expect(result.comment).toBeUndefined();
    expect(result.pagesRead).toBe(4);
    expect(gets()).toHaveLength(4);
  });
});
