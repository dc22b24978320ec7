/**
 * The parts of the TFE API's JSON:API documents the action reads. Every attribute is
 * optional on purpose: servers differ (TFC, TFE, OTF) and add fields over time.
 */

export interface ResourceIdentifier {
  readonly id: string;
  readonly type: string;
}

export interface Relationship {
  readonly data?: ResourceIdentifier | readonly ResourceIdentifier[] | null;
  readonly links?: { readonly related?: string };
}

export interface Resource<A> {
  readonly id: string;
  readonly type: string;
  readonly attributes?: A;
  readonly relationships?: Readonly<Record<string, Relationship | undefined>>;
  readonly links?: Readonly<Record<string, string | undefined>>;
}

export interface Document<A> {
  readonly data: Resource<A>;
  readonly included?: readonly Resource<Record<string, unknown>>[];
}

export interface ListDocument<A> {
  readonly data: readonly Resource<A>[];
  readonly meta?: {
    readonly pagination?: { readonly 'next-page'?: number | null; 'total-pages'?: number };
  };
}

export interface WorkspaceAttributes {
  readonly name?: string;
  readonly 'auto-apply'?: boolean;
  readonly locked?: boolean;
  readonly 'execution-mode'?: string;
  readonly 'working-directory'?: string | null;
  readonly 'terraform-version'?: string;
  readonly 'vcs-repo'?: unknown;
  readonly 'allow-destroy-plan'?: boolean;
  readonly permissions?: Readonly<Record<string, boolean | undefined>>;
}

export interface ConfigurationVersionAttributes {
  readonly status?: string;
  readonly 'upload-url'?: string | null;
  readonly 'error-message'?: string | null;
  readonly error?: string | null;
  readonly speculative?: boolean;
  readonly 'created-at'?: string;
  readonly 'status-timestamps'?: Readonly<Record<string, string>>;
}

export interface RunActions {
  readonly 'is-cancelable'?: boolean;
  readonly 'is-confirmable'?: boolean;
  readonly 'is-discardable'?: boolean;
  readonly 'is-force-cancelable'?: boolean;
}

export interface RunAttributes {
  readonly status?: string;
  readonly message?: string;
  readonly 'has-changes'?: boolean;
  readonly 'plan-only'?: boolean;
  readonly 'is-destroy'?: boolean;
  readonly 'auto-apply'?: boolean;
  readonly actions?: RunActions;
  readonly permissions?: Readonly<Record<string, boolean | undefined>>;
  readonly 'status-timestamps'?: Readonly<Record<string, string>>;
  readonly 'created-at'?: string;
}

export interface PhaseAttributes {
  readonly status?: string;
  readonly 'has-changes'?: boolean;
  readonly 'resource-additions'?: number | null;
  readonly 'resource-changes'?: number | null;
  readonly 'resource-destructions'?: number | null;
  readonly 'resource-imports'?: number | null;
  readonly 'log-read-url'?: string | null;
}

export interface PolicyCheckAttributes {
  readonly status?: string;
  readonly scope?: string;
  readonly result?: {
    readonly 'soft-failed'?: number;
    readonly 'hard-failed'?: number;
    readonly 'advisory-failed'?: number;
    readonly 'total-failed'?: number;
    readonly sentinel?: unknown;
  };
}

/** The run attributes the action sends on create (docs/tfe-api-notes.md §6.1). */
export interface RunCreateAttributes {
  readonly message: string;
  readonly 'plan-only'?: boolean;
  readonly 'is-destroy'?: boolean;
  readonly refresh?: boolean;
  readonly 'refresh-only'?: boolean;
  readonly 'save-plan'?: boolean;
  readonly 'target-addrs'?: readonly string[];
  readonly 'replace-addrs'?: readonly string[];
  readonly variables?: readonly { readonly key: string; readonly value: string }[];
  readonly 'terraform-version'?: string;
}

/** Returns the single related ID of a to-one relationship, if any. */
export function relatedId<A>(resource: Resource<A>, name: string): string | undefined {
  const data = resource.relationships?.[name]?.data;
  if (!data || Array.isArray(data)) return undefined;
  return (data as ResourceIdentifier).id;
}
