/**
 * Issue 11, point 6: a pull request names its resources, and Terraform accepts any text in a
 * for_each key or a quoted label. Bidi overrides and zero-width characters would let one
 * address in the PR comment read as another; the report shows them by their code instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { run } from '../../src/main.js';
import { useEmulator } from '../helpers/emulator.js';
import { type GitHubServer, useGitHubServer } from '../helpers/github-server.js';
import { useCheckouts, withStep } from '../helpers/runner.js';

const GITHUB_TOKEN = 'ghs_lookAlikeTestToken';
const PR = 9;
const fixture = useEmulator('abuse-look');
let github: GitHubServer;
const newCheckout = useCheckouts();

useGitHubServer(GITHUB_TOKEN, started => (github = started));

const HIDDEN = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;

describe('look-alike resource addresses', () => {
  it('show their bidi and zero-width characters in the comment and the summary', async () => {
    const ws = fixture.newWorkspace();
    const names = ['report', 'report\u200b', 'invoice\u202efdp.exe', 'a\u2066b\u2069c'];
    const config = names.map(name => `resource "null_resource" "${name}" {\n}\n`).join('\n');
    const step = newCheckout({ 'main.tf': config });
    const eventPath = path.join(step.temp, 'event.json');
    fs.writeFileSync(eventPath, JSON.stringify({ number: PR, pull_request: { number: PR } }));
    const inputs = fixture.inputs(ws.name, {
      speculative: 'true',
      'comment-on-pr': 'true',
      'github-token': GITHUB_TOKEN
    });
    const result = await withStep(step, inputs, () => run(), {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_API_URL: github.url
    });
    expect(result.exitCode).toBe(0);
    const [comment] = github.comments('acme', 'infrastructure', PR);
    for (const text of [comment.body, result.summary, result.outputs['plan-summary']]) {
      expect(text).toContain('`null_resource.report`');
      expect(text).toContain('`null_resource.report<U+200B>`');
      expect(text).toContain('`null_resource.invoice<U+202E>fdp.exe`');
      expect(text).toContain('`null_resource.a<U+2066>b<U+2069>c`');
      expect(HIDDEN.test(text)).toBe(false);
    }
  });
});
