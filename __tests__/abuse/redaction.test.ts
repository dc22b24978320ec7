/**
 * Issue 11, hole 5: a server that repeats the request's Authorization header in an error
 * answer (raw, base64, URL-encoded). The runner masks the log, but never sees the PR
 * comment, the job summary or the outputs: the action must redact them itself. Also what
 * held up before: the token stays out of the debug log, and no output can be forged
 * through the GITHUB_OUTPUT file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { run } from '../../src/main.js';
import { expectNoAttackerCommand, expectOwnCommand } from '../helpers/attacker.js';
import { type Emulator, useEmulator } from '../helpers/emulator.js';
import { type GitHubServer, useGitHubServer } from '../helpers/github-server.js';
import { type StepResult, resources, useCheckouts, withStep } from '../helpers/runner.js';

const GITHUB_TOKEN = 'ghs_redactionTestToken0123456789';
const PR = 5;
const fixture = useEmulator('abuse-redact');
let emulator: Emulator;
let github: GitHubServer;
const newCheckout = useCheckouts();

beforeAll(() => {
  emulator = fixture.emulator;
});
useGitHubServer(GITHUB_TOKEN, started => (github = started));

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Every form of the token the emulator's `echo-auth` fault repeats. */
function tokenForms(token: string): string[] {
  const header = `Bearer ${token}`;
  return [token, b64(header), b64(token), encodeURIComponent(header)];
}

/** The step on a pull_request event, with a PR comment. */
async function pullRequestStep(
  workspace: string,
  extraEnv: Record<string, string> = {}
): Promise<StepResult> {
  const step = newCheckout({ 'main.tf': resources('a') });
  const eventPath = path.join(step.temp, 'event.json');
  fs.writeFileSync(
    eventPath,
    JSON.stringify({ number: PR, pull_request: { number: PR, head: { sha: 'c'.repeat(40) } } })
  );
  const inputs = fixture.inputs(workspace, {
    speculative: 'true',
    'comment-on-pr': 'true',
    'github-token': GITHUB_TOKEN
  });
  return withStep(step, inputs, () => run(), {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_API_URL: github.url,
    ...extraEnv
  });
}

describe('a server that echoes the Authorization header', () => {
  it('is redacted from the comment, the summary, plan-summary and the error', async () => {
    const ws = fixture.newWorkspace();
    emulator.addFault({ method: 'GET', path: /^\/runs\/run-[^/]+$/, mode: 'echo-auth' });
    const result = await pullRequestStep(ws.name);
    expect(result.exitCode).toBe(1);
    const [comment] = github.comments('acme', 'infrastructure', PR);
    const error = expectNoAttackerCommand(result.stdout, 'PWNED', [
      emulator.token,
      GITHUB_TOKEN
    ]).executed.find(c => c.name === 'error');
    const published = {
      comment: comment.body,
      summary: result.summary,
      'plan-summary': result.outputs['plan-summary'],
      error: error?.data ?? ''
    };
    for (const [where, text] of Object.entries(published)) {
      // Still says what happened, with the secret replaced.
      expect([where, text]).toEqual([where, expect.stringContaining('401')]);
      expect([where, text]).toEqual([where, expect.stringContaining('***')]);
      for (const form of tokenForms(emulator.token)) {
        expect([where, text.includes(form)]).toEqual([where, false]);
      }
    }
  });
});

describe('what held up', () => {
  it('with debug logging on, the token appears only in its own add-mask command', async () => {
    const ws = fixture.newWorkspace();
    const result = await pullRequestStep(ws.name, { RUNNER_DEBUG: '1' });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/::debug::/);
    const reading = expectNoAttackerCommand(result.stdout, 'PWNED', [emulator.token, GITHUB_TOKEN]);
    const masks = reading.executed.filter(c => c.name === 'add-mask').map(c => c.data);
    expect(masks.sort()).toEqual([emulator.token, GITHUB_TOKEN].sort());
    // The masks come before anything else could print the tokens.
    const firstMask = result.stdout.indexOf('::add-mask::');
    expect(result.stdout.slice(0, firstMask)).not.toContain(emulator.token);
    const rest = result.stdout.replace(/::add-mask::.*\n/g, '');
    for (const form of [...tokenForms(emulator.token), GITHUB_TOKEN]) {
      expect(rest.includes(form)).toBe(false);
    }
    expectOwnCommand(reading, 'notice', 'Run run-');
  });

  it('an error message cannot forge another output through the GITHUB_OUTPUT file', async () => {
    const ws = fixture.newWorkspace();
    const forged = '\nrun-status<<EOF\nPWNED\nEOF\nrun-id=PWNED\nghadelimiter_x\n';
    emulator.addFault({
      method: 'POST',
      path: /\/runs$/,
      status: 422,
      body: { errors: [{ status: '422', title: 'invalid', detail: forged }] }
    });
    const step = newCheckout({ 'main.tf': resources('a') });
    const result = await withStep(step, fixture.inputs(ws.name), () => run());
    expect(result.exitCode).toBe(1);
    const outputs = readOutputFile(step.output);
    expect(Object.keys(outputs).sort()).toEqual(['configuration-version-id', 'plan-summary']);
    expect(outputs['plan-summary']).toContain('run-status<<EOF');
  });
});

/**
 * GITHUB_OUTPUT read as the runner reads it: `name=value` lines, or `name<<DELIMITER` up to
 * a line that is exactly the delimiter; whichever of `=` and `<<` comes first decides.
 */
function readOutputFile(file: string): Record<string, string> {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  const values: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      values[line.slice(0, equals)] = line.slice(equals + 1);
      continue;
    }
    if (heredoc < 0) throw new Error(`invalid line ${JSON.stringify(line)}`);
    const delimiter = line.slice(heredoc + 2);
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
    if (i >= lines.length) throw new Error(`no delimiter ${delimiter}`);
    values[line.slice(0, heredoc)] = value.join('\n');
  }
  return values;
}
