// A plain node:http client for the wire-level fault tests: it reports what
// actually arrived (status, headers, how many body bytes, whether the body
// ended cleanly) instead of throwing like fetch does.
import http, { type IncomingHttpHeaders } from 'node:http';

export interface RawAnswer {
  /** null when no response head arrived. */
  status: number | null;
  headers: IncomingHttpHeaders;
  /** The body, or its first `keep` bytes. */
  body: Buffer;
  /** Body bytes received in all. */
  received: number;
  /** The body ended as announced. */
  complete: boolean;
  /** Body chunks in arrival order (sizes), to see trickling. */
  chunks: number[];
  /** The client gave up after `timeoutMs`. */
  timedOut: boolean;
  error: string | undefined;
}

export interface RawOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Give up (destroy the request) after this long. */
  timeoutMs?: number;
  /** Keep only this many body bytes (count the rest). */
  keep?: number;
}

export function rawRequest(url: string, options: RawOptions = {}): Promise<RawAnswer> {
  return new Promise(resolve => {
    const answer: RawAnswer = {
      status: null,
      headers: {},
      body: Buffer.alloc(0),
      received: 0,
      complete: false,
      chunks: [],
      timedOut: false,
      error: undefined
    };
    const kept: Buffer[] = [];
    let keptBytes = 0;
    const keep = options.keep ?? Infinity;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      answer.body = Buffer.concat(kept);
      resolve(answer);
    };
    const req = http.request(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      agent: false
    });
    const timer = setTimeout(() => {
      answer.timedOut = true;
      req.destroy(new Error('client gave up'));
    }, options.timeoutMs ?? 10_000);
    req.on('response', res => {
      answer.status = res.statusCode ?? null;
      answer.headers = res.headers;
      res.on('data', (chunk: Buffer) => {
        answer.received += chunk.length;
        answer.chunks.push(chunk.length);
        if (keptBytes < keep) {
          const part = chunk.subarray(0, Math.min(chunk.length, keep - keptBytes));
          kept.push(part);
          keptBytes += part.length;
        }
      });
      res.on('end', () => {
        answer.complete = true;
        finish();
      });
      res.on('error', err => {
        answer.error ??= err.message;
      });
      res.on('close', finish);
    });
    req.on('error', err => {
      answer.error ??= err.message;
      finish();
    });
    req.on('close', () => {
      // With no response at all, the request's close is the end.
      if (answer.status === null) finish();
    });
    req.end(options.body);
  });
}
