/**
 * Writing a download to a file as it arrives: never the whole body in memory, hashed on the
 * way. The client's body reader bounds its size and tells a cut body from a complete one.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { BodySink } from './api.js';

/** What was written: exactly the bytes the server sent. */
export interface SavedFile {
  readonly size: number;
  /** Hex SHA-256 of the bytes. */
  readonly sha256: string;
}

/** The body is larger than the caller allows: repeating it would not help. */
export class DownloadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the download is larger than ${limit} bytes`);
    this.name = 'DownloadTooLargeError';
  }
}

/** Takes a body chunk by chunk into `file` (created or truncated), hashing it. */
export class FileSink implements BodySink<SavedFile> {
  private fd: number | undefined;
  private size = 0;
  private readonly hash = createHash('sha256');

  constructor(file: string) {
    this.fd = fs.openSync(file, 'w');
  }

  write(chunk: Buffer): void {
    if (this.fd === undefined) throw new Error('the download file is closed');
    fs.writeSync(this.fd, chunk);
    this.size += chunk.length;
    this.hash.update(chunk);
  }

  end(): SavedFile {
    this.close();
    return { size: this.size, sha256: this.hash.digest('hex') };
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
