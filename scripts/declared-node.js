#!/usr/bin/env node
// The Node runtime the action declares (action.yml `runs.using: nodeNN`), for the tests and
// the bench: prints the path of its binary, installing it once from the npm package
// `node-<platform>-<arch>@NN` (a plain binary, no install script) into a git-ignored cache.
// A runtime bump in action.yml is then the only change needed here.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Inside node_modules: ignored by git and every tool, and dropped by `npm ci` like the rest.
const cache = path.join(root, 'node_modules', '.cache', 'node-runtimes');

/** The major version in action.yml's `runs.using` (`node24` → 24). */
export function declaredMajor(actionYml = path.join(root, 'action.yml')) {
  const using = parse(fs.readFileSync(actionYml, 'utf8'))?.runs?.using;
  const match = /^node(\d+)$/.exec(String(using));
  if (!match) throw new Error(`action.yml: runs.using is "${using}", expected nodeNN`);
  return Number(match[1]);
}

/** The major version of the Node binary at `binary`, or null if it does not run. */
function majorOf(binary) {
  try {
    const version = execFileSync(binary, ['-p', 'process.versions.node'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'ignore']
    });
    return Number(version.trim().split('.')[0]);
  } catch {
    return null;
  }
}

/**
 * The path of a Node binary of the declared major version: this process's own when it is
 * one, else the cached one, installed first when missing (about 50 MB, a few seconds).
 */
export function declaredNode() {
  const major = declaredMajor();
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = path.join(cache, `node${major}`);
  const binary = path.join(dir, 'node_modules', pkg, 'bin', 'node');
  if (majorOf(binary) === major) return binary;

  // Installed beside the cache, then renamed into place: test files that start at the same
  // time on a fresh clone must not see (or remove) each other's half-written install.
  fs.mkdirSync(cache, { recursive: true });
  const temp = fs.mkdtempSync(path.join(cache, `.node${major}-`));
  try {
    execFileSync(
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', temp, `${pkg}@${major}`],
      { cwd: temp, stdio: ['ignore', process.stderr, process.stderr] }
    );
    const installed = path.join(temp, 'node_modules', pkg, 'bin', 'node');
    if (majorOf(installed) !== major) {
      throw new Error(`${pkg}@${major} did not install a working Node ${major} binary`);
    }
    // Another process may have finished first; else whatever is there is a broken leftover.
    if (majorOf(binary) === major) return binary;
    fs.rmSync(dir, { recursive: true, force: true });
    try {
      fs.renameSync(temp, dir);
    } catch (error) {
      // Another process renamed its copy first: use that one.
      if (majorOf(binary) !== major) throw error;
    }
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
  return binary;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${declaredNode()}\n`);
}
