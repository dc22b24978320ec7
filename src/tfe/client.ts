/**
 * The TFE API client: JSON:API over node's http with bounded answers (answer-limits.ts,
 * body-reader.ts, transport.ts), the token only ever sent to the API, URLs from the server
 * checked before use (blob-url.ts), and the retry rules of docs/contract.md ("Retries")
 * applied per kind of request.
 */
import * as fs from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import {
  type Clock,
  type RetryPolicy,
  defaultRetryPolicy,
  retryDelay,
  serverDelayMs,
  systemClock
} from '../retry.js';
import { type AnswerLimits, defaultAnswerLimits } from './answer-limits.js';
import type { BodySink, PlanJsonResult, RunActionName, TfeApi } from './api.js';
import { blobUrlProblem } from './blob-url.js';
import { DownloadTooLargeError, FileSink, type SavedFile } from './download.js';
import type { BodyLimits } from './body-reader.js';
import {
  BodyTooLargeError,
  TfeApiError,
  TfeNetworkError,
  TransportError,
  UnsafeUrlError,
  errorMessages
} from './errors.js';
import { type Exchange, Transport } from './transport.js';
import type {
  ConfigurationVersionAttributes,
  Document,
  ListDocument,
  PhaseAttributes,
  PolicyCheckAttributes,
  Resource,
  RunAttributes,
  RunCreateAttributes,
  WorkspaceAttributes
} from './types.js';

const JSONAPI = 'application/vnd.api+json';

/**
 * How a request may be repeated:
 * - `idempotent`: GETs and the upload PUT: retry on network errors, 429 and 5xx.
 * - `unprocessed`: run actions: retry only when the server certainly did not process the
 *   request (429 is rejected before processing; a refused connection never reached it).
 * - `once`: creates: sent once; createOnce() repeats them, looking first for what a lost
 *   answer may have created, so repeats never nest.
 */
export type RetryMode = 'idempotent' | 'unprocessed' | 'once';

/**
 * What bounds the client's requests and retry waits right now: `signal` aborts at the
 * step's deadline or on job cancellation, and its reason is what the client then throws.
 * A StepBudget, whose signal changes when the step wraps up.
 */
export interface RequestBudget {
  readonly signal: AbortSignal;
}

export interface TfeClientOptions {
  /** Scheme, host and port of the server, e.g. `https://app.terraform.io`. */
  readonly baseUrl: string;
  readonly token: string;
  readonly clock?: Clock;
  readonly retryPolicy?: RetryPolicy;
  /** Where request lines go (core.debug in the action). */
  readonly log?: (line: string) => void;
  /** Called before each retry wait, for a line in the log the user sees. */
  readonly onRetry?: (what: string, attempt: number, delayMs: number, reason: string) => void;
  /** A problem the user should see that does not fail a request of its own (a refused log URL). */
  readonly warn?: (message: string) => void;
  readonly userAgent?: string;
  /** Ends requests and retry waits at once when its signal aborts, with its reason. */
  readonly budget?: RequestBudget;
  /** Sizes and times per kind of answer (tests make them small). */
  readonly limits?: Partial<AnswerLimits>;
}

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface ApiResponse<T> {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: T | undefined;
}

interface ApiRequest {
  readonly body?: unknown;
  readonly query?: Record<string, string | number>;
  readonly retry: RetryMode;
  /** Error statuses the caller handles itself instead of an exception. */
  readonly accept?: readonly number[];
}

/** One attempt of a request as `send` makes it. */
interface Attempt extends Omit<Exchange, 'signal' | 'idleMs'> {
  readonly label: string;
  /** The whole exchange's time limit; none for the upload (its size decides). */
  readonly timeMs?: number;
}

const NEVER = new AbortController().signal;

export class TfeClient implements TfeApi {
  readonly apiBase: string;
  private readonly transport: Transport;
  private readonly clock: Clock;
  private readonly policy: RetryPolicy;
  private readonly limits: AnswerLimits;
  private readonly log: (line: string) => void;
  private readonly refusedLogUrls = new Set<string>();

  constructor(private readonly options: TfeClientOptions) {
    this.apiBase = `${options.baseUrl.replace(/\/+$/, '')}/api/v2`;
    this.clock = options.clock ?? systemClock;
    this.policy = options.retryPolicy ?? defaultRetryPolicy;
    this.limits = { ...defaultAnswerLimits, ...options.limits };
    this.log = options.log ?? (() => undefined);
    // Redirects are never followed by the transport: their targets are pre-signed blob URLs
    // that must not see the token, even when they live on the API host (TFE, OTF).
    this.transport = new Transport(options.userAgent ?? 'tfe-run-action');
  }

