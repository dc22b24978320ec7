/** docs/packing-notes.md §5, §8.1 and §8.5: symlinks, fixtures of go-slug's own tests, the workspace guard. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { PackError } from '../../src/slug/index.js';
import { buildTree, sandbox, type Node } from './helpers.js';

const box = sandbox();
afterAll(() => box.cleanup());

const IGNORE =
  '# archive-dir rules\n# (comments and a blank line first)\n\n' +
  '   baz.txt\nterraform.d/\n!/terraform.d/\n**/foo/bar.tf\nfoo/*.md\n' +
  'bar/something-[a-z].txt\nboop.txt\n!/boop.txt\n';

/** go-slug's testdata/archive-dir (example.tf points to a file beside the root). */
function archiveDir(dir: string, external = true): void {
  const tree: Record<string, Node> = {
    '.terraform/file.txt': '',
    '.terraform/modules/README': 'modules readme\n',
    '.terraform/plugins/README': 'plugins readme\n',
    '.terraformignore': IGNORE,
    '.terraformrc': '',
    'bar.txt': 'bar\n',
    'baz.txt': 'baz',
    exe: { content: '', mode: 0o755 },
    'foo.terraform/bar.txt': '',
    'sub/bar.txt': { link: '../bar.txt' },
    'sub/zip.txt': 'zip\n',
    'sub2/bar.txt': { link: '../sub/bar.txt' },
    'sub2/zip.txt': 'zip\n'
  };
  if (external) tree['example.tf'] = { link: '../example.tf' };
  buildTree(`${box.base}/${dir}`, tree);
}
fs.writeFileSync(`${box.base}/example.tf`, 'resource "null_resource" "example" {}\n');

describe('go-slug’s pack tests (§8.1)', () => {
  it('TestPack: archive-dir', async () => {
    archiveDir('archive-dir');
    const { result, entries } = await box.pack('archive-dir');
    expect(entries.map(e => e.name)).toEqual([
      '.terraform/modules/README',
      '.terraformignore',
      '.terraformrc',
      'bar.txt',
      'example.tf',
      'exe',
      'foo.terraform/',
      'foo.terraform/bar.txt',
      'sub/',
      'sub/bar.txt',
      'sub/zip.txt',
      'sub2/',
      'sub2/bar.txt',
      'sub2/zip.txt'
    ]);
    const byName = new Map(entries.map(e => [e.name, e]));
    expect(byName.get('sub/bar.txt')).toMatchObject({ type: '2', linkname: '../bar.txt' });
    expect(byName.get('sub2/bar.txt')).toMatchObject({ type: '2', linkname: '../sub/bar.txt' });
    expect(byName.get('example.tf')).toMatchObject({
      type: '0',
      content: 'resource "null_resource" "example" {}\n'
    });
    expect(byName.get('exe')?.mode).toBe(0o755);
    expect(result.entries).toBe(entries.length);
  });

  it('TestPack_rootIsSymlink: a symlink to the root packs the root', async () => {
    fs.symlinkSync('archive-dir', `${box.base}/archive-dir-symlink`);
    const viaLink = await box.names('archive-dir-symlink');
    expect(viaLink).toEqual(await box.names('archive-dir'));
  });

  it('TestPack_defaultRulesOnly', async () => {
    buildTree(`${box.base}/defaults-only`, {
      '.terraform/modules/README': 'r',
      '.terraform/modules/subdir/README': 'r',
      '.terraform/plugins/foo.txt': 'f',
      'bar.txt': 'bar'
    });
    expect(await box.names('defaults-only')).toEqual([
      '.terraform/modules/README',
      '.terraform/modules/subdir/',
      '.terraform/modules/subdir/README',
      'bar.txt'
    ]);
  });

  it('TestPack_absoluteSrcRelativeSymlinks: archive-dir-absolute/dev', async () => {
    buildTree(`${box.base}/archive-dir-absolute`, {
      '_common/extra-files/bar.sh': 'bar',
      '_common/extra-files/foo.sh': 'foo',
      '_common/locals.tf': 'l',
      '_common/output.tf': 'o',
      '_common/versions.tf': 'v',
      'dev/backend.tf': 'b',
      'dev/variables.tf': 'v',
      'dev/extra-files': { link: '../_common/extra-files' },
      'dev/locals.tf': { link: '../_common/locals.tf' },
      'dev/output.tf': { link: '../_common/output.tf' },
      'dev/versions.tf': { link: '../_common/versions.tf' }
    });
    const { entries } = await box.pack('archive-dir-absolute/dev');
    expect(entries.map(e => [e.name, e.type])).toEqual([
      ['backend.tf', '0'],
      ['extra-files/bar.sh', '0'],
      ['extra-files/foo.sh', '0'],
      ['locals.tf', '0'],
      ['output.tf', '0'],
      ['variables.tf', '0'],
      ['versions.tf', '0']
    ]);
  });

  // TestPack_symlinks, dereference on: internal links stay links with the raw target,
  // external ones become files, a missing external target is an error.
  it.each([
    [true, true, true, 'file'],
    [true, true, false, 'error'],
    [true, false, true, 'link'],
    [true, false, false, 'link'],
    [false, true, true, 'file'],
    [false, true, false, 'error'],
    [false, false, true, 'link'],
    [false, false, false, 'link']
  ])(
    'TestPack_symlinks absolute=%s external=%s exists=%s → %s',
    async (abs, ext, exists, outcome) => {
      const top = fs.mkdtempSync(path.join(box.base, 'symlinks-'));
      fs.mkdirSync(`${top}/internal/sub`, { recursive: true });
      fs.mkdirSync(`${top}/external`);
      const side = ext ? 'external' : 'internal';
      if (exists) buildTree(`${top}/${side}`, { 'foo/bar': 'foo' });
      const target = abs ? `${top}/${side}/foo/bar` : ext ? '../../external/foo/bar' : '../foo/bar';
      fs.symlinkSync(target, `${top}/internal/sub/sym`);
      const dir = path.relative(box.base, `${top}/internal`);
      if (outcome === 'error') {
        await expect(box.pack(dir)).rejects.toThrow(/sub\/sym/);
        return;
      }
      const sym = (await box.pack(dir)).entries.find(e => e.name === 'sub/sym');
      if (outcome === 'file') expect(sym).toMatchObject({ type: '0', size: 3, content: 'foo' });
      else expect(sym).toMatchObject({ type: '2', linkname: target });
    }
  );
});

