/** docs/packing-notes.md §4.6: how directory rules and plain names behave, packed end to end. */
import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { packToFile } from '../../src/slug/pack.js';
import { buildTree, listArchive, sandbox, type Node } from './helpers.js';

const box = sandbox();
afterAll(() => box.cleanup());

interface Case {
  readonly title: string;
  readonly ignore: string | null;
  readonly tree: Record<string, Node>;
  readonly expected: string[];
}

const cases: Case[] = [
  {
    title: 'a slash-less name drops only the directory entry',
    ignore: 'sub\n',
    tree: { 'sub/a.txt': 'a', 'sub/deep/b.txt': 'b', 'other.txt': 'o' },
    expected: ['.terraformignore', 'other.txt', 'sub/a.txt', 'sub/deep/', 'sub/deep/b.txt']
  },
  {
    title: 'a directory rule skips the subtree',
    ignore: 'sub/\n',
    tree: { 'sub/a.txt': 'a', 'sub/deep/b.txt': 'b', 'other.txt': 'o' },
    expected: ['.terraformignore', 'other.txt']
  },
  {
    title: 'a negation re-includes a file of an excluded directory',
    ignore: 'sub/\n!sub/keep.txt\n',
    tree: { 'sub/a.txt': 'a', 'sub/keep.txt': 'k', 'other.txt': 'o' },
    expected: ['.terraformignore', 'other.txt', 'sub/keep.txt']
  },
  {
    title: 'foo/** at any depth',
    ignore: 'foo/**\n',
    tree: { 'foo/x': 'x', 'y/foo/z': 'z', 'foo2/w': 'w' },
    expected: ['.terraformignore', 'foo2/', 'foo2/w', 'y/']
  },
  {
    title: '** in the middle matches zero or more directories',
    ignore: 'a/**/c.txt\n',
    tree: { 'a/b/c.txt': '1', 'a/x/b/c.txt': '2', 'b/c.txt': '3', 'a/c.txt': '4' },
    expected: ['.terraformignore', 'a/', 'a/b/', 'a/x/', 'a/x/b/', 'b/', 'b/c.txt']
  },
  {
    title: '* matches names at every depth',
    ignore: '*\n!a.tf\n',
    tree: { 'a.tf': 'a', 'd/e.tf': 'e' },
    expected: ['a.tf']
  },
  {
    title: 'files re-included at any depth, without their directory entry',
    ignore: '*\n!*.tf\n',
    tree: { 'a.tf': 'a', 'd/e.tf': 'e', 'd/f.md': 'f' },
    expected: ['a.tf', 'd/e.tf']
  },
  {
    title: 'a leading / anchors, a middle / does not',
    ignore: '/foo.txt\nfoo/bar.txt\n',
    tree: { 'foo.txt': '1', 'a/foo.txt': '2', 'foo/bar.txt': '3', 'a/foo/bar.txt': '4' },
    expected: ['.terraformignore', 'a/', 'a/foo/', 'a/foo.txt', 'foo/']
  },
  {
    title: 'CRLF endings and trailing spaces',
    ignore: '*.txt\r\n!keep.txt\r\n*.log   \r\n',
    tree: { 'keep.txt': 'k', 'drop.txt': 'd', 'd/keep.txt': 'k', 'd/x.log': 'x' },
    expected: ['.terraformignore', 'd/', 'd/keep.txt', 'keep.txt']
  },
  {
    title: 'regex metacharacters pass through; an invalid rule is ignored',
    ignore: 'a+b.txt\nx(y.txt\n\\#note\n[c].txt\n',
    tree: {
      'a+b.txt': '1',
      'ab.txt': '2',
      'aab.txt': '3',
      'x(y.txt': '4',
      '#note': '5',
      'c.txt': '6'
    },
    expected: ['.terraformignore', 'a+b.txt', 'x(y.txt']
  },
  {
    // go-slug packs `.git/`, `.git/config`, `sub/.git/`, `sub/.git/HEAD` too: here `.git`
    // internals never are (README, deliberate differences; git-internals.test.ts).
    title: 'a user negation overrides the .git default, except for .git internals',
    ignore: '!.git/\n',
    tree: { '.git/config': 'c', 'sub/.git/HEAD': 'h', '.terraform/modules/m/x.tf': 'x' },
    expected: ['.terraform/modules/m/', '.terraform/modules/m/x.tf', '.terraformignore', 'sub/']
  },
  {
    title: 'the ignore file can exclude itself',
    ignore: '.terraformignore\n',
    tree: { '.terraformignore2': '2', 'a.tf': 'a' },
    expected: ['.terraformignore2', 'a.tf']
  },
  {
    title: 'nested ignore files are not read',
    ignore: '# nothing\n',
    tree: { b: 'b', 'x/sub/a': 'a', 'x/sub/.terraformignore': '*\n' },
    expected: ['.terraformignore', 'b', 'x/', 'x/sub/', 'x/sub/.terraformignore', 'x/sub/a']
  },
  {
    title: 'a lone / matches everything, the ignore file included',
    ignore: '/\n',
    tree: { 'a.tf': 'a', 'd/b.tf': 'b' },
    expected: []
  },
  {
    title: 'defaults: .git/ and .terraform/ except .terraform/modules/',
    ignore: null,
    tree: {
      '.git/HEAD': 'h',
      '.git/objects/x': 'x',
      'a/.git/config': 'c',
      '.terraform/plugins/p': 'p',
      '.terraform/modules/README': 'r',
      '.terraform/modules/subdir/README': 'r',
      'a/.terraform/x': 'x',
      'a/.terraform/modules/m/main.tf': 'm',
      '.terraformrc': '',
      'bar.txt': 'bar'
    },
    expected: [
      '.terraform/modules/README',
      '.terraform/modules/subdir/',
      '.terraform/modules/subdir/README',
      '.terraformrc',
      'a/',
      'a/.terraform/modules/m/',
      'a/.terraform/modules/m/main.tf',
      'bar.txt'
    ]
  },
  {
    title: '.git and .terraform as plain files are included',
    ignore: null,
    tree: { '.git': 'gitdir: ../x', '.terraform': 't', 'a.tf': 'a' },
    expected: ['.git', '.terraform', 'a.tf']
  },
  {
    title: 'terraform.tfstate is not excluded by default (v0.12.0+)',
    ignore: null,
    tree: {
      'terraform.tfstate': '{}',
      'sub/terraform.tfstate': '{}',
      'terraform.tfstate.backup': '{}',
      'a.tf': 'a'
    },
    expected: [
      'a.tf',
      'sub/',
      'sub/terraform.tfstate',
      'terraform.tfstate',
      'terraform.tfstate.backup'
    ]
  },
  {
    title: 'with-exclusion: src/**/* with one negation, logs/ and tmp/',
    ignore: 'src/**/*\n# except at one directory\n!src/foo/bar.txt\nlogs/\ntmp/\n',
    tree: {
      'logs/foo.txt': 'l',
      'src/baz/ignored.txt': 'i',
      'src/foo/bar.txt': 'b',
      'tmp/tmp.txt': 't'
    },
    expected: ['.terraformignore', 'src/foo/bar.txt']
  },
  {
    title: 'sourcebundle fixture: Pack keeps .excluded/file.txt',
    ignore: 'excluded\nexcluded-dir/\n.excluded\n',
    tree: {
      excluded: 'e',
      'excluded-dir/excluded': 'e',
      '.excluded/file.txt': 'f',
      included: 'i'
    },
    expected: ['.excluded/file.txt', '.terraformignore', 'included']
  }
];