  dispose(): void {
    this.transport.dispose();
  }

  // ---- workspaces -------------------------------------------------------------------

  async getWorkspaceByName(
    organization: string,
    name: string
  ): Promise<Resource<WorkspaceAttributes>> {
    const path = `/organizations/${seg(organization)}/workspaces/${seg(name)}`;
    return (await this.getDocument<WorkspaceAttributes>(path)).data;
  }

  async getWorkspaceById(id: string): Promise<Resource<WorkspaceAttributes>> {
    return (await this.getDocument<WorkspaceAttributes>(`/workspaces/${seg(id)}`)).data;
  }

  // ---- configuration versions -------------------------------------------------------

  async createConfigurationVersion(
    workspaceId: string,
    options: { speculative: boolean; provisional: boolean }
  ): Promise<Resource<ConfigurationVersionAttributes>> {
    const body = {
      data: {
        type: 'configuration-versions',
        // auto-queue-runs defaults to true: the upload would queue a second run by itself.
        attributes: {
          'auto-queue-runs': false,
          speculative: options.speculative,
          ...(options.provisional ? { provisional: true } : {})
        }
      }
    };
    const path = `/workspaces/${seg(workspaceId)}/configuration-versions`;
    const response = await this.api<Document<ConfigurationVersionAttributes>>('POST', path, {
      body,
      retry: 'once'
    });
    return required(response, 'POST', path).data;
  }

  async getConfigurationVersion(id: string): Promise<Resource<ConfigurationVersionAttributes>> {
    const path = `/configuration-versions/${seg(id)}`;
    return (await this.getDocument<ConfigurationVersionAttributes>(path)).data;
  }

  /** The workspace's newest configuration versions, newest first. */
  async listConfigurationVersions(
    workspaceId: string
  ): Promise<readonly Resource<ConfigurationVersionAttributes>[]> {
    const path = `/workspaces/${seg(workspaceId)}/configuration-versions`;
    const response = await this.api<ListDocument<ConfigurationVersionAttributes>>('GET', path, {
      query: { 'page[size]': 20 },
      retry: 'idempotent'
    });
    return required(response, 'GET', path).data;
  }

