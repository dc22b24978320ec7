/**
 * One HTTP exchange with every wait bounded: `signal` ends it (the step's deadline, the
 * attempt's time limit, job cancellation), so does a socket silent for `idleMs`, and the
 * answer is read by readBody within its limits. Connections are kept alive, through the
 * runner's proxy when one is set: http-client's agents, one client per scheme, because a
 * client caches a single agent whatever the scheme of the next URL.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { HttpClient } from '@actions/http-client';
import { type Body, type BodyLimits, readBody } from './body-reader.js';
import { TransportError } from './errors.js';

export interface Exchange {
  readonly method: string;
  /** http: or https: (the client refuses other schemes before). */
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** A string, or a fresh stream per attempt (the archive, read from disk again). */
  readonly body?: string | (() => Readable);
  readonly signal: AbortSignal;
  readonly idleMs: number;
  /** How to read the answer, once its status is known. */
  readonly limits: (status: number) => BodyLimits;
}

export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Body;
}

export class Transport {
  private readonly clients = new Map<string, HttpClient>();

  constructor(private readonly userAgent: string) {}

  dispose(): void {
    for (const client of this.clients.values()) client.dispose();
    this.clients.clear();
  }

  /**
   * Sends the request and reads the answer. Rejects with a TransportError when no complete
   * answer came (or the signal ended the wait), with BodyTooLargeError past a `fail` cap,
   * or with what a sink threw.
   */
  send(exchange: Exchange): Promise<Answer> {
    const { url, signal } = exchange;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.reject(new TransportError('EPROTO', `unsupported scheme ${url.protocol}`));
    }
    if (signal.aborted) return Promise.reject(interruption(signal));
    return new Promise<Answer>((resolve, reject) => {
      let settled = false;
      let answering = false;
      let interrupted: TransportError | undefined;
      let stream: Readable | undefined;
      const headers: Record<string, string> = { ...exchange.headers, 'User-Agent': this.userAgent };
      if (typeof exchange.body === 'string') {
        headers['Content-Length'] = String(Buffer.byteLength(exchange.body));
      }
      const request = (url.protocol === 'https:' ? https : http).request(url, {
        method: exchange.method,
        headers,
        agent: this.agent(url)
      });
      const finish = (error: Error | undefined, answer?: Answer): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (stream && !stream.readableEnded) stream.destroy();
        if (error) {
          request.destroy();
          reject(error);
        } else {
          resolve(answer!);
        }
      };
      // Destroying the request also ends an answer being read: readBody settles then.
      const stop = (reason: TransportError): void => {
        interrupted ??= reason;
        request.destroy(reason);
      };
      const onAbort = (): void => stop(interruption(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      request.setTimeout(exchange.idleMs, () =>
        stop(new TransportError('ETIMEDOUT', `nothing came for ${exchange.idleMs / 1000} s`))
      );
      request.on('error', error => {
        // Once an answer is being read, readBody reports how it ended.
        if (!answering) finish(interrupted ?? asTransportError(error));
      });
      request.on('response', message => {
        answering = true;
        const status = message.statusCode ?? 0;
        readBody(message, exchange.limits(status)).then(
          body => finish(undefined, { status, headers: message.headers, body }),
          (error: Error) =>
            finish(error instanceof TransportError && interrupted ? interrupted : error)
        );
      });
      const body = exchange.body;
      if (typeof body === 'function') {
        stream = body();
        stream.on('error', error => stop(asTransportError(error)));
        stream.pipe(request);
      } else {
        request.end(body);
      }
    });
  }

  private agent(url: URL): http.Agent {
    let client = this.clients.get(url.protocol);
    if (!client) {
      client = new HttpClient(this.userAgent, [], { keepAlive: true });
      this.clients.set(url.protocol, client);
    }
    return client.getAgent(url.toString());
  }
}

/** What an aborted signal means to the exchange: its reason when a TransportError. */
function interruption(signal: AbortSignal): TransportError {
  const reason: unknown = signal.reason;
  return reason instanceof TransportError
    ? reason
    : new TransportError('EABORTED', 'the request was ended', { cause: reason });
}

function asTransportError(error: Error): TransportError {
  if (error instanceof TransportError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? 'ECONNRESET';
  return new TransportError(code, error.message, { cause: error });
}
