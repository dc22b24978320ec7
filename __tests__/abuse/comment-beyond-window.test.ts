/**
 * Hole: the scan for the sticky comment read at most 300 pages from the oldest comment, so
 * on a pull request with more comments (e.g. flooded by its author) the action's comment
 * was not found and a duplicate was written, leaving the old plan visible. Now the newest
 * pages are read right after the first.
 */
import { describe, expect, it } from '@jest/globals';
import { commentMarker } from '../../src/report/pr-comment.js';
import { useEmulator } from '../helpers/emulator.js';
import { type GitHubServer, useGitHubServer } from '../helpers/github-server.js';
import { resources, useCheckouts } from '../helpers/runner.js';
import { GITHUB_TOKEN, REPO, previewOnPr } from './helpers.js';

const PR = 8;
const fixture = useEmulator('window');
const newCheckout = useCheckouts();
let github: GitHubServer;

useGitHubServer(GITHUB_TOKEN, started => (github = started));

describe('a pull request with more comments than the old scan window', () => {
  it('updates the comment written after 30,000 others, in three page reads', async () => {
    const ws = fixture.newWorkspace().name;
    for (let i = 0; i < 30_000; i++) {
      github.addComment(REPO.owner, REPO.repo, PR, `flood ${i}`, 'pr-author');
    }
    const ours = github.addComment(
      REPO.owner,
      REPO.repo,
      PR,
      `${commentMarker(`acme/${ws}`)}\nthe report of an older push`
    );
    for (let i = 0; i < 150; i++) {
      github.addComment(REPO.owner, REPO.repo, PR, `more ${i}`, 'pr-author');
    }
    const count = github.comments(REPO.owner, REPO.repo, PR).length;

    const result = await previewOnPr(
      fixture,
      github,
      newCheckout({ 'main.tf': resources('a') }),
      ws,
      PR
    );
    expect(result.exitCode).toBe(0);
    // No duplicate: as many comments as before.
    expect(github.comments(REPO.owner, REPO.repo, PR).length).toBe(count);
    expect(github.editsOf(ours.id)).toHaveLength(1);
    expect(github.comments(REPO.owner, REPO.repo, PR).at(30_000)?.body).toContain(
      result.outputs['run-id']
    );
    const pages = github.requests
      .filter(r => r.method === 'GET' && r.url.includes('/comments'))
      .map(r => new URL(r.url, github.url).searchParams.get('page'));
    expect(pages).toEqual(['1', '302', '301']);
  });
});
