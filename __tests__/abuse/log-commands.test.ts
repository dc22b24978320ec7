/**
 * Issue 11, hole 2: the attacker writes the run's log (a pull request decides what its plan
 * prints) and server strings; the step's stdout is read with the runner's rules
 * (docs/github-notes.md §1). No command of theirs may take effect, and the action's own
 * annotations must still work. Every planted line starts its command data with PWNED.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { run } from '../../src/main.js';
import { expectNoAttackerCommand, expectOwnCommand } from '../helpers/attacker.js';
import { type Emulator, useEmulator } from '../helpers/emulator.js';
import { THIS_NODE, spawnStep } from '../helpers/spawn-step.js';
import { startGitHubServer } from '../helpers/github-server.js';
import {
  type StepResult,
  readCommandFile,
  resources,
  stepEnv,
  useCheckouts,
  withStep
} from '../helpers/runner.js';

const MARK = 'PWNED';
const fixture = useEmulator('abuse-log');
let emulator: Emulator;
const newCheckout = useCheckouts();

beforeAll(() => {
  emulator = fixture.emulator;
});

async function runStep(workspace: string, inputs: Record<string, string>): Promise<StepResult> {
  const step = newCheckout({ 'main.tf': resources('a', 'b') });
  return withStep(step, fixture.inputs(workspace, inputs), () => run());
}

const json = (message: string) =>
  `${JSON.stringify({ '@level': 'info', '@message': message, '@module': 'terraform.ui', type: 'log' })}\n`;

/** Lines a configuration can make Terraform print (heredoc outputs, for_each keys, …). */
const PLANTED: [string, string][] = [
  ['an add-mask line', `::add-mask::${MARK}\n`],
  ['a mask after leading white space', `   \t::add-mask::${MARK}-indented\n`],
  ['a mask after a NEL (white space for the runner, not for JS)', `\u0085::add-mask::${MARK}\n`],
  [
    'an annotation after a lone CR',
    `progress 10%\r::warning file=.github/workflows/ci.yml,line=1,title=Fix::${MARK} https://evil.example\n`
  ],
  ['the legacy form mid-line (a for_each key)', `  + key = "x##[error]${MARK} forged failure"\n`],
  ['a JSON @message with a newline', json(`Plan line\n::set-output name=run-status::${MARK}`)],
  ['a JSON @message with a lone CR', json(`Plan line\r::add-mask::${MARK}`)],
  ['a forged set-output', `::set-output name=apply-id::${MARK}\n`],
  ['a forged save-state for the post step', `::save-state name=run-id::${MARK}\n`],
  ['a group that would fold the log', `::group::${MARK}\n`],
  ['stop-commands that would swallow our error', `::stop-commands::${MARK}\n`],
  ['an ANSI colour then a lone CR', `\u001b[31mred\u001b[0m\r::error::${MARK} ansi\n`],
  ['a last line without a newline', `::add-mask::${MARK}-last`]
];

describe('planted lines in the plan log take no effect', () => {
  it.each(PLANTED)('%s', async (_name, planted) => {
    const ws = fixture.newWorkspace();
    emulator.setScenario(ws.name, { planError: true, planLog: planted });
    const result = await runStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(1);
    const reading = expectNoAttackerCommand(result.stdout, MARK, [emulator.token]);
    // Ours still work: the run's notice, and the error annotation after the log.
    expectOwnCommand(reading, 'notice', 'Run run-');
    expectOwnCommand(reading, 'error', 'Plan errored.');
    // The lines stay visible in the log.
    expect(result.stdout).toContain(MARK);
    expect(result.outputs['run-status']).toBe('errored');
  });

  it('all of them at once, in the apply log too', async () => {
    const ws = fixture.newWorkspace();
    const all = PLANTED.map(([, line]) => (line.endsWith('\n') ? line : `${line}\n`));
    emulator.setScenario(ws.name, { planLog: all, applyLog: all, applyError: true });
    const result = await runStep(ws.name, { apply: 'true' });
    expect(result.exitCode).toBe(1);
    const reading = expectNoAttackerCommand(result.stdout, MARK, [emulator.token]);
    expectOwnCommand(reading, 'error', 'Apply errored.');
    expect(result.outputs['apply-id']).toMatch(/^apply-/);
    expect(result.state['run-id']).toMatch(/^run-/);
  });
});

