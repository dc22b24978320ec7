/**
 * A runner-like environment for one action step: a temporary GITHUB_WORKSPACE with a
 * configuration, real GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE files, INPUT_*
 * variables as the runner sets them (hyphens kept), and the step's stdout captured.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach } from '@jest/globals';
import { withStdout } from './stdout.js';

export interface StepFiles {
  readonly workspace: string;
  readonly output: string;
  readonly summary: string;
  readonly state: string;
  readonly temp: string;
}

export interface StepResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly state: Record<string, string>;
}

/** Makes a temporary checkout with `files` (path → content) below `infra/`. */
export function makeWorkspace(files: Record<string, string>): StepFiles {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfe-run-test-'));
  const workspace = path.join(temp, 'checkout');
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(workspace, 'infra', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  fs.mkdirSync(path.join(workspace, 'infra'), { recursive: true });
  const step = {
    workspace,
    temp,
    output: path.join(temp, 'output'),
    summary: path.join(temp, 'summary.md'),
    state: path.join(temp, 'state')
  };
  for (const file of [step.output, step.summary, step.state]) fs.writeFileSync(file, '');
  return step;
}

export function removeWorkspace(step: StepFiles): void {
  fs.rmSync(step.temp, { recursive: true, force: true });
}

/**
 * For a test file: a maker of checkouts (as `makeWorkspace`) whose directories are all
 * removed after each test.
 */
export function useCheckouts(): (files: Record<string, string>) => StepFiles {
  const made: StepFiles[] = [];
  afterEach(() => {
    for (const step of made.splice(0)) removeWorkspace(step);
  });
  return files => {
    const step = makeWorkspace(files);
    made.push(step);
    return step;
  };
}

/** `resource` blocks the emulator counts: `resources('a', 'b')` → two null resources. */
export function resources(...names: string[]): string {
  return names.map(name => `resource "null_resource" "${name}" {\n}\n`).join('\n');
}

/** The environment variables the runner would set for the step. */
export function stepEnv(step: StepFiles, inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {
    GITHUB_WORKSPACE: step.workspace,
    GITHUB_OUTPUT: step.output,
    GITHUB_STEP_SUMMARY: step.summary,
    GITHUB_STATE: step.state,
    GITHUB_REPOSITORY: 'acme/infrastructure',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_WORKFLOW: 'terraform',
    GITHUB_RUN_ID: '7',
    GITHUB_EVENT_NAME: 'push',
    RUNNER_TEMP: step.temp
  };
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return env;
}

/** Parses GITHUB_OUTPUT / GITHUB_STATE files (`name<<delimiter` blocks). */
export function readCommandFile(file: string): Record<string, string> {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const values: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]);
    if (!match) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i]);
    values[match[1]] = value.join('\n');
  }
  return values;
}

/**
 * Runs `body` with the step's environment, restoring process.env and the exit code after,
 * and capturing what the step wrote to stdout (where @actions/core writes the log).
 */
export async function withStep(
  step: StepFiles,
  inputs: Record<string, string>,
  body: () => Promise<void>,
  extraEnv: Record<string, string> = {}
): Promise<StepResult> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('INPUT_') || name === 'TF_API_TOKEN') delete process.env[name];
  }
  Object.assign(process.env, stepEnv(step, inputs), extraEnv);
  let stdout: string;
  try {
    ({ stdout } = await withStdout(body));
  } finally {
    process.env = saved;
  }
  const exitCode = typeof process.exitCode === 'number' ? process.exitCode : 0;
  process.exitCode = undefined;
  return {
    exitCode,
    stdout,
    outputs: readCommandFile(step.output),
    summary: fs.readFileSync(step.summary, 'utf8'),
    state: readCommandFile(step.state)
  };
}
