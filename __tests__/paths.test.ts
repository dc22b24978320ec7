/**
 * src/paths.ts on every runner's path rules: path.win32 for Windows, path.posix for Linux
 * and macOS, whatever the host running the tests.
 */
import * as path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { hasGitSegment, isDotGit, isInside, relativeInside, toArchiveName } from '../src/paths.js';

describe('relativeInside / isInside, Windows rules (path.win32)', () => {
  it.each([
    ['C:\\work\\repo', 'C:\\work\\repo\\infra', 'infra'],
    ['C:\\work\\repo', 'c:\\WORK\\repo\\infra', 'infra'],
    ['c:\\WORK\\Repo', 'C:\\work\\repo\\Infra\\main.tf', 'Infra\\main.tf'],
    ['C:\\work\\repo', 'C:/work/repo/a/b', 'a\\b'],
    ['C:\\work\\repo\\', 'C:\\work\\repo', ''],
    ['C:\\work\\repo', 'C:\\work\\repo\\..foo', '..foo'],
    ['C:\\work\\repo', 'C:\\work\\repo\\..foo\\x', '..foo\\x'],
    ['C:\\work\\repo', 'C:\\work\\repo\\a\\..\\b', 'b'],
    ['C:\\', 'C:\\x', 'x'],
    ['\\\\server\\share\\repo', '\\\\SERVER\\Share\\repo\\a', 'a'],
    ['\\\\server\\share', '\\\\server\\share\\x\\y', 'x\\y']
  ])('%j contains %j as %j', (root, candidate, rel) => {
    expect(relativeInside(root, candidate, path.win32)).toBe(rel);
    expect(isInside(root, candidate, path.win32)).toBe(true);
  });

  it.each([
    ['another drive', 'C:\\work\\repo', 'D:\\work\\repo\\infra'],
    ['another drive, same rest', 'C:\\work\\repo', 'd:\\work\\repo'],
    ['a sibling sharing the prefix', 'C:\\work\\repo', 'C:\\work\\repo2\\x'],
    ['the parent', 'C:\\work\\repo', 'C:\\work'],
    ['a climb', 'C:\\work\\repo', 'C:\\work\\repo\\..\\..\\Windows'],
    ['another UNC share', '\\\\server\\share\\repo', '\\\\server\\other\\repo\\a'],
    ['another UNC server', '\\\\server\\share\\repo', '\\\\server2\\share\\repo\\a'],
    ['UNC from a drive', 'C:\\work\\repo', '\\\\server\\share\\work\\repo'],
    ['a drive from UNC', '\\\\server\\share\\repo', 'C:\\repo']
  ])('%s is outside: %j vs %j', (_title, root, candidate) => {
    expect(relativeInside(root, candidate, path.win32)).toBeNull();
    expect(isInside(root, candidate, path.win32)).toBe(false);
  });
});

describe('relativeInside / isInside, Linux and macOS rules (path.posix)', () => {
  it.each([
    ['/home/runner/work/repo', '/home/runner/work/repo/infra', 'infra'],
    ['/home/runner/work/repo/', '/home/runner/work/repo', ''],
    ['/w/repo', '/w/repo/..foo', '..foo'],
    ['/w/repo', '/w/repo/...', '...'],
    ['/w/repo', '/w/repo/a/../b', 'b'],
    ['/w/repo', '/w/repo/a\\..\\..\\x', 'a\\..\\..\\x'],
    ['/', '/etc', 'etc']
  ])('%j contains %j as %j', (root, candidate, rel) => {
    expect(relativeInside(root, candidate, path.posix)).toBe(rel);
  });

  it.each([
    ['/w/repo', '/w/repo2/x'],
    ['/w/repo', '/w'],
    ['/w/repo', '/w/repo/../../etc'],
    // Case matters on Linux; on macOS' case-insensitive volumes real paths come from
    // realpath, which spells existing names as stored.
    ['/w/repo', '/w/Repo/x']
  ])('%j does not contain %j', (root, candidate) => {
    expect(relativeInside(root, candidate, path.posix)).toBeNull();
  });
});

describe('isDotGit / hasGitSegment', () => {
  it.each([
    ['.git', true, true],
    ['.GIT', true, true],
    ['.Git', true, true],
    ['.git.', false, true],
    ['.git. . ', false, true],
    ['.git::$INDEX_ALLOCATION', false, true],
    ['GIT~1', false, true],
    ['.git-keep', false, false],
    ['.github', false, false],
    ['.gitignore', false, false],
    ['git', false, false],
    ['a.git', false, false],
    ['..git', false, false],
    ['', false, false]
  ])('%j: posix %s, win32 %s', (segment, posix, win32) => {
    expect(isDotGit(segment, path.posix)).toBe(posix);
    expect(isDotGit(segment, path.win32)).toBe(win32);
  });

  it.each([
    ['.git', 'posix', true],
    ['infra/.git/hooks', 'posix', true],
    ['a/b/.GIT', 'posix', true],
    ['infra\\.git\\hooks', 'posix', false],
    ['infra/.github/x', 'posix', false],
    ['infra\\.git\\hooks', 'win32', true],
    ['infra/.git/hooks', 'win32', true],
    ['infra\\.git.\\hooks', 'win32', true],
    ['infra\\.gitx\\hooks', 'win32', false],
    ['', 'win32', false]
  ] as const)('%j on %s has a .git segment: %s', (rel, platform, expected) => {
    expect(hasGitSegment(rel, path[platform])).toBe(expected);
  });
});

describe('toArchiveName', () => {
  it.each([
    ['infra\\modules\\vpc', 'win32', 'infra/modules/vpc'],
    ['..\\shared\\x.tf', 'win32', '../shared/x.tf'],
    ['a/b', 'win32', 'a/b'],
    ['a/b', 'posix', 'a/b'],
    // On POSIX `\` is a character of the name, not a separator.
    ['weird\\name.tf', 'posix', 'weird\\name.tf']
  ] as const)('%j on %s → %j', (rel, platform, name) => {
    expect(toArchiveName(rel, path[platform])).toBe(name);
  });

  it('defaults to the host platform', () => {
    expect(toArchiveName(path.join('a', 'b'))).toBe('a/b');
    expect(isInside(path.resolve('x'), path.resolve('x', 'y'))).toBe(true);
  });
});