describe('server strings printed by the action take no effect', () => {
  it('a hostile organization name (workspace given by ID), with a PR comment', async () => {
    const organization = `acme\r::add-mask::${MARK}-org ##[warning]${MARK}`;
    const ws = fixture.newWorkspace({ organization });
    const github = await startGitHubServer({ token: 'ghs_hostileOrgTestToken' });
    try {
      const step = newCheckout({ 'main.tf': resources('a') });
      const eventPath = path.join(step.temp, 'event.json');
      fs.writeFileSync(eventPath, JSON.stringify({ number: 3, pull_request: { number: 3 } }));
      const inputs = fixture.inputs(ws.id, {
        organization: '',
        speculative: 'true',
        'comment-on-pr': 'true',
        'github-token': 'ghs_hostileOrgTestToken'
      });
      const result = await withStep(step, inputs, () => run(), {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_API_URL: github.url
      });
      expect(result.exitCode).toBe(0);
      expect(github.comments('acme', 'infrastructure', 3)).toHaveLength(1);
      const reading = expectNoAttackerCommand(result.stdout, MARK, [
        emulator.token,
        'ghs_hostileOrgTestToken'
      ]);
      expectOwnCommand(reading, 'notice', 'Run run-');
      expect(result.stdout).toContain(`${MARK}-org`);
    } finally {
      await github.close();
    }
  });

  it('an error message the server repeats in the log while the action retries', async () => {
    const ws = fixture.newWorkspace();
    const detail = `slow down\r::add-mask::${MARK}\n::warning::${MARK} ##[error]${MARK}`;
    emulator.addFault({
      method: 'POST',
      path: /\/runs$/,
      status: 429,
      headers: { 'Retry-After': '0' },
      body: { errors: [{ status: '429', title: 'too many requests', detail }] }
    });
    const result = await runStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('slow down');
    expectNoAttackerCommand(result.stdout, MARK, [emulator.token]);
  });

  it('the final error annotation carries the message neutralised', async () => {
    const ws = fixture.newWorkspace();
    const detail = `bad\r::add-mask::${MARK}\n##[warning]${MARK}`;
    emulator.addFault({
      method: 'POST',
      path: /\/runs$/,
      status: 422,
      body: { errors: [{ status: '422', title: 'invalid', detail }] }
    });
    const result = await runStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(1);
    const reading = expectNoAttackerCommand(result.stdout, MARK, [emulator.token]);
    expectOwnCommand(reading, 'error', 'The run could not start.');
    const error = reading.executed.find(c => c.name === 'error')!;
    expect(error.data).toContain(MARK);
    expect(error.data).not.toMatch(/\r|##\[/);
    expect(error.data.split('\n').some(line => line.trimStart().startsWith('::'))).toBe(false);
  });
});

describe('dist/index.js as the runner runs it', () => {
  it('takes no planted command either', async () => {
    const ws = fixture.newWorkspace();
    const all = PLANTED.map(([, line]) => (line.endsWith('\n') ? line : `${line}\n`));
    emulator.setScenario(ws.name, { planError: true, planLog: all });
    const step = newCheckout({ 'main.tf': resources('a') });
    const env = stepEnv(step, fixture.inputs(ws.name, { speculative: 'true' }));
    const { code, stdout } = await spawnStep(THIS_NODE, 'dist/index.js', env).done;
    expect(code).toBe(1);
    const reading = expectNoAttackerCommand(stdout, MARK, [emulator.token]);
    expectOwnCommand(reading, 'notice', 'Run run-');
    expectOwnCommand(reading, 'error', 'Plan errored.');
    expect(readCommandFile(step.output)['run-status']).toBe('errored');
  });
});
