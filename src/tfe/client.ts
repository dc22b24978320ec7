/**
 * The TFE API client: JSON:API over @actions/http-client, the token only ever sent to the
 * API, and the retry rules of interface.md ("Retries") applied per kind of request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { HttpClient } from '@actions/http-client';
import {
  type Clock,
  type RetryPolicy,
  defaultRetryPolicy,
  retryDelay,
  systemClock
} from '../retry.js';
import { TfeApiError, TfeNetworkError, errorMessages } from './errors.js';
import { FileBody } from './file-body.js';
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
 * - `unprocessed`: creates: retry only when the server certainly did not process the request
 *   (429 is rejected before processing; a refused connection never reached it).
 */
export type RetryMode = 'idempotent' | 'unprocessed';

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
  readonly userAgent?: string;
  /** Inactivity timeout of one request (default 60 s). */
  readonly socketTimeoutMs?: number;
}

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
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

/** Result of reading the plan's JSON output; `status` says why it is not available. */
export type PlanJsonResult =
  | { readonly available: true; readonly json: unknown }
  | { readonly available: false; readonly status: number };

export class TfeClient {
  readonly apiBase: string;
  private readonly http: HttpClient;
  private readonly clock: Clock;
  private readonly policy: RetryPolicy;
  private readonly log: (line: string) => void;

  constructor(private readonly options: TfeClientOptions) {
    this.apiBase = `${options.baseUrl.replace(/\/+$/, '')}/api/v2`;
    this.clock = options.clock ?? systemClock;
    this.policy = options.retryPolicy ?? defaultRetryPolicy;
    this.log = options.log ?? (() => undefined);
    // Redirects are handled by hand: their targets are pre-signed blob URLs that must never
    // see the token, even when they live on the API host (TFE, OTF).
    this.http = new HttpClient(options.userAgent ?? 'tfe-run-action', [], {
      allowRedirects: false,
      allowRetries: false,
      keepAlive: true,
      socketTimeout: options.socketTimeoutMs ?? 60_000
    });
  }

