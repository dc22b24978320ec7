// The GitHub test server's wire behaviour: comment authors per token, GET /user,
// the pull requests of a commit, and edits of other people's comments.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startGitHubServer, type GitHubServer } from './github-server.js';

const GITHUB_TOKEN = 'ghs_actions000000000000000000000000000';
const PAT = 'github_pat_0000000000000000000000';
const APP_TOKEN = 'ghs_app0000000000000000000000000000000';

describe('GitHub test server', () => {
  let server: GitHubServer;

  beforeEach(async () => {
    server = await startGitHubServer({ token: GITHUB_TOKEN });
  });
  afterEach(async () => {
    await server.close();
  });

  const call = (path: string, token: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${server.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body)
    });
  const comment = async (token: string, body: string) => {
    const res = await call('/repos/acme/infra/issues/7/comments', token, {
      method: 'POST',
      body: { body }
    });
    expect(res.status).toBe(201);
    return (await res.json()) as Record<string, unknown>;
  };

  it('writes GITHUB_TOKEN comments as github-actions[bot] via the GitHub Actions app', async () => {
    const created = await comment(GITHUB_TOKEN, 'hello');
    expect(created.user).toMatchObject({ login: 'github-actions[bot]', id: 41898282, type: 'Bot' });
    expect(created.performed_via_github_app).toMatchObject({ id: 15368, slug: 'github-actions' });
    const listed = (await (
      await call('/repos/acme/infra/issues/7/comments', GITHUB_TOKEN)
    ).json()) as Record<string, unknown>[];
    expect(listed).toEqual([created]);
    expect(created.html_url).toBe(
      `https://github.com/acme/infra/pull/7#issuecomment-${String(created.id)}`
    );
  });

  it('writes as the user of a personal access token, and GET /user names it', async () => {
    server.addUserToken(PAT, 'release-manager', 4242);
    const created = await comment(PAT, 'from a PAT');
    expect(created.user).toMatchObject({ login: 'release-manager', id: 4242, type: 'User' });
    expect(created.performed_via_github_app).toBeNull();
    const me = await call('/user', PAT);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ login: 'release-manager', id: 4242, type: 'User' });
  });

  it('refuses GET /user for GITHUB_TOKEN and app installation tokens', async () => {
    server.addAppToken(APP_TOKEN, 'deployer', 777);
    for (const token of [GITHUB_TOKEN, APP_TOKEN]) {
      const res = await call('/user', token);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ message: 'Resource not accessible by integration' });
    }
    const created = await comment(APP_TOKEN, 'from an app');
    expect(created.user).toMatchObject({ login: 'deployer[bot]', type: 'Bot' });
    expect(created.performed_via_github_app).toMatchObject({ id: 777, slug: 'deployer' });
  });

  it("answers GraphQL's viewer with the token's author, or an error when told to", async () => {
    server.addAppToken(APP_TOKEN, 'deployer', 777);
    server.addUserToken(PAT, 'release-manager', 4242);
    const viewer = async (token: string) => {
      const res = await call('/graphql', token, {
        method: 'POST',
        body: { query: 'query { viewer { login databaseId } }' }
      });
      expect(res.status).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    };
    expect(await viewer(GITHUB_TOKEN)).toEqual({
      data: { viewer: { login: 'github-actions[bot]', databaseId: 41898282 } }
    });
    expect(await viewer(APP_TOKEN)).toMatchObject({
      data: { viewer: { login: 'deployer[bot]' } }
    });
    expect(await viewer(PAT)).toEqual({
      data: { viewer: { login: 'release-manager', databaseId: 4242 } }
    });
    server.graphqlViewer = false;
    expect(await viewer(APP_TOKEN)).toMatchObject({ errors: [{ type: 'FORBIDDEN' }] });
  });

  it('takes the Bearer scheme and answers 401 for an unknown token', async () => {
    const bearer = await fetch(`${server.url}/user`, {
      headers: { Authorization: `Bearer ${GITHUB_TOKEN}` }
    });
    expect(bearer.status).toBe(403);
    expect((await call('/user', 'ghp_unknown')).status).toBe(401);
  });

  it('lists the pull requests of a commit: none, one or several, paginated', async () => {
    const sha = 'c'.repeat(40);
    const none = await call(`/repos/acme/infra/commits/${sha}/pulls`, GITHUB_TOKEN);
    expect(none.status).toBe(200);
    expect(await none.json()).toEqual([]);
    server.setCommitPulls('acme', 'infra', sha, [
      { number: 12, merged: true, headSha: 'd'.repeat(40), author: 'alice' },
      { number: 15, headRef: 'hotfix' }
    ]);
    const all = (await (
      await call(`/repos/acme/infra/commits/${sha}/pulls`, GITHUB_TOKEN)
    ).json()) as {
      number: number;
      state: string;
      merged_at: string | null;
      head: { sha: string; ref: string };
      user: { login: string };
    }[];
    expect(all.map(p => [p.number, p.state, p.merged_at !== null, p.user.login])).toEqual([
      [12, 'closed', true, 'alice'],
      [15, 'open', false, 'octocat']
    ]);
    expect(all[0]?.head.sha).toBe('d'.repeat(40));
    expect(all[1]?.head.ref).toBe('hotfix');
    const first = await call(`/repos/acme/infra/commits/${sha}/pulls?per_page=1`, GITHUB_TOKEN);
    expect(((await first.json()) as unknown[]).length).toBe(1);
    expect(first.headers.get('link')).toContain('rel="next"');
    // Another repository's commit of the same SHA is not the same commit.
    expect(
      await (await call(`/repos/acme/other/commits/${sha}/pulls`, GITHUB_TOKEN)).json()
    ).toEqual([]);
  });

  it('plants a comment by another user and records who edits it', async () => {
    const planted = server.addComment('acme', 'infra', 7, '<!-- marker --> fake', 'mallory');
    expect(planted.user).toMatchObject({ login: 'mallory', type: 'User' });
    expect(planted.performed_via_github_app).toBeNull();
    const mine = server.addComment('acme', 'infra', 7, '<!-- marker --> real');
    expect(mine.user.login).toBe('github-actions[bot]');
    expect(server.editsOf(planted.id)).toEqual([]);
    // Write access lets GITHUB_TOKEN edit someone else's comment: GitHub allows it.
    const res = await call(`/repos/acme/infra/issues/comments/${planted.id}`, GITHUB_TOKEN, {
      method: 'PATCH',
      body: { body: 'overwritten' }
    });
    expect(res.status).toBe(200);
    const edited = (await res.json()) as { user: { login: string }; body: string };
    expect(edited).toMatchObject({ body: 'overwritten', user: { login: 'mallory' } });
    expect(server.editsOf(planted.id)).toEqual([
      {
        commentId: planted.id,
        editor: expect.objectContaining({ login: 'github-actions[bot]' }),
        before: '<!-- marker --> fake',
        after: 'overwritten'
      }
    ]);
    expect(server.editsOf(mine.id)).toEqual([]);
    expect(server.edits).toHaveLength(1);
  });

  it('plants a comment as a registered token identity or a given one', () => {
    const identity = server.addUserToken(PAT, 'release-manager', 4242);
    expect(server.addComment('acme', 'infra', 7, 'x', 'release-manager').user.id).toBe(4242);
    expect(server.addComment('acme', 'infra', 7, 'y', identity).user).toEqual(identity.user);
    expect(server.addComment('acme', 'infra', 7, 'z', 'mallory').user.id).toBe(
      server.addComment('acme', 'infra', 8, 'z', 'mallory').user.id
    );
  });

  it('refuses writes with a read-only token but still answers reads', async () => {
    const planted = server.addComment('acme', 'infra', 7, 'text', 'mallory');
    server.readOnly = true;
    const patch = await call(`/repos/acme/infra/issues/comments/${planted.id}`, GITHUB_TOKEN, {
      method: 'PATCH',
      body: { body: 'x' }
    });
    expect(patch.status).toBe(403);
    expect(server.editsOf(planted.id)).toEqual([]);
    expect((await call('/repos/acme/infra/issues/7/comments', GITHUB_TOKEN)).status).toBe(200);
    expect(
      (await call(`/repos/acme/infra/commits/${'a'.repeat(40)}/pulls`, GITHUB_TOKEN)).status
    ).toBe(200);
  });
});
