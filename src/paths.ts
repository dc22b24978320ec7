/**
 * Path questions asked of untrusted paths, answered the way the runner's platform answers
 * them. Each helper takes the path implementation (`path.win32`, `path.posix`) so the
 * Windows and macOS logic is tested on any host; the default is the host's own.
 */
import * as nodePath from 'node:path';

export type PathApi = nodePath.PlatformPath;

/**
 * `candidate` relative to `root` (`''` for the root itself), or null when it lies
 * outside. Both must be absolute. win32: case-insensitive, `/` or `\`, another drive or
 * UNC share is outside (`relative` then answers with an absolute path).
 */
export function relativeInside(
  root: string,
  candidate: string,
  p: PathApi = nodePath
): string | null {
  const rel = p.relative(root, candidate);
  // `relative` normalises, so `..` can only lead; `..foo` is a name inside.
  if (rel === '..' || rel.startsWith('..' + p.sep) || p.isAbsolute(rel)) return null;
  return rel;
}

export function isInside(root: string, candidate: string, p: PathApi = nodePath): boolean {
  return relativeInside(root, candidate, p) !== null;
}

/**
 * Whether one path segment names a `.git` directory on some runner. Git itself refuses
 * every case variant in a tree (macOS and Windows file systems fold case); Windows also
 * opens `.git` for `.git.`, `.git ` (trailing dots and spaces dropped), `.git::$DATA`
 * style stream names and the 8.3 short name `GIT~1`.
 */
export function isDotGit(segment: string, p: PathApi = nodePath): boolean {
  let name = segment.toLowerCase();
  if (p.sep === '\\') {
    const stream = name.indexOf(':');
    if (stream >= 0) name = name.slice(0, stream);
    name = name.replace(/[. ]+$/, '');
    return name === '.git' || name === 'git~1';
  }
  return name === '.git';
}

/** Whether a relative path has a `.git` segment anywhere (win32: `\` or `/` separated). */
export function hasGitSegment(relative: string, p: PathApi = nodePath): boolean {
  const segments = p.sep === '\\' ? relative.split(/[\\/]/) : relative.split('/');
  return segments.some(segment => isDotGit(segment, p));
}

/**
 * A relative path as a tar entry name or link target: `/` separators on every platform
 * (Go's filepath.ToSlash). On POSIX a `\` is an ordinary file-name character and stays.
 */
export function toArchiveName(relative: string, p: PathApi = nodePath): string {
  return p.sep === '\\' ? relative.replaceAll('\\', '/') : relative;
}
