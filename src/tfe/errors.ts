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
