/** The README is the user's manual: its tables must say what action.yml says. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import YAML from 'yaml';

const root = path.resolve(import.meta.dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const action = YAML.parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, unknown>;
};

/** Rows of the markdown table under `## heading`: first cell → second cell. */
function table(heading: string): Map<string, string> {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const match = /^\| `([^`]+)`\s*\| ([^|]*?)\s*\|/.exec(line);
    if (match) rows.set(match[1], match[2].trim());
  }
  return rows;
}

describe('README', () => {
  it('starts with the two commands a newcomer needs', () => {
    const head = readme.split('\n').slice(0, 6).join('\n');
    expect(head).toContain('npm install && npm run demo');
    expect(head).toContain('npm test');
  });

  it('lists every input of action.yml with the same default', () => {
    const rows = table('Inputs');
    expect([...rows.keys()]).toEqual(Object.keys(action.inputs));
    for (const [name, input] of Object.entries(action.inputs)) {
      const expected =
        input.default === undefined
          ? input.required
            ? '(required)'
            : '—'
          : input.default === ''
            ? "`''`"
            : `\`${input.default}\``;
      expect(`${name}: ${rows.get(name)}`).toBe(`${name}: ${expected}`);
    }
  });

  it('shows workflows that parse and use only real inputs of the action', () => {
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map(match => match[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    let blocksUsingIt = 0;
    for (const block of blocks) {
      const parsed = YAML.parse(block) as {
        jobs?: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
        with?: Record<string, unknown>;
      };
      const uses = parsed.jobs
        ? Object.values(parsed.jobs).flatMap(job => job.steps)
        : (parsed as unknown as { uses?: string; with?: Record<string, unknown> }[]);
      const used = uses.filter(s => s.uses?.includes('tfe-run-action'));
      if (used.length > 0) blocksUsingIt++;
      for (const use of used) {
        for (const input of Object.keys(use.with ?? {})) {
          expect(Object.keys(action.inputs)).toContain(input);
        }
      }
    }
    // Every example block uses the action (a two-job one may use it twice).
    expect(blocksUsingIt).toBe(blocks.length);
  });

  it('lists every output of action.yml', () => {
    expect([...table('Outputs').keys()]).toEqual(Object.keys(action.outputs));
  });
});
