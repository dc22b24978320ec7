import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { BOOLEAN_INPUTS, INPUTS, type InputName, type InputSpec } from '../src/input-table.js';
import { getInputs } from '../src/inputs.js';
import { OUTPUTS } from '../src/report/outputs.js';

interface ActionInput {
  description?: unknown;
  required?: unknown;
  default?: unknown;
}

interface ActionYml {
  name?: unknown;
  description?: unknown;
  author?: unknown;
  branding?: { icon?: unknown; color?: unknown };
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: unknown }>;
  runs: Record<string, unknown>;
}

const read = (relative: string) =>
  fs.readFileSync(fileURLToPath(new URL(relative, import.meta.url)), 'utf8');
const action = parse(read('../action.yml')) as ActionYml;
const contract = read('../docs/contract.md');
const table = Object.entries(INPUTS) as [InputName, InputSpec<unknown>][];

describe('action.yml', () => {
  it('names the action, its author and branding', () => {
    expect(action.name).toBe('TFE Run');
    expect(typeof action.description).toBe('string');
    expect(String(action.description)).not.toContain('\n');
    expect(typeof action.author).toBe('string');
    expect(action.branding).toEqual({ icon: 'cloud', color: 'purple' });
  });

  it('declares exactly the inputs of src/input-table.ts, in the same order', () => {
    expect(Object.keys(action.inputs)).toEqual(table.map(([name]) => name));
  });

  it.each(table)('input %s has the default and requirement of the table', (name, spec) => {
    const input = action.inputs[name];
    // The runner hands every default over as a string: a YAML boolean would still work, but
    // quoting keeps action.yml, the README and the code comparable character for character.
    expect(input.default ?? '').toBe(spec.default);
    expect(input.required === true).toBe(spec.required === true);
    expect(typeof input.description).toBe('string');
    expect(String(input.description).length).toBeGreaterThan(10);
  });

  it('gives every boolean input the default true or false', () => {
    expect(BOOLEAN_INPUTS.length).toBeGreaterThan(5);
    for (const name of BOOLEAN_INPUTS) {
      expect([name, action.inputs[name]?.default]).toEqual([
        name,
        expect.stringMatching(/^(true|false)$/)
      ]);
    }
  });

  it('declares exactly the outputs the action sets, each with a description', () => {
    expect(Object.keys(action.outputs)).toEqual(Object.keys(OUTPUTS));
    for (const output of Object.values(action.outputs)) {
      expect(typeof output.description).toBe('string');
    }
  });

  it('declares every input and output of the contract (docs/contract.md)', () => {
    // The first cell of each row of a table under `## heading`: every `name` in it.
    const names = (heading: string) => {
      const section = contract.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
      return section
        .split('\n')
        .filter(line => line.startsWith('| `'))
        .flatMap(line => [...line.split('|')[1].matchAll(/`([^`]+)`/g)].map(match => match[1]));
    };
    const inputs = names('Inputs');
    const outputs = names('Outputs');
    expect(inputs.length).toBeGreaterThan(25);
    expect(outputs.length).toBeGreaterThan(15);
    expect(inputs.filter(name => !(name in action.inputs))).toEqual([]);
    expect(outputs.filter(name => !(name in action.outputs))).toEqual([]);
  });

  it('runs on node24 with the main and post bundles', () => {
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/post/index.js'
    });
  });
});

describe('action.yml defaults as the runner passes them', () => {
  let savedEnv: NodeJS.ProcessEnv;
  let workspace: string;
  let realStdoutWrite: typeof process.stdout.write;

  beforeEach(() => {
    savedEnv = { ...process.env };
    for (const name of Object.keys(process.env)) {
      if (name.startsWith('INPUT_') || name.startsWith('GITHUB_')) delete process.env[name];
    }
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'action-yml-test-'));
    process.env.GITHUB_WORKSPACE = workspace;
    // core.setSecret prints ::add-mask:: lines; keep them out of the test log.
    realStdoutWrite = process.stdout.write.bind(process.stdout);
    process.stdout.write = () => true;
  });

  afterEach(() => {
    process.stdout.write = realStdoutWrite;
    for (const name of Object.keys(process.env)) {
      if (!(name in savedEnv)) delete process.env[name];
    }
    Object.assign(process.env, savedEnv);
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  const setInput = (name: string, value: string) => {
    process.env[`INPUT_${name.toUpperCase()}`] = value;
  };

  it('give the same result as unset inputs', () => {
    const required = { token: 'test-token', organization: 'acme', workspace: 'infra' };
    for (const [name, value] of Object.entries(required)) setInput(name, value);
    const unset = getInputs();

    for (const [name, input] of Object.entries(action.inputs)) {
      if (typeof input.default === 'string') setInput(name, input.default);
    }
    for (const [name, value] of Object.entries(required)) setInput(name, value);
    // The runner evaluates the expression before the action starts.
    setInput('github-token', '');
    expect(getInputs()).toEqual(unset);
  });
});
