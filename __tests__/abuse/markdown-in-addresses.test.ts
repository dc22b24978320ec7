/**
 * Held up: resource names come from the pull request's configuration, and a name may hold
 * markdown, HTML, mentions or backticks. In the sticky comment they stay inert: inside code
 * spans, which GitHub renders literally, or escaped; and the hidden head stays closed.
 */
import { describe, expect, it } from '@jest/globals';
import { commentMarker } from '../../src/report/pr-comment.js';
import { useEmulator } from '../helpers/emulator.js';
import { type GitHubServer, useGitHubServer } from '../helpers/github-server.js';
import { useCheckouts } from '../helpers/runner.js';
import { GITHUB_TOKEN, REPO, previewOnPr } from './helpers.js';

const PR = 13;
const fixture = useEmulator('markdown');
const newCheckout = useCheckouts();
let github: GitHubServer;

useGitHubServer(GITHUB_TOKEN, started => (github = started));

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '@octocat please approve',
  '[click](https://evil.example)',
  '`` ` ``</code><b>bold',
  '--> <!-- hidden',
  '| a | b |'
];

/** The markdown outside code spans (CommonMark: a run of n backticks closes at n). */
function outsideCodeSpans(markdown: string): string {
  let out = '';
  for (let i = 0; i < markdown.length;) {
    const run = /^`+/.exec(markdown.slice(i))?.[0];
    if (!run) {
      out += markdown[i++];
      continue;
    }
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
    close.lastIndex = i + run.length;
    const end = close.exec(markdown);
    if (!end) {
      out += run;
      i += run.length;
      continue;
    }
    i = end.index + run.length;
    out += ' CODE ';
  }
  return out;
}

describe('markdown in resource addresses', () => {
  it('stays inside code spans or escaped in the comment', async () => {
    const ws = fixture.newWorkspace().name;
    const config = HOSTILE.map(name => `resource "null_resource" "${name}" {\n}\n`).join('\n');
    const result = await previewOnPr(fixture, github, newCheckout({ 'main.tf': config }), ws, PR);
    expect(result.exitCode).toBe(0);
    const body = github.comments(REPO.owner, REPO.repo, PR)[0]?.body ?? '';

    // The hidden head is the marker and the fingerprint, each closed on its own line.
    const [marker, fingerprint] = body.split('\n');
    expect(marker).toBe(commentMarker(`acme/${ws}`));
    expect(fingerprint).toMatch(
      /^<!-- tfe-run-action-plan:v1 sha256:[0-9a-f]{64} data:[A-Za-z0-9+/=]+ -->$/
    );

    const listed = body.split('\n').filter(line => line.startsWith('- '));
    expect(listed).toHaveLength(HOSTILE.length);
    const visible = outsideCodeSpans(body.split('\n').slice(2).join('\n'));
    for (const line of listed) expect(outsideCodeSpans(line)).toBe('-  CODE ');
    expect(visible).not.toMatch(/<img|<b>|<!--|-->|\]\(https:\/\/evil/);
    expect(visible).not.toMatch(/@octocat/);
  });
});
