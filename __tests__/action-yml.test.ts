import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { INPUT_DEFAULTS } from '../src/inputs.js';

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

  it.each(Object.keys(DOCUMENTED_INPUTS))('src/inputs.ts reads input %s', name => {
    expect(inputsSource).toMatch(new RegExp(`['"]${name}['"]`));
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
