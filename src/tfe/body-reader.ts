/**
 * Reads one HTTP answer's body within a byte cap, in time linear in its size (chunks are
 * listed and joined once, or handed to a streaming parser), and settles on every way a
 * body can end: complete, over the cap, cut off, destroyed. A read that never settled once
 * left the step's last promise pending, and Node exited with code 13 and no report.
 */
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, TransportError } from './errors.js';

export interface BodyLimits {
  /** What is read, for the error message (`GET /runs/run-1`). */
  readonly what: string;
  readonly maxBytes: number;
  /** Past `maxBytes`: `fail` rejects with BodyTooLargeError, `cut` keeps the first bytes. */
  readonly overflow: 'fail' | 'cut';
  /** Takes each chunk instead of collecting them (a streaming parser); may throw to stop. */
  readonly sink?: (chunk: Buffer) => void;
}

export interface Body {
  /** The bytes read; empty when a sink took them. */
  readonly bytes: Buffer;
  readonly length: number;
  /** False when the body was cut at `maxBytes` (`overflow: cut`). */
  readonly complete: boolean;
}

const EMPTY = Buffer.alloc(0);

export function readBody(message: IncomingMessage, limits: BodyLimits): Promise<Body> {
  return new Promise<Body>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let settled = false;

    const done = (complete: boolean): void => {
      if (settled) return;
      settled = true;
      if (!complete) message.destroy();
      resolve({ bytes: limits.sink ? EMPTY : Buffer.concat(chunks, length), length, complete });
    };
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      message.destroy();
      reject(error);
    };
    // A body that breaks off is a failed request: sent again where that is safe.
    const brokeOff = (cause?: NodeJS.ErrnoException): void => {
      const code = cause?.code ?? 'ECONNRESET';
      fail(new TransportError(code, `the answer broke off after ${length} bytes`, { cause }));
    };
    const take = (chunk: Buffer): void => {
      length += chunk.length;
      if (limits.sink) limits.sink(chunk);
      else chunks.push(chunk);
    };

    // A declared length over the cap is refused before a byte is read.
    const declared = Number(message.headers['content-length']);
    if (limits.overflow === 'fail' && declared > limits.maxBytes) {
      fail(new BodyTooLargeError(limits.what, limits.maxBytes));
      return;
    }
    message.on('data', (chunk: Buffer) => {
      if (settled) return;
      const room = limits.maxBytes - length;
      try {
        if (chunk.length <= room) {
          take(chunk);
        } else if (limits.overflow === 'fail') {
          fail(new BodyTooLargeError(limits.what, limits.maxBytes));
        } else {
          take(chunk.subarray(0, room));
          done(false);
        }
      } catch (error) {
        // The sink refused the body (e.g. it is not JSON): sending again would not help.
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
    message.on('end', () => done(true));
    message.on('error', error => brokeOff(error));
    message.on('close', () => (message.complete ? done(true) : brokeOff()));
  });
}
