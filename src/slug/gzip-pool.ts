/**
 * Compresses chunks of the tar stream in worker threads, each chunk into its own gzip
 * member: concatenated members form one valid gzip stream (RFC 1952), so N workers divide
 * the dominant cost. Level 1, as go-slug (since v0.10.1). Each worker writes its members
 * straight into the archive file at offsets the main thread hands out in chunk order, so
 * compressed data never travels back between threads. What a thread runs, and why it does
 * not call zlib.gzipSync: gzip-worker-source.ts.
 */
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { WORKER_SOURCE } from './gzip-worker-source.js';

type Reply =
  | {
      readonly type: 'compressed';
      readonly id: number;
      readonly input: ArrayBuffer;
      readonly size: number;
      /** False when the thread fell back to one zlib engine per run. */
      readonly direct: boolean;
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
  /** Chunks compressed by the fallback (one zlib engine per run; see gzip-worker-source). */
  fallbackChunks = 0;

  constructor(
    private readonly threads: number,
    private readonly chunkSize: number,
    private readonly fd: number,
    /** Forces the fallback, so tests cover it on runtimes that do not need it. */
    private readonly portable = false
  ) {}

  /** Threads start with the first full chunk: a small archive never pays for them. */
  private start(): void {
    for (let i = 0; i < this.threads; i++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { portable: this.portable }
      });
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
      if (!reply.direct) this.fallbackChunks++;
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