describe('symlink cases (§5, §8.5)', () => {
  it('keeps internal links, dereferences external files and directories', async () => {
    buildTree(`${box.base}/ext`, {
      'efile.txt': 'hello',
      'edir/a.txt': 'a',
      'edir/sub/b.txt': 'b',
      'edir/skip.log': 's'
    });
    buildTree(`${box.base}/ext2`, { 'target.txt': 'via chain', hop: { link: 'target.txt' } });
    const real = `${box.base}/links/real/r.txt`;
    buildTree(`${box.base}/links`, {
      '.terraformignore': '*.log\n',
      'real/r.txt': 'r',
      linkdir: { link: 'real' },
      linkfile: { link: 'real/r.txt' },
      broken_in: { link: 'missing.txt' },
      abs_in: { link: real },
      ext_file: { link: '../ext/efile.txt' },
      ext_dir: { link: '../ext/edir' },
      chain: { link: 'ext_file' },
      viachain: { link: '../ext2/hop' }
    });
    const { entries } = await box.pack('links');
    expect(entries.map(e => [e.name, e.type, e.type === '2' ? e.linkname : e.content])).toEqual([
      ['.terraformignore', '0', '*.log\n'],
      ['abs_in', '2', real],
      ['broken_in', '2', 'missing.txt'],
      ['chain', '2', 'ext_file'],
      ['ext_dir/a.txt', '0', 'a'],
      ['ext_dir/sub/', '5', ''],
      ['ext_dir/sub/b.txt', '0', 'b'],
      ['ext_file', '0', 'hello'],
      ['linkdir', '2', 'real'],
      ['linkfile', '2', 'real/r.txt'],
      ['real/', '5', ''],
      ['real/r.txt', '0', 'r'],
      ['viachain', '0', 'via chain']
    ]);
    expect(box.warnings.filter(w => w.includes('"abs_in" has an absolute target'))).toHaveLength(1);
  });

  it('keeps links into .terraform/ as links, whatever the rules say of their target', async () => {
    buildTree(`${box.base}/tf-links`, {
      '.terraform/providers/p': 'provider',
      '.terraform/modules/m/main.tf': 'module',
      providers: { link: '.terraform/providers' },
      mod: { link: '.terraform/modules/m/main.tf' }
    });
    const { entries } = await box.pack('tf-links');
    expect(entries.map(e => [e.name, e.type, e.linkname])).toEqual([
      ['.terraform/modules/m/', '5', ''],
      ['.terraform/modules/m/main.tf', '0', ''],
      ['mod', '2', '.terraform/modules/m/main.tf'],
      ['providers', '2', '.terraform/providers']
    ]);
  });

  it('matches rules inside a dereferenced directory relative to its target', async () => {
    buildTree(`${box.base}/ext4`, { 'a.txt': 'a', 'b.txt': 'b' });
    buildTree(`${box.base}/rel-rules`, {
      '.terraformignore': '/a.txt\next_dir/b.txt\n',
      'a.txt': 'root a',
      ext_dir: { link: '../ext4' }
    });
    expect(await box.names('rel-rules')).toEqual(['.terraformignore', 'ext_dir/b.txt']);
  });

  it('judges links inside a dereferenced directory against the original root', async () => {
    buildTree(`${box.base}/ext3`, { 'd/f.txt': 'f', 'd/l': { link: 'f.txt' } });
    buildTree(`${box.base}/nested`, { link: { link: '../ext3/d' } });
    const { entries } = await box.pack('nested');
    expect(entries.map(e => [e.name, e.type, e.content])).toEqual([
      ['link/f.txt', '0', 'f'],
      ['link/l', '0', 'f']
    ]);
  });

  it('treats a sibling whose name starts with the root’s name as outside', async () => {
    buildTree(`${box.base}/Z3sibling`, { 'f.txt': 'sibling' });
    buildTree(`${box.base}/Z3`, { prefixbug: { link: '../Z3sibling/f.txt' } });
    const { entries } = await box.pack('Z3');
    expect(entries.map(e => [e.name, e.type, e.content])).toEqual([['prefixbug', '0', 'sibling']]);
  });

  it('fails on an external link to a missing target, naming the link', async () => {
    buildTree(`${box.base}/ext-broken`, { ext_broken: { link: '../ext/nothing.txt' } });
    await expect(box.pack('ext-broken')).rejects.toThrow(/ext_broken/);
  });
});

