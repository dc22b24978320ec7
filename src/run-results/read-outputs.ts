/**
 * Reads the workspace's current Terraform outputs (docs/tfe-api-notes.md §11): every page,
 * waiting while the server still processes a new state (503) but never past the step's
 * timeout, and the sensitive values one by one only when asked.
 */
import { type Clock, growingDelay } from '../retry.js';
import type { RunResultsApi } from '../tfe/results-api.js';
import type { StateOutputAttributes } from '../tfe/result-types.js';
import type { Resource } from '../tfe/types.js';
import { terraformTypeText } from './terraform-type.js';
import type { TerraformOutput } from './types.js';

export interface ReadOutputsOptions {
  /** `sensitive-outputs: true`: read the sensitive values too. */
  readonly readSensitive: boolean;
  /** Epoch milliseconds: waiting for a state still being processed ends here. */
  readonly deadline: number;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  readonly warn: (message: string) => void;
}

export interface OutputsRead {
  readonly outputs?: readonly TerraformOutput[];
  /** Why the outputs (or some of them) are missing. */
  readonly unavailable?: string;
  /** Sensitive values by output ID; empty unless `readSensitive`. */
  readonly sensitiveValues: ReadonlyMap<string, unknown>;
}

/** 200 pages of 100: far beyond a real workspace, but bounded. */
const MAX_PAGES = 200;
/**
 * Looks again soon, then less often: TFE answers 503 for the moments it takes to process the
 * state an apply just wrote, and the step's end waits for these outputs.
 */
const PROCESSING_FIRST_MS = 250;
const PROCESSING_MAX_MS = 2_000;

export async function readTerraformOutputs(
  api: Pick<RunResultsApi, 'stateOutputsPage' | 'getStateOutput'>,
  workspaceId: string,
  options: ReadOutputsOptions
): Promise<OutputsRead> {
  const outputs: TerraformOutput[] = [];
  const none = new Map<string, unknown>();
  let unavailable: string | undefined;
  let page = 1;
  let waits = 0;
  for (let pages = 1; ;) {
    const answer = await api.stateOutputsPage(workspaceId, page);
    if (answer === 'processing') {
      const left = options.deadline - options.clock.now();
      if (left <= 0) {
        return {
          unavailable: 'the new state was still being processed when the timeout ended.',
          sensitiveValues: none
        };
      }
      const wait = Math.round(growingDelay(waits++, PROCESSING_FIRST_MS, PROCESSING_MAX_MS));
      await options.clock.sleep(Math.min(wait, left), options.signal);
      continue;
    }
    if (answer === 'none') {
      if (page === 1) {
        return {
          unavailable: 'the workspace has no state, or the token may not read its outputs.',
          sensitiveValues: none
        };
      }
      break;
    }
    outputs.push(...answer.items.flatMap(parseOutput));
    if (answer.nextPage === undefined) break;
    if (++pages > MAX_PAGES) {
      unavailable = `only the first ${outputs.length} outputs were read.`;
      options.warn(`The workspace has more than ${outputs.length} outputs: ${unavailable}`);
      break;
    }
    page = answer.nextPage;
  }
  const sensitiveValues = options.readSensitive
    ? await readSensitiveValues(api, outputs, options.warn)
    : none;
  return { outputs, unavailable, sensitiveValues };
}

function parseOutput(item: Resource<StateOutputAttributes>): TerraformOutput[] {
  const a = item.attributes ?? {};
  if (typeof a.name !== 'string' || a.name === '') return [];
  const sensitive = a.sensitive === true;
  return [
    {
      id: item.id,
      name: a.name,
      sensitive,
      type: terraformTypeText(a['detailed-type'], a.type, a.value),
      // A server that sends a sensitive value in the list anyway is not believed: it stays out.
      ...(sensitive ? {} : { value: a.value ?? null })
    }
  ];
}

async function readSensitiveValues(
  api: Pick<RunResultsApi, 'getStateOutput'>,
  outputs: readonly TerraformOutput[],
  warn: (message: string) => void
): Promise<Map<string, unknown>> {
  const values = new Map<string, unknown>();
  let missing = 0;
  for (const output of outputs) {
    if (!output.sensitive || values.has(output.id)) continue;
    // One value that cannot be read must not cost the others.
    const shown = await api.getStateOutput(output.id).catch(() => undefined);
    const attributes = shown?.attributes;
    if (!attributes || !('value' in attributes) || attributes.value === undefined) {
      missing++;
      continue;
    }
    values.set(output.id, attributes.value);
  }
  if (missing > 0) {
    warn(
      `${missing} sensitive output${missing === 1 ? '' : 's'} could not be read (reading a sensitive value needs read access to the workspace's state versions); they are left out of the outputs.`
    );
  }
  return values;
}
