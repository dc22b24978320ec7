/**
 * Issue 11: `.git` internals are never packed, whatever `.terraformignore` says
 * (actions/checkout keeps the job's token in `.git/config`), and a `.terraformignore`
 * that is a link into `.git` or out of the workspace is not read.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { PackError } from '../../src/slug/index.js';
import { buildTree, sandbox } from './helpers.js';

const box = sandbox();
afterAll(() => box.cleanup());

const TOKEN = 'AUTHORIZATION: basic c2VjcmV0LXRva2Vu';
const CHECKOUT_CONFIG = `[http "https://github.com/"]\n\textraheader = ${TOKEN}\n`;

let counter = 0;
/** Packs a fresh tree; returns the entry names and the warnings of that pack only. */
async function packTree(
  tree: Parameters<typeof buildTree>[1]
): Promise<{ names: string[]; warnings: string[]; contents: string }> {
  const dir = `tree-${++counter}`;
  buildTree(path.join(box.base, dir), tree);
  const before = box.warnings.length;
  const { entries } = await box.pack(dir);
  return {
    names: entries.map(entry => entry.name),
    warnings: box.warnings.slice(before),
    contents: entries.map(entry => entry.content).join('\n')
  };
}

const noGitBelow = (names: string[]): string[] =>
  names.filter(name => name.split('/').slice(0, -1).includes('.git'));

describe('.git internals are never packed (issue 11)', () => {
  it.each([
    ['!.git/config', ['.git/config']],
    ['!.git/', ['.git/']],
    ['!**/.git/**', ['.git/']],
    ['!config', ['.git/config']],
    ['*\n!*', ['.git/']]
  ])('a rule %j cannot re-include them', async (ignore, mentioned) => {
    const { names, warnings, contents } = await packTree({
      '.terraformignore': ignore + '\n',
      '.git/config': CHECKOUT_CONFIG,
      '.git/HEAD': 'ref: refs/heads/main\n',
      'sub/.git/config': CHECKOUT_CONFIG,
      'main.tf': 'terraform {}\n'
    });
    expect(noGitBelow(names)).toEqual([]);
    expect(names).toContain('main.tf');
    expect(contents).not.toContain(TOKEN);
    // One warning per pack although two .git directories hold re-included files.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(JSON.stringify(mentioned[0]));
    expect(warnings[0]).not.toContain(TOKEN);
  });

  it('drops them inside a dereferenced directory (a second checkout)', async () => {
    buildTree(path.join(box.base, 'shared'), {
      '.git/config': CHECKOUT_CONFIG,
      'nested/.git/config': CHECKOUT_CONFIG,
      'mod.tf': 'module',
      '.git-keep': 'a file whose name only starts with .git'
    });
    for (const ignore of ['!.git/config', '!**/.git/**']) {
      const { names, warnings, contents } = await packTree({
        '.terraformignore': ignore + '\n',
        mods: { link: '../shared' }
      });
      expect(names).toEqual(['.terraformignore', 'mods/.git-keep', 'mods/mod.tf', 'mods/nested/']);
      expect(contents).not.toContain(TOKEN);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('"mods/.git/');
    }
  });

  it('drops the contents of a dereferenced link named .git', async () => {
    buildTree(path.join(box.base, 'elsewhere'), { 'x.tf': 'x' });
    const { names, warnings } = await packTree({
      '.git': { link: '../elsewhere' },
      'a.tf': 'a'
    });
    expect(names).toEqual(['a.tf']);
    expect(warnings).toEqual([expect.stringContaining('".git"')]);
  });

  it('keeps a file named .git, a link named .git inside the root, and .git-like names', async () => {
    const { names, warnings } = await packTree({
      '.git': 'gitdir: ../.git/worktrees/w\n',
      'sub/.git': { link: '../.git' },
      '.github/workflows/x.yml': 'on: push\n',
      '.gitignore': '*.tfstate\n',
      'a.git/b': 'b'
    });
    expect(names).toEqual([
      '.git',
      '.github/',
      '.github/workflows/',
      '.github/workflows/x.yml',
      '.gitignore',
      'a.git/',
      'a.git/b',
      'sub/',
      'sub/.git'
    ]);
    expect(warnings).toEqual([]);
  });

  it('warns only when a rule would have included something below .git', async () => {
    const quiet = await packTree({
      '.terraformignore': '*.log\n!keep.log\n',
      '.git/config': CHECKOUT_CONFIG,
      'keep.log': 'k'
    });
    expect(quiet.names).toEqual(['.terraformignore', 'keep.log']);
    expect(quiet.warnings).toEqual([]);
    const loud = await packTree({
      '.terraformignore': '*.log\n!keep.log\n',
      '.git/logs/keep.log': 'k',
      'keep.log': 'k'
    });
    expect(loud.names).toEqual(['.terraformignore', 'keep.log']);
    expect(loud.warnings).toEqual([expect.stringContaining('".git/logs/keep.log"')]);
  });

  it('refuses to pack a directory that lies inside .git', async () => {
    buildTree(path.join(box.base, 'repo'), { '.git/hooks/pre-commit': 'x' });
    await expect(box.pack('repo/.git/hooks')).rejects.toThrow(PackError);
    await expect(box.pack('repo/.git')).rejects.toThrow(/\.git/);
  });
});

describe('a .terraformignore that is a symlink (issue 11)', () => {
  const outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'slug-outside-')));
  afterAll(() => fs.rmSync(outside, { recursive: true, force: true }));
  // Lines that would exclude a.tf and an invalid one that the old code echoed in a warning.
  const config = `*.tf\nx(${TOKEN}\n`;
  fs.mkdirSync(path.join(box.base, '.git/info'), { recursive: true });
  fs.writeFileSync(path.join(box.base, '.git/config'), config);
  fs.writeFileSync(path.join(box.base, '.git/info/exclude'), config);
  fs.writeFileSync(path.join(outside, 'ignore'), config);
  fs.symlinkSync('.git', path.join(box.base, 'git-dir'));

  it.each([
    ['the checkout’s .git/config', '../.git/config'],
    ['a nested .git file', '../.git/info/exclude'],
    ['a .git directory through a link not named .git', '../git-dir/config'],
    ['a file outside the workspace', `${outside}/ignore`]
  ])('is not read when it leads to %s', async (_title, target) => {
    const dir = `ignore-${++counter}`;
    buildTree(path.join(box.base, dir), { 'a.tf': 'a' });
    fs.symlinkSync(target, path.join(box.base, dir, '.terraformignore'));
    const before = box.warnings.length;
    // The link itself is then an external link like any other: refused or packed by the
    // workspace guard, never read as rules.
    const outcome = await box.pack(dir).then(
      ({ entries }) => entries.map(entry => entry.name),
      (error: unknown) => error
    );
    const warnings = box.warnings.slice(before);
    expect(warnings).toEqual([expect.stringContaining('not read')]);
    expect(warnings.join('\n')).not.toContain('x(');
    expect(warnings.join('\n')).not.toContain(TOKEN);
    expect(outcome).toBeInstanceOf(PackError);
    expect((outcome as Error).message).not.toContain(TOKEN);
  });

  it('is read through a link that stays in the workspace, outside .git', async () => {
    buildTree(path.join(box.base, 'rules'), { ignore: '*.md\n' });
    const { names, warnings } = await packTree({
      '.terraformignore': { link: '../rules/ignore' },
      'a.tf': 'a',
      'b.md': 'b'
    });
    expect(names).toEqual(['.terraformignore', 'a.tf']);
    expect(warnings).toEqual([]);
  });
});