  dispose(): void {
    this.http.dispose();
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
      retry: 'unprocessed'
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
    const label = 'PUT <upload-url>';
    await this.withRetries(label, 'idempotent', async () => {
      const response = await this.send('PUT', uploadUrl, label, new FileBody(file, size), {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(size),
        Accept: 'application/json, */*'
      });
      return response;
    }).then(response => {
      if (response.status >= 300) {
        throw new TfeApiError('PUT', '<upload-url>', response.status, bodyMessages(response));
      }
    });
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
      retry: 'unprocessed'
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
  async runAction(
    id: string,
    action: 'apply' | 'cancel' | 'discard' | 'force-cancel',
    comment: string
  ): Promise<boolean> {
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
   * The plan in Terraform's JSON format. TFC/TFE answer 307 to a pre-signed URL (followed
   * without the token), OTF answers 200 inline; 403/404 mean the token may not read it.
   */
  async getPlanJson(planId: string): Promise<PlanJsonResult> {
    const path = `/plans/${seg(planId)}/json-output`;
    const response = await this.api<unknown>('GET', path, {
      retry: 'idempotent',
      accept: [204, 301, 302, 303, 307, 308, 401, 403, 404, 422]
    });
    if (response.status === 200) return { available: true, json: response.body };
    const location = headerValue(response.headers.location);
    if (response.status < 300 || response.status >= 400 || !location) {
      return { available: false, status: response.status };
    }
    const target = new URL(location, this.apiBase).toString();
    const blob = await this.withRetries('GET <plan-json-url>', 'idempotent', () =>
      this.send('GET', target, 'GET <plan-json-url>', null, { Accept: 'application/json' })
    );
    if (blob.status !== 200) return { available: false, status: blob.status };
    return { available: true, json: parseJson(blob.text) };
  }

  /**
   * One read of a phase log (tfe-api.md §8.4): the URL's query is replaced by
   * limit/offset; no token, no retries (the caller polls again anyway).
   */
  async readLogChunk(logUrl: string, offset: number, limit: number): Promise<Buffer> {
    const url = new URL(logUrl);
    url.search = `limit=${limit}&offset=${offset}`;
    const response = await this.http.request('GET', url.toString(), null, {
      Accept: 'text/plain, */*'
    });
    const status = response.message.statusCode ?? 0;
    const chunks: Buffer[] = [];
    for await (const chunk of response.message) chunks.push(chunk as Buffer);
    if (status < 200 || status >= 400) throw new Error(`log read answered HTTP ${status}`);
    return Buffer.concat(chunks);
  }

  // ---- plumbing ---------------------------------------------------------------------

  private async getDocument<A>(path: string): Promise<Document<A>> {
    const response = await this.api<Document<A>>('GET', path, { retry: 'idempotent' });
    return required(response, 'GET', path);
  }

  /** One API call: token, JSON:API headers, retries by mode, errors as TfeApiError. */
  async api<T>(method: string, path: string, request: ApiRequest): Promise<ApiResponse<T>> {
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
    const payload = request.body === undefined ? null : JSON.stringify(request.body);
    const label = `${method} ${path}`;
    const response = await this.withRetries(label, request.retry, () =>
      this.send(method, url.toString(), label, payload, headers)
    );
    if (response.status >= 400 && !request.accept?.includes(response.status)) {
      throw new TfeApiError(
        method,
        path,
        response.status,
        bodyMessages(response),
        headerValue(response.headers['x-request-id'])
      );
    }
    return {
      status: response.status,
      headers: response.headers,
      body: response.text ? (parseJson(response.text) as T) : undefined
    };
  }

  /** Repeats `attempt` while the answer (or its absence) says it is safe and useful. */
  private async withRetries(
    label: string,
    mode: RetryMode,
    attempt: () => Promise<RawResponse>
  ): Promise<RawResponse> {
    for (let number = 1; ; number++) {
      let response: RawResponse | undefined;
      let failure: TfeNetworkError | undefined;
      try {
        response = await attempt();
      } catch (error) {
        if (!(error instanceof TfeNetworkError)) throw error;
        failure = error;
      }
      const retryable = failure
        ? mode === 'idempotent' || failure.notSent
        : response!.status === 429 || (mode === 'idempotent' && response!.status >= 500);
      if (!retryable || number >= this.policy.maxAttempts) {
        if (failure) throw failure;
        return response!;
      }
      const delay = retryDelay(number, this.policy, this.clock, response?.headers);
      const reason = failure ? (failure.code ?? 'network error') : `HTTP ${response!.status}`;
      this.log(`${label}: ${reason}; retry ${number} in ${delay} ms`);
      this.options.onRetry?.(label, number, delay, reason);
      await this.clock.sleep(delay);
    }
  }

  /** One HTTP exchange; the body is read whole (API answers are small). */
  private async send(
    method: string,
    url: string,
    label: string,
    body: string | NodeJS.ReadableStream | null,
    headers: Record<string, string>
  ): Promise<RawResponse> {
    const started = this.clock.now();
    try {
      const response = await this.http.request(method, url, body, headers);
      const text = await response.readBody();
      const status = response.message.statusCode ?? 0;
      this.log(`${label} -> ${status} (${this.clock.now() - started} ms)`);
      return { status, headers: response.message.headers, text };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      this.log(`${label} -> ${code ?? 'error'} (${this.clock.now() - started} ms)`);
      const [verb, ...rest] = label.split(' ');
      throw new TfeNetworkError(verb, rest.join(' '), code, error);
    }
  }
}

/** Percent-encodes one path segment (names and IDs go into the path). */
function seg(value: string): string {
  return encodeURIComponent(value);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function bodyMessages(response: RawResponse): string[] {
  return errorMessages(parseJson(response.text));
}

function required<T>(response: ApiResponse<T>, method: string, path: string): T {
  if (response.body === undefined) {
    throw new TfeApiError(method, path, response.status, ['the answer had no JSON body']);
  }
  return response.body;
}
