/**
 * The directory walk in go-slug's order (Go's filepath.Walk: depth first, names sorted by
 * bytes, lstat only), with `.terraformignore` rules and symlink handling applied.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDotGit, isInside, toArchiveName } from '../paths.js';
import { type GitGuard } from './git-guard.js';
import { PackError } from './pack-error.js';
import { type Ruleset } from './ruleset.js';
import { lexicalTarget, resolveExternal, targetWithinRoot } from './symlinks.js';

export interface WalkEntry {
  /** Name in the archive: relative, `/`-separated, directories end with `/`. */
  readonly name: string;
  readonly type: '0' | '2' | '5';
  /** Permission bits only (`mode & 0o777`), as go-slug writes them. */
  readonly mode: number;
  readonly size: number;
  /** Seconds, rounded to the nearest second as Go's tar writer does. */
  readonly mtime: number;
  /** For change detection while reading the body. */
  readonly mtimeNs: bigint;
  readonly linkname: string;
  /** Path to read a regular file's body from (through the link for dereferenced files). */
  readonly source: string;
}

export interface WalkContext {
  readonly root: string;
  readonly workspaceRoot: string;
  readonly rules: Ruleset;
  /** Receives non-fatal findings (absolute symlinks). */
  readonly warn?: (message: string) => void;
  /** A file never to pack (the archive being written, when it lies inside the tree). */
  readonly skip?: { readonly dev: bigint; readonly ino: bigint };
  /** Told about each `.git` directory skipped, to warn when rules wanted part of it. */
  readonly gitGuard?: GitGuard;
}

const ASCII = /^\p{ASCII}*$/u;

/** Sorts names by their UTF-8 bytes, as Go's sort.Strings does. */
export function sortByBytes(names: string[]): string[] {
  if (names.every(name => ASCII.test(name))) return names.sort();
  return names
    .map(name => ({ name, bytes: Buffer.from(name) }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map(({ name }) => name);
}

const errorCode = (error: unknown): string =>
  (error as NodeJS.ErrnoException).code ?? String(error);

function roundSeconds(ns: bigint): number {
  return Number((ns + 500_000_000n) / 1_000_000_000n);
}

function entryFrom(
  name: string,
  type: WalkEntry['type'],
  stat: fs.BigIntStats,
  linkname: string,
  source: string
): WalkEntry {
  return {
    name,
    type,
    mode: Number(stat.mode & 0o777n),
    size: type === '0' ? Number(stat.size) : 0,
    mtime: roundSeconds(stat.mtimeNs),
    mtimeNs: stat.mtimeNs,
    linkname,
    source
  };
}

/** Every entry to archive, in order. */
export function* walkTree(context: WalkContext): Generator<WalkEntry> {
  yield* walkDirectory(context, context.root, '', '', new Set([context.root]));
}

/**
 * @param dir directory being read
 * @param prefix archive name prefix (`''`, or `<link>/` inside a dereferenced directory)
 * @param rel path of `dir` relative to the walk root, with a trailing `/` unless empty;
 *   rules match against it (for a dereferenced directory the walk root is its target)
 * @param active real paths of the directories being walked through links (cycle guard)
 */
function* walkDirectory(
  context: WalkContext,
  dir: string,
  prefix: string,
  rel: string,
  active: Set<string>
): Generator<WalkEntry> {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    throw new PackError(`cannot read directory "${prefix + rel || '.'}": ${errorCode(error)}`);
  }
  for (const name of sortByBytes(names)) {
    const full = path.join(dir, name);
    const subpath = rel + name;
    const archiveName = prefix + subpath;
    let stat: fs.BigIntStats;
    try {
      stat = fs.lstatSync(full, { bigint: true });
    } catch (error) {
      throw new PackError(
        `cannot read "${archiveName}" (${errorCode(error)}): it changed or vanished while packing?`
      );
    }
    if (context.skip && stat.ino === context.skip.ino && stat.dev === context.skip.dev) continue;
    const isDir = stat.isDirectory();
    // Never below `.git`, whatever the rules say (go-slug lets a `!` rule re-include it).
    if (isDir && isDotGit(name)) {
      context.gitGuard?.skippedDirectory(full, prefix, subpath);
      continue;
    }
    // go-slug: an excluded path gets no entry, but an excluded directory is still walked…
    if (context.rules.excludes(subpath).excluded) {
      if (isDir) yield* walkDirectory(context, full, prefix, subpath + '/', active);
      continue;
    }
    if (isDir) {
      // …unless its `dir/` form is excluded by a rule no negation follows.
      const asDir = context.rules.excludes(subpath + '/');
      if (asDir.excluded) {
        if (!asDir.dominating) yield* walkDirectory(context, full, prefix, subpath + '/', active);
        continue;
      }
      yield entryFrom(archiveName + '/', '5', stat, '', full);
      yield* walkDirectory(context, full, prefix, subpath + '/', active);
    } else if (stat.isFile()) {
      yield entryFrom(archiveName, '0', stat, '', full);
    } else if (stat.isSymbolicLink()) {
      yield* walkLink(context, full, archiveName, stat, active);
    }
    // Sockets, FIFOs and devices are skipped silently, as in go-slug.
  }
}

function* walkLink(
  context: WalkContext,
  full: string,
  archiveName: string,
  stat: fs.BigIntStats,
  active: Set<string>
): Generator<WalkEntry> {
  let target: string;
  try {
    target = fs.readlinkSync(full);
  } catch (error) {
    throw new PackError(`cannot read symlink "${archiveName}": ${errorCode(error)}`);
  }
  // Inside the root (even broken or absolute): kept as a link with the raw target.
  if (targetWithinRoot(context.root, lexicalTarget(full, target))) {
    if (path.isAbsolute(target)) {
      // go-slug packs it as is, but its unpacker (the server side) refuses absolute targets.
      context.warn?.(
        `symlink "${archiveName}" has an absolute target (${target}); it is uploaded as is, ` +
          'as the Terraform CLI does, but the server may reject the archive: prefer a relative link'
      );
    }
    // go-slug: filepath.ToSlash, so a Windows runner's `..\x` reads as `../x` everywhere.
    yield entryFrom(archiveName, '2', stat, toArchiveName(target), full);
    return;
  }
  const external = resolveExternal(full, archiveName, target, context.workspaceRoot);
  if (external.stat.isDirectory()) {
    // Its contents would land below `.git/` in the archive.
    if (isDotGit(archiveName.slice(archiveName.lastIndexOf('/') + 1))) {
      context.gitGuard?.skippedLink(archiveName);
      return;
    }
    if (isAncestorOfAny(external.realPath, active)) {
      throw new PackError(
        `symlink "${archiveName}" -> "${target}" makes a cycle (it leads to a directory that contains it)`
      );
    }
    // go-slug writes the target's contents under the link's name, with no entry for the
    // link itself, and matches the rules against paths relative to the target.
    const next = new Set(active).add(external.realPath);
    yield* walkDirectory(context, external.realPath, archiveName + '/', '', next);
  } else if (external.stat.isFile()) {
    yield entryFrom(archiveName, '0', external.stat, '', full);
  } else {
    throw new PackError(
      `symlink "${archiveName}" -> "${target}" leads to something that is neither a file nor a directory`
    );
  }
}

/** `dir` is one of `paths` or contains one. */
function isAncestorOfAny(dir: string, paths: Set<string>): boolean {
  for (const p of paths) if (isInside(dir, p)) return true;
  return false;
}
