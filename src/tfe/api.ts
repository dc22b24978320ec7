/**
 * The TFE API as the action uses it: the seam between the run logic and HTTP. TfeClient is
 * the real implementation; a test may stand in a fake where an emulator round trip adds
 * nothing.
 */
import type { SavedFile } from './download.js';
import type {
  ConfigurationVersionAttributes,
  Document,
  PhaseAttributes,
  PolicyCheckAttributes,
  Resource,
  RunAttributes,
  RunCreateAttributes,
  WorkspaceAttributes
} from './types.js';

export type RunActionName = 'apply' | 'cancel' | 'discard' | 'force-cancel';

/**
 * Takes an answer's body chunk by chunk (a streaming parser), so a large body is never held
 * whole; a fresh one per attempt, since a read cut off is read again from the start.
 */
export interface BodySink<T> {
  /** May throw to refuse the body (not sent again). */
  write(chunk: Buffer): void;
  /** The result, once the body came whole. */
  end(): T;
}

/** Result of reading the plan's JSON output; `status` says why it is not available. */
export type PlanJsonResult<T> =
  | { readonly available: true; readonly value: T }
  | { readonly available: false; readonly status: number };

export interface TfeApi {
  getWorkspaceByName(organization: string, name: string): Promise<Resource<WorkspaceAttributes>>;
  getWorkspaceById(id: string): Promise<Resource<WorkspaceAttributes>>;

  /** Sends the create once: whoever calls it decides about repeats (see create-once.ts). */
  createConfigurationVersion(
    workspaceId: string,
    options: { speculative: boolean; provisional: boolean }
  ): Promise<Resource<ConfigurationVersionAttributes>>;
  getConfigurationVersion(id: string): Promise<Resource<ConfigurationVersionAttributes>>;
  /** The workspace's newest configuration versions, newest first. */
  listConfigurationVersions(
    workspaceId: string
  ): Promise<readonly Resource<ConfigurationVersionAttributes>[]>;
  /** PUTs the archive at `file` to the pre-signed URL, without the token. */
  uploadArchive(uploadUrl: string, file: string, size: number): Promise<void>;
  /** Saves the uploaded archive of a configuration version to `file`, byte for byte. */
  downloadConfigurationVersion(id: string, file: string, maxBytes: number): Promise<SavedFile>;

  /** Sends the create once: whoever calls it decides about repeats (see create-once.ts). */
  createRun(
    workspaceId: string,
    configurationVersionId: string,
    attributes: RunCreateAttributes
  ): Promise<Resource<RunAttributes>>;
  /** The run, with its plan and apply in `included` where the server supports it. */
  getRun(id: string): Promise<Document<RunAttributes>>;
  /** Recent runs of every kind, newest first (a rate limit of 30 a minute applies). */
  listRuns(workspaceId: string): Promise<readonly Resource<RunAttributes>[]>;
  /** False on 409: the run is not in a state that allows the action; read it again. */
  runAction(id: string, action: RunActionName, comment: string): Promise<boolean>;

  getPlan(id: string): Promise<Resource<PhaseAttributes>>;
  getApply(id: string): Promise<Resource<PhaseAttributes>>;
  /**
   * The plan's JSON output, streamed into `sink()`. Throws BodyTooLargeError past the
   * client's cap, UnsafeUrlError for a redirect it refuses, and what the sink throws.
   */
  getPlanJson<T>(planId: string, sink: () => BodySink<T>): Promise<PlanJsonResult<T>>;
  /**
   * One read of a phase log at `offset`: at most `limit` bytes whatever the server sends,
   * within a few seconds, without the token.
   */
  readLogChunk(logUrl: string, offset: number, limit: number): Promise<Buffer>;

  listPolicyChecks(runId: string): Promise<readonly Resource<PolicyCheckAttributes>[]>;
}
