/**
 * go-slug's symlink rules plus the action's own guard: a link is "inside" the packed
 * directory by a purely lexical test (no `..` component in the path relative to the root);
 * an outside link is dereferenced only when its real target stays in the workspace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasGitSegment, isInside, relativeInside } from '../paths.js';
import { PackError } from './pack-error.js';

/** go-slug's escapingfs.TargetWithinRoot: lexical, `..foo` is a fine name. */
export function targetWithinRoot(root: string, target: string): boolean {
  if (target === '') return false;
  return isInside(path.resolve(root), path.resolve(target));
}

/** The absolute target of a link as go-slug computes it: lexically, from the link's directory. */
export function lexicalTarget(linkPath: string, target: string): string {
  return path.isAbsolute(target)
    ? path.normalize(target)
    : path.join(path.dirname(linkPath), target);
}

export interface ExternalTarget {
  /** Real path of the final target (every link in the chain resolved). */
  readonly realPath: string;
  readonly stat: fs.BigIntStats;
}

/**
 * Resolves an external link for dereferencing. The target must exist (go-slug fails
 * otherwise), stay inside `workspaceRoot` and outside any `.git` directory: a pull request
 * must not be able to upload the runner's files.
 */
export function resolveExternal(
  linkPath: string,
  linkName: string,
  target: string,
  workspaceRoot: string
): ExternalTarget {
  let realPath: string;
  try {
    realPath = fs.realpathSync(linkPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new PackError(
      `symlink ${JSON.stringify(linkName)} -> ${JSON.stringify(target)} points outside the ` +
        `directory to a target that cannot be resolved (${code})`
    );
  }
  const rel = relativeInside(workspaceRoot, realPath);
  if (rel === null) {
    throw new PackError(
      `symlink ${JSON.stringify(linkName)} -> ${JSON.stringify(target)} leads outside ` +
        'GITHUB_WORKSPACE; only links whose target stays inside the workspace are followed'
    );
  }
  if (hasGitSegment(rel)) {
    throw new PackError(
      `symlink ${JSON.stringify(linkName)} -> ${JSON.stringify(target)} leads into a .git ` +
        'directory, which is never uploaded'
    );
  }
  return { realPath, stat: fs.lstatSync(realPath, { bigint: true }) };
}
