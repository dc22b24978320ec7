/**
 * Writing a download to a file as it arrives: never the whole body in memory, bounded in
 * size, hashed on the way, and a cut body told apart from a complete one.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What was written: exactly the bytes the server sent. */
export interface SavedFile {
  readonly size: number;
  /** Hex SHA-256 of the bytes. */
  readonly sha256: string;
}

/** The body ended before its announced length: repeating the download may cure it. */
export class CutDownloadError extends Error {
  constructor(received: number, expected: number | undefined) {
    super(
      expected === undefined
        ? `the download ended early, after ${received} bytes`
        : `the download ended after ${received} of ${expected} bytes`
    );
    this.name = 'CutDownloadError';
  }
}

/** The body is larger than the caller allows: repeating it would not help. */
export class DownloadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the download is larger than ${limit} bytes`);
    this.name = 'DownloadTooLargeError';
  }
}

/** Counts and hashes the bytes passing through, and stops past `limit`. */
class Meter extends Transform {
  size = 0;
  private readonly hash = createHash('sha256');

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: string, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.limit) {
      done(new DownloadTooLargeError(this.limit));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * Streams `body` into `file` (created or truncated). A server's `Content-Length` larger than
 * `limit` is refused before a byte is written; one that the body does not reach is a cut.
 */
export async function saveBody(
  body: IncomingMessage,
  file: string,
  limit: number
): Promise<SavedFile> {
  const announced = Number(body.headers['content-length']);
  const expected = Number.isSafeInteger(announced) && announced >= 0 ? announced : undefined;
  if (expected !== undefined && expected > limit) {
    body.destroy();
    throw new DownloadTooLargeError(limit);
  }
  const meter = new Meter(limit);
  await pipeline(body, meter, fs.createWriteStream(file));
  // A connection closed early ends the stream without an error on some Node versions.
  if (!body.complete || (expected !== undefined && meter.size !== expected)) {
    throw new CutDownloadError(meter.size, expected);
  }
  return { size: meter.size, sha256: meter.digest() };
}