  /**
   * PUTs the archive to the pre-signed upload URL, streamed from disk with its length.
   * No Authorization header: the URL itself is the credential.
   */
  async uploadArchive(uploadUrl: string, file: string, size: number): Promise<void> {
    const url = this.blobUrl(uploadUrl, 'upload URL');
    const label = 'PUT <upload-url>';
    const response = await this.withRetries(label, 'idempotent', () =>
      this.send({
        method: 'PUT',
        url,
        label,
        body: () => fs.createReadStream(file),
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Length': String(size),
          Accept: 'application/json, */*'
        },
        limits: () => this.errorLimits(label)
      })
    );
    if (response.status >= 300) {
      throw new TfeApiError('PUT', '<upload-url>', response.status, bodyMessages(response));
    }
  }

  /**
   * Saves the configuration version's archive to `file`, byte for byte (docs/tfe-api-notes.md
   * §5.5): the API answers a redirect to a pre-signed URL, followed without the token, or
   * (some servers) the archive itself. Streamed to the file, at most `maxBytes`; a cut body
   * is read again from the first byte.
   */
  async downloadConfigurationVersion(
    id: string,
    file: string,
    maxBytes: number
  ): Promise<SavedFile> {
    const path = `/configuration-versions/${seg(id)}/download`;
    const sinks: FileSink[] = [];
    // A fresh file per attempt: a read cut off starts again from the first byte.
    const toFile =
      (what: string) =>
      (status: number): BodyLimits => {
        if (status !== 200) return this.errorLimits(what);
        const sink = new FileSink(file);
        sinks.push(sink);
        return { what, maxBytes, overflow: 'fail', sink: chunk => sink.write(chunk) };
      };
    const saved = (): SavedFile => sinks[sinks.length - 1].end();
    try {
      const first = await this.call('GET', path, {
        retry: 'idempotent',
        accept: [302, 307],
        limits: toFile(`GET ${path}`),
        timeMs: this.limits.archiveMs
      });
      if (first.status === 200 && sinks.length) return saved();
      const location = headerValue(first.headers.location);
      if (!location) {
        throw new TfeApiError('GET', path, first.status, ['the answer named no archive URL']);
      }
      const url = this.blobUrl(location, "configuration version's download URL");
      const label = 'GET <download-url>';
      const blob = await this.withRetries(label, 'idempotent', () =>
        this.send({
          method: 'GET',
          url,
          label,
          headers: { Accept: 'application/octet-stream, */*' },
          limits: toFile(label),
          timeMs: this.limits.archiveMs
        })
      );
      if (blob.status !== 200 || !sinks.length) {
        throw new TfeApiError('GET', path, blob.status, bodyMessages(blob));
      }
      return saved();
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw new DownloadTooLargeError(maxBytes);
      throw error;
    } finally {
      for (const sink of sinks) sink.close();
    }
  }

  // ---- runs -------------------------------------------------------------------------

  async createRun(
    workspaceId: string,
    configurationVersionId: string,
    attributes: RunCreateAttributes
  ): Promise<Resource<RunAttributes>> {
    const body = {
      data: {
        type: 'runs',
        attributes,
        relationships: {
          workspace: { data: { type: 'workspaces', id: workspaceId } },
          'configuration-version': {
            data: { type: 'configuration-versions', id: configurationVersionId }
          }
        }
      }
    };
    const response = await this.api<Document<RunAttributes>>('POST', '/runs', {
      body,
      retry: 'once'
    });
    return required(response, 'POST', '/runs').data;
  }

  /** The run, with its plan and apply when the server supports `include` (OTF does not). */
  async getRun(id: string): Promise<Document<RunAttributes>> {
    const path = `/runs/${seg(id)}`;
    const response = await this.api<Document<RunAttributes>>('GET', path, {
      query: { include: 'plan,apply' },
      retry: 'idempotent'
    });
    return required(response, 'GET', path);
  }

  /** Recent runs of every kind (plan-only runs are hidden unless asked for). */
  async listRuns(workspaceId: string): Promise<readonly Resource<RunAttributes>[]> {
    const path = `/workspaces/${seg(workspaceId)}/runs`;
    const response = await this.api<ListDocument<RunAttributes>>('GET', path, {
      query: {
        'filter[operation]': 'plan_only,plan_and_apply,save_plan,refresh_only,destroy,empty_apply',
        'page[size]': 20
      },
      retry: 'idempotent'
    });
    return required(response, 'GET', path).data;
  }

  /**
   * Calls a run action. Returns false on 409 (the run is not in a state that allows it):
   * the caller re-reads the run and judges by its status.
   */
  async runAction(id: string, action: RunActionName, comment: string): Promise<boolean> {
    const path = `/runs/${seg(id)}/actions/${action}`;
    const response = await this.api('POST', path, {
      body: { comment },
      retry: 'unprocessed',
      accept: [409]
    });
    return response.status !== 409;
  }

  async getPlan(id: string): Promise<Resource<PhaseAttributes>> {
    return (await this.getDocument<PhaseAttributes>(`/plans/${seg(id)}`)).data;
  }

  async getApply(id: string): Promise<Resource<PhaseAttributes>> {
    return (await this.getDocument<PhaseAttributes>(`/applies/${seg(id)}`)).data;
  }

  async listPolicyChecks(runId: string): Promise<readonly Resource<PolicyCheckAttributes>[]> {
    const path = `/runs/${seg(runId)}/policy-checks`;
    const response = await this.api<ListDocument<PolicyCheckAttributes>>('GET', path, {
      retry: 'idempotent',
      accept: [404]
    });
    return response.status === 404 ? [] : (response.body?.data ?? []);
  }

  /**
   * The plan in Terraform's JSON format, streamed into `sink()` (docs/tfe-api-notes.md
   * §8.3). TFC/TFE answer 307 to a pre-signed URL (followed without the token), OTF answers
   * 200 inline; 403/404 mean the token may not read it. Only the documented redirects are
   * followed, to https (or http from an http API) only.
   */
  async getPlanJson<T>(planId: string, sink: () => BodySink<T>): Promise<PlanJsonResult<T>> {
    const path = `/plans/${seg(planId)}/json-output`;
    const read: { taker?: BodySink<T> } = {};
    // A fresh sink per attempt: a read cut off starts again from the first byte.
    const streamed =
      (what: string) =>
      (status: number): BodyLimits => {
        if (status !== 200) return this.errorLimits(what);
        const current = (read.taker = sink());
        return {
          what,
          maxBytes: this.limits.planJsonBytes,
          overflow: 'fail',
          sink: chunk => current.write(chunk)
        };
      };
    const first = await this.call('GET', path, {
      retry: 'idempotent',
      accept: [204, 302, 307, 401, 403, 404, 422],
      limits: streamed(`GET ${path}`),
      timeMs: this.limits.planJsonMs
    });
    if (first.status === 200 && read.taker) return { available: true, value: read.taker.end() };
    const location = headerValue(first.headers.location);
    if ((first.status !== 302 && first.status !== 307) || !location) {
      return { available: false, status: first.status };
    }
    const url = this.blobUrl(location, 'plan JSON URL');
    const label = 'GET <plan-json-url>';
    const blob = await this.withRetries(label, 'idempotent', () =>
      this.send({
        method: 'GET',
        url,
        label,
        headers: { Accept: 'application/json' },
        limits: streamed("the plan's JSON output"),
        timeMs: this.limits.planJsonMs
      })
    );
    if (blob.status === 200 && read.taker) return { available: true, value: read.taker.end() };
    return { available: false, status: blob.status };
  }

  /**
   * One read of a phase log (docs/tfe-api-notes.md §8.4): the URL's query is replaced by
   * limit/offset; no token, no retries (the caller polls again anyway). A server that
   * ignores `limit` is cut at it, so the caller's offset grows by exactly what it got; a
   * read that takes longer than `logReadMs` fails like a cut one.
   */
  async readLogChunk(logUrl: string, offset: number, limit: number): Promise<Buffer> {
    const url = this.logUrl(logUrl);
    url.search = `limit=${limit}&offset=${offset}`;
    const label = 'GET <log-url>';
    const response = await this.send({
      method: 'GET',
      url,
      label,
      headers: { Accept: 'text/plain, */*' },
      limits: status =>
        ok(status) ? { what: label, maxBytes: limit, overflow: 'cut' } : this.errorLimits(label),
      timeMs: this.limits.logReadMs
    });
    if (!ok(response.status)) throw new Error(`log read answered HTTP ${response.status}`);
    return response.body;
  }

  // ---- plumbing ---------------------------------------------------------------------

  private async getDocument<A>(path: string): Promise<Document<A>> {
    const response = await this.api<Document<A>>('GET', path, { retry: 'idempotent' });
    return required(response, 'GET', path);
  }

  /** One API call: token, JSON:API headers, retries by mode, errors as TfeApiError. */
  async api<T>(method: string, path: string, request: ApiRequest): Promise<ApiResponse<T>> {
    const label = `${method} ${path}`;
    const response = await this.call(method, path, {
      ...request,
      limits: status =>
        ok(status)
          ? { what: label, maxBytes: this.limits.documentBytes, overflow: 'fail' }
          : this.errorLimits(label),
      timeMs: this.limits.documentMs
    });
    return {
      status: response.status,
      headers: response.headers,
      body: response.body.length ? (parseJson(response.body) as T) : undefined
    };
  }

  /**
   * An API request with retries; a status outside 2xx that the caller does not accept is
   * a TfeApiError. A 3xx is never success: the API redirects only where documented, to a
   * blob URL the caller follows by hand.
   */
  private async call(
    method: string,
    path: string,
    request: ApiRequest & Pick<Attempt, 'limits' | 'timeMs'>
  ): Promise<RawResponse> {
    const url = new URL(this.apiBase + path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      Accept: JSONAPI,
      Authorization: `Bearer ${this.options.token}`
    };
    // TFE answers 415 to writes without the JSON:API type, even when there is no body.
    if (method !== 'GET') headers['Content-Type'] = JSONAPI;
    const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
    const label = `${method} ${path}`;
    const response = await this.withRetries(label, request.retry, () =>
      this.send({
        method,
        url,
        label,
        body: payload,
        headers,
        limits: request.limits,
        timeMs: request.timeMs
      })
    );
    if (!ok(response.status) && !request.accept?.includes(response.status)) {
      throw new TfeApiError(
        method,
        path,
        response.status,
        bodyMessages(response),
        headerValue(response.headers['x-request-id']),
        serverDelayMs(response.headers, this.clock.now())
      );
    }
    return response;
  }

  /** Repeats `attempt` while the answer (or its absence) says it is safe and useful. */
  private async withRetries<R extends RawResponse>(
    label: string,
    mode: RetryMode,
    attempt: () => Promise<R>
  ): Promise<R> {
    for (let number = 1; ; number++) {
      let response: R | undefined;
      let failure: TfeNetworkError | undefined;
      try {
        response = await attempt();
      } catch (error) {
        if (!(error instanceof TfeNetworkError)) throw error;
        failure = error;
      }
      const retryable =
        mode !== 'once' &&
        (failure
          ? mode === 'idempotent' || failure.notSent
          : response!.status === 429 || (mode === 'idempotent' && response!.status >= 500));
      if (!retryable || number >= this.policy.maxAttempts) {
        if (failure) throw failure;
        return response!;
      }
      const delay = retryDelay(number, this.policy, this.clock, response?.headers);
      const reason = failure ? (failure.code ?? 'network error') : `HTTP ${response!.status}`;
      this.log(`${label}: ${reason}; retry ${number} in ${delay} ms`);
      this.options.onRetry?.(label, number, delay, reason);
      await this.clock.sleep(delay, this.budget);
    }
  }

  /**
   * One HTTP exchange within the budget and the attempt's time. A missing or partial answer
   * is a TfeNetworkError (retried where the mode allows); the budget's end throws its reason.
   */
  private async send(attempt: Attempt): Promise<RawResponse> {
    const started = this.clock.now();
    const limit = timeLimit(this.budget, attempt.timeMs);
    try {
      const answer = await this.transport.send({
        ...attempt,
        signal: limit.signal,
        idleMs: this.limits.idleMs
      });
      this.log(`${attempt.label} -> ${answer.status} (${this.clock.now() - started} ms)`);
      return { status: answer.status, headers: answer.headers, body: answer.body.bytes };
    } catch (error) {
      const budget = this.budget;
      if (budget.aborted) throw abortReason(budget);
      const code = error instanceof TransportError ? error.code : undefined;
      this.log(
        `${attempt.label} -> ${code ?? (error as Error).name} (${this.clock.now() - started} ms)`
      );
      // Too large, or refused by a sink: sending again would get the same answer.
      if (!(error instanceof TransportError)) throw error;
      const [verb, ...rest] = attempt.label.split(' ');
      throw new TfeNetworkError(verb, rest.join(' '), code, error);
    } finally {
      limit.dispose();
    }
  }

  private get budget(): AbortSignal {
    return this.options.budget?.signal ?? NEVER;
  }

  private errorLimits(what: string): BodyLimits {
    return { what, maxBytes: this.limits.errorBytes, overflow: 'cut' };
  }

  /** A URL from the server, checked (blob-url.ts) before anything is sent to it. */
  private blobUrl(raw: string, what: string): URL {
    const problem = blobUrlProblem(raw, this.apiBase);
    if (problem) throw new UnsafeUrlError(what, problem);
    return new URL(raw, this.apiBase);
  }

  /** Log reads fail quietly (logs are a courtesy): a refused URL is said once, as a warning. */
  private logUrl(raw: string): URL {
    try {
      return this.blobUrl(raw, 'log URL');
    } catch (error) {
      const message = (error as Error).message;
      if (!this.refusedLogUrls.has(message)) {
        this.refusedLogUrls.add(message);
        this.options.warn?.(`${message} The run's log is not shown.`);
      }
      throw error;
    }
  }
}

function ok(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * A signal for one attempt: the budget's, and `ms` after which the attempt is given up
 * as a network error (a trickle or a stall ends here; the request may be sent again).
 */
function timeLimit(
  budget: AbortSignal,
  ms: number | undefined
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(budget.reason);
  if (budget.aborted) onAbort();
  else budget.addEventListener('abort', onAbort, { once: true });
  const timer =
    ms === undefined
      ? undefined
      : setTimeout(
          () =>
            controller.abort(
              new TransportError('ETIMEDOUT', `no complete answer within ${ms / 1000} s`)
            ),
          ms
        );
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      budget.removeEventListener('abort', onAbort);
    }
  };
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('aborted');
}

/** Percent-encodes one path segment (names and IDs go into the path). */
function seg(value: string): string {
  return encodeURIComponent(value);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function bodyMessages(response: RawResponse): string[] {
  return errorMessages(parseJson(response.body));
}

function required<T>(response: ApiResponse<T>, method: string, path: string): T {
  if (response.body === undefined) {
    throw new TfeApiError(method, path, response.status, ['the answer had no JSON body']);
  }
  return response.body;
}
