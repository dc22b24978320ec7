/**
 * Issue 11, point 6: workflows people copy from the README and examples/ must not put
 * expressions into `run:` scripts. A step output or an event field expanded there becomes
 * shell code (a plan summary, a branch name or a PR title can hold `"; curl … | sh`); the
 * safe way is `env:` and a quoted variable.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from '@jest/globals';

const root = path.resolve(import.meta.dirname, '../..');

/** Every YAML text users may copy: README code blocks and the example workflows. */
function workflows(): [string, string][] {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map(
    (match, i): [string, string] => [`README.md block ${i + 1}`, match[1]]
  );
  const dir = path.join(root, 'examples');
  const examples = fs
    .readdirSync(dir)
    .filter(name => /\.ya?ml$/.test(name))
    .map((name): [string, string] => [
      `examples/${name}`,
      fs.readFileSync(path.join(dir, name), 'utf8')
    ]);
  return [...blocks, ...examples];
}

/** The `run:` scripts of a workflow text: inline, or the indented lines of a block scalar. */
function runScripts(yaml: string): string[] {
  const lines = yaml.split('\n');
  const scripts: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^(\s*)(?:-\s+)?run:\s*(.*)$/.exec(lines[i]);
    if (!match) continue;
    if (!/^[|>]/.test(match[2])) {
      scripts.push(match[2]);
      continue;
    }
    const indent = match[1].length;
    const body: string[] = [];
    for (i++; i < lines.length; i++) {
      const line = lines[i];
      if (line.trim() !== '' && line.length - line.trimStart().length <= indent) break;
      body.push(line);
    }
    i--;
    scripts.push(body.join('\n'));
  }
  return scripts;
}

describe('copyable workflows', () => {
  it('find run scripts at all (the check below is not empty)', () => {
    const all = workflows().flatMap(([, yaml]) => runScripts(yaml));
    expect(all.length).toBeGreaterThan(2);
  });

  it.each(workflows())('%s expands no expression inside a run script', (_where, yaml) => {
    for (const script of runScripts(yaml)) expect(script).not.toMatch(/\$\{\{/);
  });
});
