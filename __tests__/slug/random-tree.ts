/**
 * Deterministic random trees for the go-slug differential test: nested directories,
 * names from a pool (non-ASCII and long ones included), empty directories, exec bits,
 * `.git` and `.terraform` directories, internal and external symlinks, and a random
 * `.terraformignore`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** mulberry32: a small seeded PRNG so a failing seed can be replayed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = [
  'main.tf',
  'variables.tf',
  'a',
  'b.txt',
  'sub',
  'sub-a',
  'sub.txt',
  'modules',
  'x.log',
  'data.json',
  'README.md',
  '.hidden',
  'foo',
  'bar',
  'baz.txt',
  'keep.txt',
  'Z',
  '_u',
  'terraform.tfstate',
  'terraform.tfstate.backup',
  'clé.tf',
  '日本.tf',
  'x(y',
  'a+b.txt',
  'l'.repeat(120) + '.tf'
];

const RULES = [
  '*.log',
  'sub/',
  '!sub/keep.txt',
  'foo',
  '/bar',
  'modules/**',
  '**/b.txt',
  'baz.txt',
  '*.md',
  'x(y',
  '[a-c].txt',
  'a?',
  '/sub/*.txt',
  '.hidden',
  'data.*',
  '!*.tf',
  '!.git/',
  '!modules/',
  'sub-a',
  '# a comment',
  '',
  '  *.json  ',
  'Z/'
];

export interface RandomTree {
  /** Directory to pack. */
  readonly root: string;
}

/**
 * Builds a tree under `base/root` (and helpers under `base/ext`). Avoided on purpose,
 * because go-slug 0.9.1 differs there from v0.16+ (docs/packing-notes.md §7): chains of external links,
 * external siblings whose name starts with the root's name, links inside dereferenced
 * directories, lines go-slug crashes on.
 */
export function randomTree(base: string, seed: number): RandomTree {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const root = path.join(base, 'root');
  const ext = path.join(base, 'ext');
  fs.mkdirSync(path.join(ext, 'dir/deeper'), { recursive: true });
  fs.writeFileSync(path.join(ext, 'file.txt'), `external ${seed}\n`);
  fs.writeFileSync(path.join(ext, 'dir/a.tf'), 'a');
  fs.writeFileSync(path.join(ext, 'dir/x.log'), 'log');
  fs.writeFileSync(path.join(ext, 'dir/deeper/b.txt'), 'b');

  const files: string[] = [];
  const dirs: string[] = [];
  const grow = (dir: string, depth: number): void => {
    fs.mkdirSync(dir, { recursive: true });
    dirs.push(dir);
    const count = Math.floor(random() * (depth > 3 ? 2 : 6));
    for (let i = 0; i < count; i++) {
      const name = pick(NAMES);
      const full = path.join(dir, name);
      if (fs.existsSync(full)) continue;
      if (random() < 0.3 && depth < 5) {
        grow(full, depth + 1);
      } else {
        const size = Math.floor(random() * 3000);
        fs.writeFileSync(full, `# ${name} ${seed}\n`.repeat(Math.max(1, size / 20)));
        if (random() < 0.15) fs.chmodSync(full, 0o755);
        files.push(full);
      }
    }
  };
  grow(root, 0);
  for (const special of [
    '.git/objects',
    '.terraform/modules/m',
    '.terraform/plugins',
    'sub/.git'
  ]) {
    const parent = path.join(root, path.dirname(special));
    if (random() < 0.5 && (!fs.existsSync(parent) || fs.statSync(parent).isDirectory())) {
      fs.mkdirSync(path.join(root, special), { recursive: true });
      fs.writeFileSync(path.join(root, special, 'f.tf'), special);
    }
  }
  if (random() < 0.3) fs.mkdirSync(path.join(root, 'empty/dir'), { recursive: true });

  const linkCount = Math.floor(random() * 5);
  for (let i = 0; i < linkCount; i++) {
    const at = path.join(pick(dirs), `link${i}`);
    if (fs.existsSync(at)) continue;
    const kind = Math.floor(random() * 5);
    let target: string;
    if (kind === 0 && files.length > 0) target = path.relative(path.dirname(at), pick(files));
    else if (kind === 1) target = path.relative(path.dirname(at), pick(dirs)) || '.';
    else if (kind === 2) target = 'missing.txt';
    else if (kind === 3) target = path.relative(path.dirname(at), path.join(ext, 'file.txt'));
    else target = path.relative(path.dirname(at), path.join(ext, 'dir'));
    if (random() < 0.3 && kind < 2) target = path.resolve(path.dirname(at), target);
    fs.symlinkSync(target, at);
  }

  if (random() < 0.8) {
    const lines: string[] = [];
    const count = 1 + Math.floor(random() * 6);
    for (let i = 0; i < count; i++) lines.push(pick(RULES));
    fs.writeFileSync(
      path.join(root, '.terraformignore'),
      lines.join(random() < 0.2 ? '\r\n' : '\n') + '\n'
    );
  }
  return { root };
}
