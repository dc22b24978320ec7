import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { getInputs, INPUT_DEFAULTS } from '../src/inputs.js';

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
const inputsSource = read('../src/inputs.ts');

// The public contract (interface.md), hard-coded: the shared docs are not in the repository.
// undefined means "no default" (the input is required or conditionally required).
const DOCUMENTED_INPUTS: Record<string, string | undefined> = {
  token: '',
  hostname: 'app.terraform.io',
  organization: undefined,
  workspace: undefined,
  directory: '.',
  speculative: 'false',
  apply: 'false',
  'is-destroy': 'false',
  message: '',
  targets: '',
  replace: '',
  variables: '',
  wait: 'true',
  timeout: '60m',
  'cancel-on-timeout': 'true',
  'save-plan': 'false',
  refresh: 'true',
  'refresh-only': 'false',
  'terraform-version': '',
  'github-token': '${{ github.token }}',
  'comment-on-pr': 'true'
};

const DOCUMENTED_OUTPUTS = [
  'run-id',
  'run-status',
  'run-url',
  'configuration-version-id',
  'plan-id',
  'apply-id',
  'has-changes',
  'resource-additions',
  'resource-changes',
  'resource-destructions',
  'resource-imports',
  'plan-summary'
];

describe('action.yml', () => {
  it('names the action, its author and branding', () => {
    expect(action.name).toBe('TFE Run');
    expect(typeof action.description).toBe('string');
    expect(String(action.description)).not.toContain('\n');
    expect(typeof action.author).toBe('string');
    expect(action.branding).toEqual({ icon: 'cloud', color: 'purple' });
  });

  it('declares exactly the documented inputs', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.keys(DOCUMENTED_INPUTS).sort());
  });

  it.each(Object.entries(DOCUMENTED_INPUTS))(
    'input %s has the documented default',
    (name, value) => {
      const input = action.inputs[name];
      // The runner hands every default over as a string: a YAML boolean would still work, but
      // quoting keeps action.yml, the README and the code comparable character for character.
      expect(input.default).toBe(value);
      expect(typeof input.description).toBe('string');
      expect(String(input.description).length).toBeGreaterThan(10);
    }
  );

  it('marks only workspace as required', () => {
    const required = Object.entries(action.inputs)
      .filter(([, input]) => input.required === true)
      .map(([name]) => name);
    expect(required).toEqual(['workspace']);
  });

  it('declares the documented outputs, each with a description', () => {
    expect(Object.keys(action.outputs).sort()).toEqual([...DOCUMENTED_OUTPUTS].sort());
    for (const output of Object.values(action.outputs)) {
      expect(typeof output.description).toBe('string');
    }
  });

  it('runs on node24 with the main and post bundles', () => {
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/post/index.js'
    });
  });

  it.each(Object.keys(action.inputs))('src/inputs.ts reads input %s', name => {
    // Booleans go through readBoolean(), which calls core.getInput(name) itself.
    expect(inputsSource).toMatch(new RegExp(`(getInput|readBoolean)\\('${name}'\\)`));
  });

  it('src/inputs.ts uses the same defaults as action.yml', () => {
    const codeDefaults: Record<string, string> = INPUT_DEFAULTS;
    expect(Object.keys(codeDefaults).length).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(codeDefaults)) {
      expect([name, action.inputs[name]?.default]).toEqual([name, value]);
    }
    // Every other default is empty, which is what getInputs assumes for inputs it has no
    // entry for; github-token's expression only the runner can evaluate.
    for (const [name, input] of Object.entries(action.inputs)) {
      if (name in codeDefaults || name === 'github-token') continue;
      expect([name, input.default ?? '']).toEqual([name, '']);
    }
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
