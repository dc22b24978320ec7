/**
 * Packs a configuration directory into a `.tar.gz` the way go-slug does, streamed to a
 * temporary file so the archive is never held in memory and can be re-sent on retry.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { PackError } from './pack-error.js';
import { packToFile } from './pack.js';

export { PackError };

export interface PackOptions {
  /** Absolute path of the directory whose contents become the archive root. */
  readonly directory: string;
  /**
   * Absolute path of GITHUB_WORKSPACE: symlinks leaving `directory` are dereferenced
   * only when their target stays inside this root and outside any `.git` directory.
   */
  readonly workspaceRoot: string;
  /** Where the temporary archive goes (default: RUNNER_TEMP, else os.tmpdir()). */
  readonly tempDir?: string;
  /**
   * Receives non-fatal problems: `.terraformignore` lines skipped (go-slug would crash on
   * them), patterns that are invalid and never match, an unreadable or unsafe ignore file,
   * `.git` contents that rules would have included (never packed). Messages name paths
   * and rules of the pull request: log them as untrusted text.
   */
  readonly onWarning?: (message: string) => void;
}

export interface PackResult {
  /** Absolute path of the `.tar.gz` file. */
  readonly path: string;
  /** Size of the archive in bytes (for Content-Length). */
  readonly size: number;
  /** Number of entries written (files, directories and symlinks). */
  readonly entries: number;
  /** Deletes the temporary archive (safe to call twice). */
  remove(): Promise<void>;
}

export async function packDirectory(options: PackOptions): Promise<PackResult> {
  const tempDir = options.tempDir ?? process.env.RUNNER_TEMP ?? os.tmpdir();
  const result = await packToFile(
    options.directory,
    options.workspaceRoot,
    tempDir,
    options.onWarning ?? (() => undefined)
  );
  return {
    ...result,
    remove: () => fs.promises.rm(result.path, { force: true })
  };
}
