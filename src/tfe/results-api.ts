/**
 * The reads behind the report's outputs, cost, policy and run-task sections
 * (docs/tfe-api-notes.md §10, §11). All are GETs, retried like any other; a 403 or 404 is an
 * answer (no state, no access, or a server without the endpoint, such as OTF), not an error.
 */
import type { TfeApi } from './api.js';
import type { ApiResponse, TfeClient } from './client.js';
import type {
  CostEstimateAttributes,
  PolicyEvaluationAttributes,
  PolicySetOutcomeAttributes,
  StateOutputAttributes,
  TaskResultAttributes,
  TaskStageAttributes
} from './result-types.js';
import type { Resource } from './types.js';

/** One page of a list, with what `include` brought along. */
export interface Page<A> {
  readonly items: readonly Resource<A>[];
  readonly included: readonly Resource<Record<string, unknown>>[];
  /** The next page's number, only when the server names one after this page. */
  readonly nextPage?: number;
}

/** `processing`: 503 while a new state's outputs are prepared (§11); `none`: no state. */
export type OutputsPage = Page<StateOutputAttributes> | 'processing' | 'none';

export interface RunResultsApi extends Pick<TfeApi, 'getRun' | 'listPolicyChecks'> {
  stateOutputsPage(workspaceId: string, page: number): Promise<OutputsPage>;
  /** One output with its value, sensitive or not (needs state read access). */
  getStateOutput(id: string): Promise<Resource<StateOutputAttributes> | undefined>;
  getCostEstimate(id: string): Promise<Resource<CostEstimateAttributes> | undefined>;
  /** With their task results and policy evaluations included. */
  taskStagesPage(runId: string, page: number): Promise<Page<TaskStageAttributes> | undefined>;
  policyEvaluationsPage(
    stageId: string,
    page: number
  ): Promise<Page<PolicyEvaluationAttributes> | undefined>;
  policySetOutcomesPage(
    evaluationId: string,
    page: number
  ): Promise<Page<PolicySetOutcomeAttributes> | undefined>;
  getTaskResult(id: string): Promise<Resource<TaskResultAttributes> | undefined>;
}

const PAGE_SIZE = 100;
const ABSENT = [403, 404];

interface ListBody {
  readonly data?: unknown;
  readonly included?: unknown;
  readonly meta?: { readonly pagination?: { readonly 'next-page'?: unknown } };
}

export class RunResultsClient implements RunResultsApi {
  constructor(private readonly client: TfeClient) {}

  getRun(id: string): ReturnType<TfeApi['getRun']> {
    return this.client.getRun(id);
  }

  listPolicyChecks(runId: string): ReturnType<TfeApi['listPolicyChecks']> {
    return this.client.listPolicyChecks(runId);
  }

  async stateOutputsPage(workspaceId: string, page: number): Promise<OutputsPage> {
    const path = `/workspaces/${seg(workspaceId)}/current-state-version-outputs`;
    const response = await this.client.api<ListBody>('GET', path, {
      query: pageQuery(page),
      retry: 'idempotent',
      accept: [...ABSENT, 503]
    });
    if (response.status === 503) return 'processing';
    return listPage<StateOutputAttributes>(response, page) ?? 'none';
  }

  getStateOutput(id: string): Promise<Resource<StateOutputAttributes> | undefined> {
    return this.show(`/state-version-outputs/${seg(id)}`);
  }

  getCostEstimate(id: string): Promise<Resource<CostEstimateAttributes> | undefined> {
    return this.show(`/cost-estimates/${seg(id)}`);
  }

  taskStagesPage(runId: string, page: number): Promise<Page<TaskStageAttributes> | undefined> {
    return this.list(`/runs/${seg(runId)}/task-stages`, page, {
      include: 'task_results,policy_evaluations'
    });
  }

  policyEvaluationsPage(
    stageId: string,
    page: number
  ): Promise<Page<PolicyEvaluationAttributes> | undefined> {
    return this.list(`/task-stages/${seg(stageId)}/policy-evaluations`, page);
  }

  policySetOutcomesPage(
    evaluationId: string,
    page: number
  ): Promise<Page<PolicySetOutcomeAttributes> | undefined> {
    return this.list(`/policy-evaluations/${seg(evaluationId)}/policy-set-outcomes`, page);
  }

  getTaskResult(id: string): Promise<Resource<TaskResultAttributes> | undefined> {
    return this.show(`/task-results/${seg(id)}`);
  }

  private async show<A>(path: string): Promise<Resource<A> | undefined> {
    const response = await this.client.api<{ data?: unknown }>('GET', path, {
      retry: 'idempotent',
      accept: ABSENT
    });
    if (ABSENT.includes(response.status)) return undefined;
    return isResource(response.body?.data) ? (response.body.data as Resource<A>) : undefined;
  }

  private async list<A>(
    path: string,
    page: number,
    query: Record<string, string> = {}
  ): Promise<Page<A> | undefined> {
    const response = await this.client.api<ListBody>('GET', path, {
      query: { ...query, ...pageQuery(page) },
      retry: 'idempotent',
      accept: ABSENT
    });
    return listPage<A>(response, page);
  }
}

function pageQuery(page: number): Record<string, number> {
  return { 'page[number]': page, 'page[size]': PAGE_SIZE };
}

function listPage<A>(response: ApiResponse<ListBody>, page: number): Page<A> | undefined {
  if (ABSENT.includes(response.status)) return undefined;
  const body = response.body;
  const items = Array.isArray(body?.data) ? body.data.filter(isResource) : [];
  const included = Array.isArray(body?.included) ? body.included.filter(isResource) : [];
  const next = body?.meta?.pagination?.['next-page'];
  // Only forward: a server that names this page or an earlier one again would loop.
  const nextPage =
    Number.isSafeInteger(next) && (next as number) > page ? (next as number) : undefined;
  return {
    items: items as Resource<A>[],
    included: included as Resource<Record<string, unknown>>[],
    nextPage
  };
}

function isResource(value: unknown): value is Resource<unknown> {
  const v = value as { id?: unknown; type?: unknown } | null;
  return (
    typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.type === 'string'
  );
}

function seg(value: string): string {
  return encodeURIComponent(value);
}