describe('the workspace guard (docs/contract.md, "Packing rules")', () => {
  const outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'slug-outside-')));
  fs.writeFileSync(`${outside}/secret`, 'runner secret');
  afterAll(() => fs.rmSync(outside, { recursive: true, force: true }));
  buildTree(box.base, {
    '.git/config': 'git config',
    'other/.git/HEAD': 'ref',
    'hop-out': { link: `${outside}/secret` }
  });

  const archives = () => fs.readdirSync(`${box.base}/.tmp-archives`);

  it.each([
    ['an absolute link outside the workspace', { leak: { link: `${outside}/secret` } }, 'leak'],
    ['a directory link outside the workspace', { d: { link: outside } }, 'd'],
    [
      'a relative link climbing out',
      { up: { link: '../../../../../../../../etc/hostname' } },
      'up'
    ],
    ['a chain leaving through a second hop', { hop: { link: '../hop-out' } }, 'hop'],
    ['a link into .git', { git: { link: '../.git/config' } }, 'git'],
    ['a link into a nested .git', { git2: { link: '../other/.git/HEAD' } }, 'git2'],
    ['a link to an ancestor (a cycle)', { loop: { link: '..' } }, 'loop']
  ] as const)('refuses %s and removes the partial archive', async (_title, tree, link) => {
    const dir = fs.mkdtempSync(path.join(box.base, 'guard-'));
    buildTree(dir, { 'a.tf': 'a', ...tree });
    const error = await box.pack(dir).then(
      () => null,
      (caught: unknown) => caught
    );
    expect(error).toBeInstanceOf(PackError);
    expect((error as Error).message).toContain(`"${link}"`);
    expect((error as Error).message).not.toContain('runner secret');
    expect(archives()).toEqual([]);
  });

  it('does not read a .terraformignore linked from outside the workspace', async () => {
    fs.writeFileSync(`${outside}/ignore`, '*.tf\nx(secret\n');
    buildTree(`${box.base}/ignore-link`, { '.terraformignore': { link: `${outside}/ignore` } });
    const before = box.warnings.length;
    await expect(box.pack('ignore-link')).rejects.toThrow(/"\.terraformignore"/);
    const warnings = box.warnings.slice(before);
    expect(warnings).toEqual([expect.stringContaining('not read')]);
    expect(warnings.join()).not.toContain('secret');
  });

  it('follows a link that leaves the directory but stays in the workspace', async () => {
    buildTree(`${box.base}/shared`, { 'mod.tf': 'module' });
    buildTree(`${box.base}/guard-ok`, { m: { link: '../shared' } });
    expect(await box.names('guard-ok')).toEqual(['m/mod.tf']);
  });
});
