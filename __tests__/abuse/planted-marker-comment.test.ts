/**
 * Hole: the PR author plants a comment that starts with the action's marker. The action
 * used to adopt it: it wrote each plan into her comment, which she could edit back to
 * "no changes" after every run, and where GitHub refused the edit the report vanished.
 * Now only comments by the action's own identity are its comments.
 */
import { describe, expect, it } from '@jest/globals';
import { commentMarker } from '../../src/report/pr-comment.js';
import { useEmulator } from '../helpers/emulator.js';
import { type GitHubServer, useGitHubServer } from '../helpers/github-server.js';
import { resources, useCheckouts } from '../helpers/runner.js';
import { GITHUB_TOKEN, REPO, previewOnPr } from './helpers.js';

const PR = 5;
const fixture = useEmulator('planted');
const newCheckout = useCheckouts();
let github: GitHubServer;

useGitHubServer(GITHUB_TOKEN, started => (github = started));

describe('a marker comment planted by the PR author', () => {
  it('is never edited; the action writes and keeps its own comment', async () => {
    const ws = fixture.newWorkspace().name;
    const planted = github.addComment(
      REPO.owner,
      REPO.repo,
      PR,
      `${commentMarker(`acme/${ws}`)}\n**Plan:** no changes. Nothing to review here.`,
      'pr-author'
    );
    const plantedBody = planted.body;

    const first = await previewOnPr(
      fixture,
      github,
      newCheckout({ 'main.tf': resources('backdoor') }),
      ws,
      PR
    );
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/::warning::Ignored comments on #5 .* written by pr-author/);
    const all = () => github.comments(REPO.owner, REPO.repo, PR);
    expect(all()).toHaveLength(2);
    const ours = all()[1];
    expect(ours?.user.login).toBe('github-actions[bot]');
    expect(ours?.body).toContain('`null_resource.backdoor`');

    // The next push updates the action's comment, never hers.
    const second = await previewOnPr(
      fixture,
      github,
      newCheckout({ 'main.tf': resources('backdoor', 'more') }),
      ws,
      PR
    );
    expect(second.exitCode).toBe(0);
    expect(all()).toHaveLength(2);
    expect(all()[1]?.id).toBe(ours?.id);
    expect(all()[1]?.body).toContain('`null_resource.more`');
    expect(github.editsOf(planted.id)).toEqual([]);
    expect(all()[0]?.body).toBe(plantedBody);
  });

  it('cannot take the place of the report even where edits would be refused', async () => {
    // Before: the action tried to edit her comment, GitHub refused, and no report was written.
    const ws = fixture.newWorkspace().name;
    const marker = commentMarker(`acme/${ws}`);
    github.addComment(REPO.owner, REPO.repo, PR, `${marker}\nplanted`, 'pr-author');
    const result = await previewOnPr(
      fixture,
      github,
      newCheckout({ 'main.tf': resources('a') }),
      ws,
      PR
    );
    expect(result.exitCode).toBe(0);
    expect(github.requests.filter(r => r.method === 'PATCH')).toEqual([]);
    const ours = github
      .comments(REPO.owner, REPO.repo, PR)
      .filter(c => c.user.login === 'github-actions[bot]');
    expect(ours).toHaveLength(1);
    expect(ours[0]?.body.startsWith(marker)).toBe(true);
    expect(ours[0]?.body).toContain(result.outputs['run-id']);
  });
});
