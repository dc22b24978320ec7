/**
 * walk → tar → parallel gzip → temp file. The archive never sits in memory; the caller
 * PUTs the file with its size as Content-Length.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasGitSegment, relativeInside } from '../paths.js';
import { GitGuard } from './git-guard.js';
import { GzipPool } from './gzip-pool.js';
import { parseIgnoreFile, defaultRules } from './ignore-file.js';
import { PackError } from './pack-error.js';
import { Ruleset } from './ruleset.js';
import { encodeHeader } from './tar-header.js';
import { TarGzWriter } from './tar-gz-writer.js';
import { walkTree, type WalkEntry } from './walk.js';

export interface PackTuning {
  /** Bytes of tar per gzip member. */
  readonly chunkSize?: number;
  /** Compression threads (default: one core fewer than os.availableParallelism(), min 1). */
  readonly workers?: number;
  /** Match rules against NFC-normalised paths, as go-slug v0.18.3 (default off: v0.16.x). */
  readonly normalizeNfc?: boolean;
  /** Called after an entry's header, before its body (tests use it to change files). */
  readonly beforeBody?: (entry: WalkEntry) => void;
}

export interface PackFileResult {
  readonly path: string;
  readonly size: number;
  readonly entries: number;
}

const DEFAULT_CHUNK = 1024 * 1024;

function loadRules(
  root: string,
  workspace: string,
  warn: (message: string) => void,
  nfc: boolean
): Ruleset {
  const file = path.join(root, '.terraformignore');
  let text: string;
  try {
    // v0.16.x reads the file through a symlink; one leading out of the workspace or into
    // `.git` is not read (v0.17+ reads no link out of the directory), so that a runner's
    // file or the checkout's token can neither steer the rules nor reach the log.
    const real = fs.realpathSync(file);
    const rel = relativeInside(workspace, real);
    if (rel === null || hasGitSegment(rel)) {
      warn(
        `.terraformignore links ${rel === null ? 'outside GITHUB_WORKSPACE' : 'into a .git directory'}: ` +
          'not read, the default rules apply'
      );
      return new Ruleset(defaultRules(), warn, nfc);
    }
    text = fs.readFileSync(real, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // go-slug: a missing file means the defaults; an unreadable one, a message and the defaults.
    if (code !== 'ENOENT') {
      warn(`.terraformignore cannot be read (${code}); using the default rules`);
    }
    return new Ruleset(defaultRules(), warn, nfc);
  }
  return new Ruleset(parseIgnoreFile(text, warn), warn, nfc);
}

const errorCode = (error: unknown): string =>
  (error as NodeJS.ErrnoException).code ?? String(error);

/** Copies one regular file's body, failing if it changes underneath. */
async function writeBody(writer: TarGzWriter, entry: WalkEntry): Promise<void> {
  let fd: number;
  try {
    fd = fs.openSync(entry.source, 'r');
  } catch (error) {
    throw new PackError(
      `cannot open "${entry.name}" (${errorCode(error)}): it vanished or is unreadable`
    );
  }
  try {
    const complete = await writer.writeFile(fd, entry.size);
    const after = fs.fstatSync(fd, { bigint: true });
    if (!complete || after.size !== BigInt(entry.size) || after.mtimeNs !== entry.mtimeNs) {
      throw new PackError(`"${entry.name}" changed while it was being packed; try again`);
    }
  } catch (error) {
    // Only file-system errors are about this file; others (a compression thread) pass on.
    if (error instanceof PackError || !(error as NodeJS.ErrnoException).code) throw error;
    throw new PackError(`cannot read "${entry.name}": ${errorCode(error)}`);
  } finally {
    fs.closeSync(fd);
  }
}

function realDirectory(directory: string, workspace: string): string {
  let root: string;
  try {
    root = fs.realpathSync(directory);
  } catch (error) {
    throw new PackError(`cannot pack ${directory}: ${errorCode(error)}`);
  }
  if (!fs.statSync(root).isDirectory()) throw new PackError(`${directory} is not a directory`);
  const rel = relativeInside(workspace, root);
  if (rel !== null && hasGitSegment(rel)) {
    throw new PackError(`${directory} lies inside a .git directory, which is never uploaded`);
  }
  return root;
}

export async function packToFile(
  directory: string,
  workspaceRoot: string,
  tempDir: string,
  warn: (message: string) => void,
  tuning: PackTuning = {}
): Promise<PackFileResult> {
  const workspace = fs.realpathSync(workspaceRoot);
  const root = realDirectory(directory, workspace);
  const rules = loadRules(root, workspace, warn, tuning.normalizeNfc ?? false);
  const chunkSize = tuning.chunkSize ?? DEFAULT_CHUNK;
  // The main thread keeps a core busy too (walking, reading, tar headers: a third of the
  // CPU time): a thread per core would only share the cores, for ~15 MB each on Node 24.
  const workers = Math.max(1, tuning.workers ?? os.availableParallelism() - 1);
  const file = path.join(tempDir, `tfe-slug-${randomBytes(8).toString('hex')}.tar.gz`);
  const fd = fs.openSync(file, 'wx', 0o600);
  // If the temp dir lies inside the packed tree, the archive must not pack itself.
  const self = fs.fstatSync(fd, { bigint: true });
  const pool = new GzipPool(workers, chunkSize, fd);
  const writer = new TarGzWriter(pool, chunkSize, workers * 2);
  let entries = 0;
  try {
    const gitGuard = new GitGuard(rules, warn);
    const walk = walkTree({ root, workspaceRoot: workspace, rules, warn, skip: self, gitGuard });
    for (const entry of walk) {
      writer.write(encodeHeader(entry));
      if (entry.type === '0') {
        tuning.beforeBody?.(entry);
        await writeBody(writer, entry);
      }
      entries++;
      if (writer.full) await writer.drain();
    }
    await writer.finish();
    await pool.close();
    fs.closeSync(fd);
    return { path: file, size: pool.size, entries };
  } catch (error) {
    await writer.abandon();
    // Workers must be gone before the descriptor closes: a late write could otherwise
    // land in whatever file reuses its number.
    await pool.close();
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw error;
  }
}