describe('.terraformignore cases (docs/packing-notes.md §4.6, §8.3, §8.5, §8.6)', () => {
  it.each(cases.map((c, index) => [c.title, index] as const))('%s', async (_title, index) => {
    const c = cases[index];
    const dir = `case-${index}`;
    buildTree(`${box.base}/${dir}`, c.tree);
    if (c.ignore !== null) buildTree(`${box.base}/${dir}`, { '.terraformignore': c.ignore });
    expect(await box.names(dir)).toEqual(c.expected);
  });
});

describe('TestPack_UnicodeNormalization (docs/packing-notes.md §8.1)', () => {
  const nfd = 'donne\u0301es.txt';
  it.each([
    [false, ['.terraformignore', 'allowed.txt', nfd]],
    [true, ['.terraformignore', 'allowed.txt']]
  ])('normalizeNfc %s (v0.16.x: off, v0.18.3: on)', async (normalizeNfc, expected) => {
    const dir = `${box.base}/unicode-${String(normalizeNfc)}`;
    buildTree(dir, { '.terraformignore': 'données.txt\n', [nfd]: 'x', 'allowed.txt': 'a' });
    const result = await packToFile(dir, box.base, box.base, () => undefined, { normalizeNfc });
    const names = (await listArchive(result.path)).map(entry => entry.name);
    fs.rmSync(result.path);
    expect(names).toEqual(expected);
  });
});
