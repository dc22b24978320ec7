/**
 * `.git` directories are never packed, whatever `.terraformignore` says: actions/checkout
 * keeps the job's token in `.git/config`, and go-slug excludes `.git` only by a default
 * rule that any later `!` rule can override. The walk skips them; this says so, once per
 * pack, when go-slug would have packed something there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Ruleset } from './ruleset.js';

const WHY =
  'nothing below a .git directory is ever uploaded (actions/checkout keeps the job’s ' +
  'token in .git/config); only the first such path is named';

export class GitGuard {
  private warned = false;

  constructor(
    private readonly rules: Ruleset,
    private readonly warn: (message: string) => void
  ) {}

  /**
   * The walk skipped the directory `dir` named `.git`.
   * @param prefix archive name prefix of the walk it belongs to
   * @param subpath its path relative to that walk's root, which the rules match
   */
  skippedDirectory(dir: string, prefix: string, subpath: string): void {
    if (this.warned) return;
    const found = firstIncluded(this.rules, dir, subpath, true);
    if (found === null) return;
    this.warned = true;
    this.warn(`.terraformignore includes ${JSON.stringify(prefix + found)}, but ${WHY}`);
  }

  /** The walk did not dereference `archiveName`, a link named `.git` to a directory. */
  skippedLink(archiveName: string): void {
    if (this.warned) return;
    this.warned = true;
    this.warn(
      `symlink ${JSON.stringify(archiveName)} leads to a directory whose contents would be ` +
        `packed below .git: skipped, as ${WHY}`
    );
  }
}

/**
 * go-slug's walk decisions (see walk.ts) without writing anything: the first path it would
 * have packed, or null. Reads directory entries with their types only; runs at most until
 * the first warning, and only descends where go-slug would have walked too.
 */
function firstIncluded(
  rules: Ruleset,
  full: string,
  subpath: string,
  isDir: boolean
): string | null {
  if (rules.excludes(subpath).excluded) return isDir ? firstInChildren(rules, full, subpath) : null;
  if (!isDir) return subpath;
  const asDir = rules.excludes(subpath + '/');
  if (!asDir.excluded) return subpath + '/';
  return asDir.dominating ? null : firstInChildren(rules, full, subpath);
}

function firstInChildren(rules: Ruleset, dir: string, subpath: string): string | null {
  let children: fs.Dirent[];
  try {
    children = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return null; // not packed either way; only the warning is at stake
  }
  children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const child of children) {
    const isDir = child.isDirectory();
    if (!isDir && !child.isFile() && !child.isSymbolicLink()) continue;
    const found = firstIncluded(
      rules,
      path.join(dir, child.name),
      `${subpath}/${child.name}`,
      isDir
    );
    if (found !== null) return found;
  }
  return null;
}
