/** Errors the TFE client throws: one type for answers, one for requests that got none. */

interface ErrorObject {
  status?: string | number;
  title?: string;
  detail?: string;
}

/** Reads a JSON:API error document in both shapes servers use (objects, or plain strings). */
export function errorMessages(body: unknown): string[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  const messages: string[] = [];
  for (const item of errors as unknown[]) {
    if (typeof item === 'string') {
      messages.push(item);
    } else if (item && typeof item === 'object') {
      const { title, detail } = item as ErrorObject;
      const text = [title, detail].filter(part => typeof part === 'string' && part).join(': ');
      if (text) messages.push(text);
    }
  }
  return messages;
}

/** The API answered with an error status. */
export class TfeApiError extends Error {
  constructor(
    readonly method: string,
    /** Path below the API base, without the query (never contains a secret). */
    readonly path: string,
    readonly status: number,
    readonly messages: readonly string[],
    readonly requestId?: string,
    /** The wait the server asked for (Retry-After, X-RateLimit-Reset), in milliseconds. */
    readonly retryDelayMs?: number
  ) {
    super(TfeApiError.describe(method, path, status, messages));
    this.name = 'TfeApiError';
  }

  private static describe(
    method: string,
    path: string,
    status: number,
    messages: readonly string[]
  ): string {
    const said = messages.length ? `: ${messages.join('; ')}` : '';
    const request = `${method} ${path}`;
    switch (status) {
      case 401:
        return `${request} was refused (401 unauthorized): the token is missing, invalid or expired${said}.`;
      case 404:
        // TFC and TFE answer 404 both for "does not exist" and for "you may not see it".
        return `${request} answered 404: not found, or the token has no access to it${said}.`;
      case 403:
        return `${request} was forbidden (403): the token lacks the permission for this${said}.`;
      default:
        if (status >= 300 && status < 400) {
          // Never followed: a redirect with a body is not the document asked for.
          return `${request} answered a redirect (HTTP ${status}) where the API answers itself; not followed${said || '.'}`;
        }
        return `${request} failed with HTTP ${status}${said || '.'}`;
    }
  }
}

/** No answer came: connection refused or reset, timeout, DNS failure… */
export class TfeNetworkError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly code: string | undefined,
    cause: unknown
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${method} ${path} got no answer (${code ?? 'network error'}): ${reason}`, { cause });
    this.name = 'TfeNetworkError';
  }

  /** True when the request certainly never reached the server, so repeating it is safe. */
  get notSent(): boolean {
    return ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'].includes(
      this.code ?? ''
    );
  }
}

/** An answer longer than the action reads for its kind (docs/contract.md, "Untrusted input"). */
export class BodyTooLargeError extends Error {
  constructor(
    /** What was being read, e.g. `GET /runs/run-1` or `the plan's JSON output`. */
    readonly what: string,
    readonly limitBytes: number
  ) {
    super(`${what}: the answer is larger than ${limitBytes} bytes, more than the action reads.`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * A URL from the server the action refuses to use: another scheme than http(s), or plain
 * http while the API itself is https. The message names the scheme and host, never the path
 * (a pre-signed URL's path is its secret).
 */
export class UnsafeUrlError extends Error {
  constructor(
    readonly what: string,
    readonly reason: string
  ) {
    super(`Refused the ${what} the server gave: ${reason}.`);
    this.name = 'UnsafeUrlError';
  }
}

/**
 * A request that got no complete answer, as the transport reports it: `code` is Node's
 * (`ECONNRESET`, `ECONNREFUSED`, ...) or `ETIMEDOUT` for the action's own time limits.
 * The client turns it into a TfeNetworkError.
 */
export class TransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}
