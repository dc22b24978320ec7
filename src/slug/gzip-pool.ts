/**
 * Compresses chunks of the tar stream in worker threads, each chunk into its own gzip
 * member: concatenated members form one valid gzip stream (RFC 1952), so N workers divide
 * the dominant cost. Level 1, as go-slug (since v0.10.1). Each worker writes its members
 * straight into the archive file at offsets the main thread hands out in chunk order, so
 * compressed data never travels back between threads.
 */
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';

// The worker's code travels as a string (`eval: true`) so the action's single-file ncc
// bundle needs no second file. Memory: V8 frees the memory behind dead buffers only at
// a collection, which external memory alone triggers after ~64 MB per thread. zlib's output
// is copied into a reused buffer at once and a cheap young-generation collection (when the
// runtime allows it) frees it right away, keeping every worker's memory flat.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const zlib = require('node:zlib');
let collect = () => {};
try {
  require('node:v8').setFlagsFromString('--expose-gc');
  const gc = require('node:vm').runInNewContext('gc');
  collect = () => gc({ type: 'minor' });
} catch {}
const staged = new Map();
const spare = [];
const PIECE = 16384;
const counts = new Uint32Array(256);
// Level 1 deflate crawls over incompressible bytes (~60 MB/s, for no gain): pieces whose
// byte entropy says "random" (archives, binaries) are stored (level 0, ~1 GB/s) instead.
function incompressible(bytes, start, end) {
  counts.fill(0);
  for (let i = start; i < end; i++) counts[bytes[i]]++;
  const n = end - start;
  let bits = 0;
  for (let i = 0; i < 256; i++) if (counts[i] !== 0) bits -= counts[i] * Math.log2(counts[i] / n);
  return bits / n > 7.5;
}
function compress(bytes, stage) {
  let size = 0;
  let start = 0;
  while (start < bytes.length) {
    const stored = incompressible(bytes, start, Math.min(start + PIECE, bytes.length));
    let end = Math.min(start + PIECE, bytes.length);
    while (end < bytes.length && incompressible(bytes, end, Math.min(end + PIECE, bytes.length)) === stored) {
      end = Math.min(end + PIECE, bytes.length);
    }
    const part = bytes.subarray(start, end);
    const output = zlib.gzipSync(part, { level: stored ? 0 : 1, chunkSize: part.length + (part.length >> 4) + 1024 });
    if (stage.length < size + output.length) {
      const bigger = Buffer.allocUnsafeSlow((size + output.length) * 2);
      stage.copy(bigger, 0, 0, size);
      stage = bigger;
    }
    output.copy(stage, size);
    size += output.length;
    start = end;
  }
  return { stage, size };
}
parentPort.on('message', (message) => {
  if (message.type === 'compress') {
    const { id, input, length } = message;
    let size;
    try {
      // Copied into a reused buffer so zlib's own buffers die young (see above).
      const result = compress(new Uint8Array(input, 0, length), spare.pop() ?? Buffer.allocUnsafeSlow(length + (length >> 4) + 4096));
      size = result.size;
      staged.set(id, result);
    } catch (error) {
      parentPort.postMessage({ type: 'error', id, input, error: String(error) }, [input]);
      return;
    }
    collect();
    parentPort.postMessage({ type: 'compressed', id, input, size }, [input]);
  } else {
    const { id, fd, offset } = message;
    const { stage, size } = staged.get(id);
    staged.delete(id);
    try {
      let written = 0;
      while (written < size) written += fs.writeSync(fd, stage, written, size - written, offset + written);
      spare.push(stage);
      parentPort.postMessage({ type: 'written', id });
    } catch (error) {
      parentPort.postMessage({ type: 'error', id, error: String(error) });
    }
  }
});
`;

type Reply =
  | {
      readonly type: 'compressed';
      readonly id: number;
      readonly input: ArrayBuffer;
      readonly size: number;
    }
  | { readonly type: 'written'; readonly id: number }
  | {
      readonly type: 'error';
      readonly id: number;
      readonly input?: ArrayBuffer;
      readonly error: string;
    };

interface Job {
  readonly worker: number;
  size: number | null;
  resolve(): void;
  reject(error: Error): void;
}

export class GzipPool {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  /** Jobs by id, in dispatch order; a job leaves once its member is placed in the file. */
  private readonly jobs = new Map<number, Job>();
  private readonly spare: ArrayBuffer[] = [];
  private nextId = 0;
  private nextToPlace = 0;
  private failure: Error | null = null;
  private closing = false;
  /** Bytes of archive placed so far (the final size once everything is written). */
  size = 0;

  constructor(
    private readonly threads: number,
    private readonly chunkSize: number,
    private readonly fd: number
  ) {}

  /** Threads start with the first full chunk: a small archive never pays for them. */
  private start(): void {
    for (let i = 0; i < this.threads; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.on('message', (reply: Reply) => this.settle(reply));
      worker.on('error', (error: Error) => this.fail(error));
      worker.on('exit', code => {
        if (!this.closing) this.fail(new Error(`a compression thread stopped (exit code ${code})`));
      });
      this.workers.push(worker);
      this.load.push(0);
    }
  }

  /**
   * Compresses and writes the whole archive on this thread: for an archive that fits in
   * one chunk, starting threads would cost more than compressing.
   */
  compressAll(chunk: Buffer, length: number): void {
    const output = gzipSync(chunk.subarray(0, length), { level: 1 });
    let written = 0;
    while (written < output.length) {
      written += fs.writeSync(this.fd, output, written, output.length - written, written);
    }
    this.size = output.length;
  }

  /** A buffer of chunkSize bytes to fill (recycled from finished jobs when possible). */
  buffer(): Buffer {
    return Buffer.from(this.spare.pop() ?? new ArrayBuffer(this.chunkSize));
  }

  /**
   * Hands the buffer (which must not be used afterwards) to the least busy worker;
   * resolves once its gzip member is written to the file.
   */
  compress(chunk: Buffer, length: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.workers.length === 0) this.start();
    const id = this.nextId++;
    let worker = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i] < this.load[worker]) worker = i;
    this.load[worker]++;
    const input = chunk.buffer as ArrayBuffer;
    return new Promise<void>((resolve, reject) => {
      this.jobs.set(id, { worker, size: null, resolve, reject });
      this.workers[worker].postMessage({ type: 'compress', id, input, length }, [input]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(worker => worker.terminate()));
  }

  private settle(reply: Reply): void {
    const job = this.jobs.get(reply.id);
    if (reply.type !== 'written' && reply.input) this.spare.push(reply.input);
    if (!job) return;
    if (reply.type === 'error') {
      this.fail(new Error(`compressing the archive failed: ${reply.error}`));
    } else if (reply.type === 'compressed') {
      job.size = reply.size;
      this.place();
    } else {
      this.load[job.worker]--;
      this.jobs.delete(reply.id);
      job.resolve();
    }
  }

  /** Gives members their file offsets in chunk order, as soon as their sizes are known. */
  private place(): void {
    for (let job = this.jobs.get(this.nextToPlace); job?.size != null;) {
      this.workers[job.worker].postMessage({
        type: 'write',
        id: this.nextToPlace,
        fd: this.fd,
        offset: this.size
      });
      this.size += job.size;
      job = this.jobs.get(++this.nextToPlace);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const job of this.jobs.values()) job.reject(this.failure);
    this.jobs.clear();
  }
}
