/**
 * Packs a configuration directory into a `.tar.gz` the way go-slug does, streamed to a
 * temporary file so the archive is never held in memory and can be re-sent on retry.
 */

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

/** Packing failed (escaping symlink, unreadable file, file changed while packing…). */
export class PackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackError';
  }
}

export function packDirectory(options: PackOptions): Promise<PackResult> {
  return Promise.reject(new PackError(`packing ${options.directory} is not implemented yet`));
}
