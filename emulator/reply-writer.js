// Writes a Reply to the socket, normally or the way a fault says: cut short,
// trickled, or headers then silence; also holds a stalled request open. Every
// wait is bounded (`limitMs`) and ends at once on `stop()`, so nothing the
// emulator started outlives `close()`.
import { faultMode } from './faults.js';

/**
 * @typedef {import('./http-util.js').Reply} Reply
 * @typedef {import('./faults.js').Fault} Fault
 * @typedef {import('./huge-bodies.js').StreamBody} StreamBody
 * @typedef {import('node:http').ServerResponse} ServerResponse
 */

const DEFAULT_LIMIT_MS = 60_000;

/**
 * @param {Reply['body']} body
 * @returns {body is StreamBody}
 */
function isStream(body) {
  return typeof body === 'object' && body !== null && !Buffer.isBuffer(body);
}

/**
 * The body's length and its chunks.
 * @param {Reply['body']} body
 * @returns {{ length: number, chunks: Iterable<Buffer> }}
 */
function bodyParts(body) {
  if (isStream(body)) return { length: body.length, chunks: body.chunks() };
  const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  return { length: bytes.length, chunks: bytes.length > 0 ? [bytes] : [] };
}

/** @param {ServerResponse} res */
function gone(res) {
  return res.destroyed || res.socket === null || res.socket.destroyed;
}

export class ReplyWriter {
  constructor() {
    /** @type {Set<() => void>} */
    this.waiting = new Set();
    this.stopped = false;
  }

  /**
   * Resolves after `ms` (`time`), when the response closes (`closed`) or on
   * `stop()` (`stopped`), whichever comes first.
   * @param {number} ms
   * @param {ServerResponse} res
   * @returns {Promise<'time' | 'closed' | 'stopped'>}
   */
  wait(ms, res) {
    if (this.stopped) return Promise.resolve('stopped');
    if (gone(res)) return Promise.resolve('closed');
    return new Promise(resolve => {
      const finish = (/** @type {'time' | 'closed' | 'stopped'} */ why) => {
        clearTimeout(timer);
        res.off('close', onClose);
        this.waiting.delete(onStop);
        resolve(why);
      };
      const onClose = () => finish('closed');
      const onStop = () => finish('stopped');
      const timer = setTimeout(() => finish('time'), ms);
      res.on('close', onClose);
      this.waiting.add(onStop);
    });
  }

  /**
   * Resolves when the response can take more data, closes, or on `stop()`.
   * @param {ServerResponse} res
   * @returns {Promise<void>}
   */
  drained(res) {
    if (this.stopped || gone(res)) return Promise.resolve();
    return new Promise(resolve => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        this.waiting.delete(done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
      this.waiting.add(done);
    });
  }

  /** Ends every wait now and refuses new ones (the caller destroys the sockets). */
  stop() {
    this.stopped = true;
    for (const onStop of [...this.waiting]) onStop();
  }

  /**
   * Keeps a request unanswered until the client gives up or the limit passes.
   * @param {ServerResponse} res
   * @param {Fault} fault
   */
  async stall(res, fault) {
    await this.wait(fault.limitMs ?? DEFAULT_LIMIT_MS, res);
    res.destroy();
  }

  /**
   * Sends the reply as the fault (if any) says. Returns false when the answer
   * was not delivered whole.
   * @param {ServerResponse} res
   * @param {Reply} reply
   * @param {Fault | undefined} fault
   */
  async send(res, reply, fault) {
    const mode = fault ? faultMode(fault) : 'reject';
    const special = mode === 'cut' || mode === 'trickle' || mode === 'stall-headers';
    if (!special && !isStream(reply.body)) {
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
      return true;
    }
    const { length, chunks } = bodyParts(reply.body);
    res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(length) });
    const f = /** @type {Fault} */ (fault);
    if (mode === 'stall-headers') {
      res.flushHeaders();
      await this.stall(res, f);
      return false;
    }
    if (mode === 'cut') return this.cut(res, chunks, f.cutAfter ?? Math.floor(length / 2));
    if (mode === 'trickle') return this.trickle(res, chunks, f);
    for (const chunk of chunks) {
      if (this.stopped || gone(res)) return false;
      // Backpressure: a slow reader must not make the emulator buffer the body.
      if (!res.write(chunk)) await this.drained(res);
    }
    res.end();
    return true;
  }

  /**
   * Sends the first `cutAfter` body bytes, then destroys the socket.
   * @param {ServerResponse} res
   * @param {Iterable<Buffer>} chunks
   * @param {number} cutAfter
   */
  async cut(res, chunks, cutAfter) {
    res.flushHeaders();
    let left = cutAfter;
    for (const chunk of chunks) {
      if (left <= 0 || this.stopped || gone(res)) break;
      const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
      left -= part.length;
      // Wait until each part reached the socket, so the client sees it before the cut.
      await new Promise(resolve => res.write(part, () => resolve(undefined)));
    }
    const socket = res.socket;
    // Half-close so the kernel still delivers what was written, then let go.
    if (socket && !socket.destroyed) socket.end(() => socket.destroy());
    else res.destroy();
    return false;
  }

  /**
   * Sends the body `chunkBytes` at a time, `intervalMs` apart, within `limitMs`.
   * @param {ServerResponse} res
   * @param {Iterable<Buffer>} chunks
   * @param {Fault} fault
   */
  async trickle(res, chunks, fault) {
    const step = Math.max(fault.chunkBytes ?? 1, 1);
    const deadline = Date.now() + (fault.limitMs ?? DEFAULT_LIMIT_MS);
    res.flushHeaders();
    for (const chunk of chunks) {
      for (let i = 0; i < chunk.length; i += step) {
        const left = deadline - Date.now();
        if (left <= 0) {
          res.destroy();
          return false;
        }
        res.write(chunk.subarray(i, i + step));
        if ((await this.wait(Math.min(fault.intervalMs ?? 20, left), res)) !== 'time') {
          res.destroy();
          return false;
        }
      }
    }
    res.end();
    return true;
  }
}
