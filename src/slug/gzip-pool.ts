/**
 * Compresses chunks of the tar stream in worker threads, each chunk into its own gzip
 * member: concatenated members form one valid gzip stream (RFC 1952), and N workers
 * divide the dominant cost. Level 1, as go-slug (since v0.10.1).
 */
import { Worker } from 'node:worker_threads';

// The worker's code travels as a string (`eval: true`) so the action's single-file
// ncc bundle needs no second file. It sends the input buffer back for reuse.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
parentPort.on('message', ({ id, input, length }) => {
  let output;
  try {
    output = zlib.gzipSync(new Uint8Array(input, 0, length), { level: 1, memLevel: 9 });
  } catch (error) {
    parentPort.postMessage({ id, input, error: String(error) }, [input]);
    return;
  }
  const own = output.byteOffset === 0 && output.byteLength === output.buffer.byteLength;
  const data = own ? output.buffer : output.buffer.slice(output.byteOffset, output.byteOffset + output.byteLength);
  parentPort.postMessage({ id, input, data }, [input, data]);
});
`;

interface Reply {
  readonly id: number;
  readonly input: ArrayBuffer;
  readonly data?: ArrayBuffer;
  readonly error?: string;
}

interface Job {
  resolve(data: Buffer): void;
  reject(error: Error): void;
}

export class GzipPool {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly jobs = new Map<number, Job>();
  private readonly spare: ArrayBuffer[] = [];
  private nextId = 0;
  private failure: Error | null = null;

  constructor(
    size: number,
    private readonly chunkSize: number
  ) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.on('message', (reply: Reply) => this.settle(i, reply));
      worker.on('error', error => this.fail(error));
      this.workers.push(worker);
      this.load.push(0);
    }
  }

  /** A buffer of chunkSize bytes to fill (recycled from finished jobs when possible). */
  buffer(): Buffer {
    return Buffer.from(this.spare.pop() ?? new ArrayBuffer(this.chunkSize));
  }

  /** Hands the buffer to the least busy worker; the buffer must not be used afterwards. */
  compress(chunk: Buffer, length: number): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    let index = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i] < this.load[index]) index = i;
    this.load[index]++;
    const input = chunk.buffer as ArrayBuffer;
    return new Promise<Buffer>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      this.workers[index].postMessage({ id, input, length }, [input]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(worker => worker.terminate()));
  }

  private settle(worker: number, reply: Reply): void {
    this.load[worker]--;
    this.spare.push(reply.input);
    const job = this.jobs.get(reply.id);
    this.jobs.delete(reply.id);
    if (!job) return;
    if (reply.data) job.resolve(Buffer.from(reply.data));
    else job.reject(new Error(`compression failed: ${reply.error ?? 'unknown error'}`));
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const job of this.jobs.values()) job.reject(error);
    this.jobs.clear();
  }
}
