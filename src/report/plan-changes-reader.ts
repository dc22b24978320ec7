/**
 * Reads the report's resource changes from a JSON plan as it streams in: the scanner hands
 * over `resource_changes` entries one at a time and only their addresses and actions are
 * kept, so a plan of any size costs memory for one entry plus the list the report shows.
 */
import type { BodySink } from '../tfe/api.js';
import { compareResourceChanges, resourceChangeFromEntry } from './plan-changes.js';
import { PlanJsonError, ResourceChangesScanner } from './plan-json-scanner.js';
import type { ResourceChange } from './types.js';

/** No single resource change is this large (its before/after values included). */
const MAX_ENTRY_BYTES = 16 * 1024 * 1024;

export class PlanChangesReader implements BodySink<ResourceChange[]> {
  private changes: ResourceChange[] = [];
  private readonly scanner: ResourceChangesScanner;
  private formatVersion = false;

  constructor(maxEntryBytes = MAX_ENTRY_BYTES) {
    this.scanner = new ResourceChangesScanner(
      {
        arrayStart: () => {
          this.changes = [];
        },
        entry: text => {
          const change = resourceChangeFromEntry(parseEntry(text));
          if (change) this.changes.push(change);
        },
        key: name => {
          if (name === 'format_version') this.formatVersion = true;
        }
      },
      maxEntryBytes
    );
  }

  write(chunk: Buffer): void {
    this.scanner.write(chunk);
  }

  /**
   * Whether the top-level object has Terraform's `format_version` key. Terraform leaves
   * `resource_changes` out of a plan without changes, so only this tells an empty plan
   * from a body that is no plan at all.
   */
  get isTerraformPlan(): boolean {
    return this.formatVersion;
  }

  end(): ResourceChange[] {
    this.scanner.end();
    return this.changes.sort(compareResourceChanges);
  }
}

function parseEntry(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PlanJsonError('one of its resource changes is not valid JSON');
  }
}
