/**
 * `configuration-version`: whether a given configuration version can start the run, and
 * whether it must be copied into this workspace first (docs/contract.md, "Existing runs and
 * configuration versions"; docs/tfe-api-notes.md §5.3, §6.1). Pure decisions.
 */
import { TfeApiError } from './tfe/errors.js';
import type { ConfigurationVersionAttributes } from './tfe/types.js';

/**
 * The largest archive the action copies. The API documents no limit (OTF's default is
 * 10 MiB); this only bounds the disk a hostile server could make the runner fill.
 */
export const MAX_COPIED_ARCHIVE_BYTES = 1024 * 1024 * 1024;

/** Why the configuration version cannot start a run, or undefined when it is `uploaded`. */
export function sourceRefusal(
  id: string,
  attributes: ConfigurationVersionAttributes
): string | undefined {
  const status = attributes.status ?? 'unknown';
  if (status === 'uploaded') return undefined;
  const reason = attributes['error-message'] ?? attributes.error;
  const why: Record<string, string> = {
    pending: 'nothing was uploaded to it yet, or its upload is still being processed',
    fetching: 'it is still being fetched from its VCS repository',
    archived:
      'its files were archived after its runs finished, and an API upload cannot be used again: upload the configuration anew',
    errored: `its upload could not be processed${reason ? `: ${reason}` : ''}`
  };
  const detail = why[status] ?? (status.startsWith('backing_data') ? 'its data was deleted' : '');
  return `Configuration version ${id} is ${status}, not uploaded${detail ? `: ${detail}` : ''}. Only an uploaded configuration version can start a run.`;
}

/**
 * A reason to copy rather than use the configuration version directly, or undefined. A
 * speculative one makes every run from it plan-only (§6.1), so an applicable run needs a
 * copy that is not speculative.
 */
export function copyReason(
  attributes: ConfigurationVersionAttributes,
  request: { readonly speculative: boolean }
): string | undefined {
  if (attributes.speculative === true && !request.speculative) {
    return 'it is speculative, so a run made from it could never be applied';
  }
  return undefined;
}

/**
 * A server that does not let this workspace's run use the configuration version (it belongs
 * to another workspace) answers 404 or 422; the run then starts from a copy.
 */
export function refusesForeignConfiguration(error: unknown): error is TfeApiError {
  return error instanceof TfeApiError && (error.status === 404 || error.status === 422);
}

/** "not found" as the user should read it: the token may not see it, or it is elsewhere. */
export function sourceNotFound(id: string): string {
  return `Configuration version ${id} was not found: it does not exist, belongs to another organization, or the token may not read it.`;
}
