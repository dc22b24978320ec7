/**
 * Builds the tar stream in fixed-size chunks (headers and file bodies read straight into
 * the chunk) and hands full chunks to the gzip pool. Memory stays bounded: at most
 * `maxInFlight` chunks are being compressed or written at any time.
 */
import * as fs from 'node:fs';
import { type GzipPool } from './gzip-pool.js';
import { BLOCK } from './tar-header.js';

export class TarGzWriter {
  private chunk: Buffer;
  private used = 0;
  private dispatched = false;
  private readonly queue: Promise<void>[] = [];

  constructor(
    private readonly pool: GzipPool,
    private readonly chunkSize: number,
    private readonly maxInFlight: number
  ) {
    this.chunk = pool.buffer();
  }

  /** True when the caller should `await drain()` before adding more. */
  get full(): boolean {
    return this.queue.length >= this.maxInFlight;
  }

  /** Appends bytes (headers, padding). */
  write(data: Buffer): void {
    let offset = 0;
    while (offset < data.length) {
      const n = Math.min(data.length - offset, this.chunkSize - this.used);
      data.copy(this.chunk, this.used, offset, offset + n);
      this.used += n;
      offset += n;
      if (this.used === this.chunkSize) this.dispatch();
    }
  }

  /**
   * Appends `size` bytes read from `fd`, then the padding to a 512-byte block. Returns
   * false when the file ends early (it shrank while being packed).
   */
  async writeFile(fd: number, size: number): Promise<boolean> {
    let position = 0;
    while (position < size) {
      const want = Math.min(size - position, this.chunkSize - this.used);
      const got = fs.readSync(fd, this.chunk, this.used, want, position);
      if (got === 0) return false;
      this.used += got;
      position += got;
      if (this.used === this.chunkSize) {
        this.dispatch();
        if (this.full) await this.drain();
      }
    }
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (pad > 0) this.write(Buffer.alloc(pad));
    return true;
  }

  /** Waits until fewer than maxInFlight chunks are pending (all of them with `all`). */
  async drain(all = false): Promise<void> {
    while (this.queue.length > 0 && (all || this.queue.length >= this.maxInFlight)) {
      await this.queue[0];
      void this.queue.shift();
    }
  }

  /** Ends the tar stream (two zero blocks, no padding to a record, as Go) and flushes. */
  async finish(): Promise<void> {
    this.write(Buffer.alloc(2 * BLOCK));
    if (!this.dispatched) {
      this.pool.compressAll(this.chunk, this.used);
      return;
    }
    if (this.used > 0) this.dispatch();
    await this.drain(true);
  }

  /** Waits for pending work so nothing is left running after a failure. */
  async abandon(): Promise<void> {
    await Promise.allSettled(this.queue);
    this.queue.length = 0;
  }

  private dispatch(): void {
    this.dispatched = true;
    const pending = this.pool.compress(this.chunk, this.used);
    // Rejections are observed by drain(); this keeps them from being reported as unhandled.
    pending.catch(() => undefined);
    this.queue.push(pending);
    this.chunk = this.pool.buffer();
    this.used = 0;
  }
}
