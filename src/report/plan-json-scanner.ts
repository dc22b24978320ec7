/**
 * Finds the entries of a JSON plan's top-level `resource_changes` array in a byte stream
 * without parsing the rest: planned values, prior state and configuration (most of a large
 * plan) are only scanned for string ends and brackets. Each entry's text is handed on whole
 * (one resource: address, actions, before/after values), so memory is one entry whatever
 * the plan's size, and time is linear in it.
 */

/** The plan JSON is not what Terraform writes (malformed, cut, or an absurd entry). */
export class PlanJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanJsonError';
  }
}

export interface ScanEvents {
  /** A `resource_changes` array starts; a repeated key replaces the earlier array, as in JSON.parse. */
  arrayStart(): void;
  /** The text of one entry that is an object. */
  entry(text: string): void;
  /** A key of the top-level object (keys longer than 64 bytes read as ''). */
  key?(name: string): void;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const KEY = 'resource_changes';
/** Longer top-level keys are not the one we look for: no need to keep them. */
const MAX_KEY_BYTES = 64;

/** Bytes of a value spread over chunks, kept only while it is wanted. */
class Capture {
  readonly parts: Buffer[] = [];
  length = 0;
  overflow = false;

  constructor(private readonly max: number) {}

  add(part: Buffer): void {
    this.length += part.length;
    if (this.length > this.max) this.overflow = true;
    if (!this.overflow) this.parts.push(part);
  }

  bytes(): Buffer {
    return this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.length);
  }
}

export class ResourceChangesScanner {
  /** Open objects and arrays; the plan itself is depth 1, `resource_changes` depth 2. */
  private depth = 0;
  private inString = false;
  /** The previous byte was a backslash inside a string (a chunk may end between the two). */
  private escaped = false;
  private topIsObject = false;
  private sawValue = false;
  /** At depth 1, the next string is a key. */
  private keyNext = false;
  private key: Capture | undefined;
  private lastKey = '';
  private inChanges = false;
  private entry: Capture | undefined;

  constructor(
    private readonly events: ScanEvents,
    private readonly maxEntryBytes: number
  ) {}

  write(chunk: Buffer): void {
    // Where a key or entry being captured starts in this chunk.
    let keyFrom = this.key ? 0 : -1;
    let entryFrom = this.entry ? 0 : -1;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.inString) {
        const end = this.stringEnd(chunk, i);
        if (end < 0) break;
        this.inString = false;
        i = end + 1;
        if (keyFrom >= 0 && this.key) {
          this.key.add(chunk.subarray(keyFrom, i));
          this.lastKey = this.key.overflow ? '' : keyText(this.key.bytes());
          this.events.key?.(this.lastKey);
          this.key = undefined;
          keyFrom = -1;
        }
        continue;
      }
      const c = chunk[i];
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 0) this.sawValue = true;
        if (this.depth === 1 && this.keyNext) {
          this.keyNext = false;
          this.key = new Capture(MAX_KEY_BYTES);
          keyFrom = i;
        }
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        this.depth++;
        if (this.depth === 1) {
          this.sawValue = true;
          this.topIsObject = c === OPEN_OBJECT;
          this.keyNext = this.topIsObject;
        } else if (
          this.depth === 2 &&
          c === OPEN_ARRAY &&
          this.topIsObject &&
          this.lastKey === KEY
        ) {
          this.inChanges = true;
          this.events.arrayStart();
        } else if (this.depth === 3 && this.inChanges && c === OPEN_OBJECT) {
          this.entry = new Capture(this.maxEntryBytes);
          entryFrom = i;
        }
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (this.depth === 3 && this.entry && entryFrom >= 0) {
          this.takeEntry(chunk.subarray(entryFrom, i + 1));
          entryFrom = -1;
        }
        this.depth--;
        if (this.depth < 0) throw new PlanJsonError('the plan JSON closes more than it opens');
        if (this.depth === 1) this.inChanges = false;
      } else if (c === COMMA) {
        if (this.depth === 1 && this.topIsObject) this.keyNext = true;
      } else if (this.depth === 0 && c > 0x20) {
        // A top-level number or literal: valid JSON, but not a plan.
        this.sawValue = true;
      }
      i++;
    }
    if (keyFrom >= 0 && this.key) this.key.add(chunk.subarray(keyFrom));
    if (entryFrom >= 0 && this.entry) {
      this.entry.add(chunk.subarray(entryFrom));
      this.checkEntry(this.entry);
    }
  }

  /** Checks that the document ended where it should. */
  end(): void {
    if (!this.sawValue || this.inString || this.depth !== 0) {
      throw new PlanJsonError('the plan JSON ends before its last value does');
    }
  }

  /**
   * The index of the quote that ends the string in `chunk` from `from`, or -1 when the
   * string goes on into the next chunk. Quotes are found natively; only the backslashes
   * right before one are counted (an odd run escapes it).
   */
  private stringEnd(chunk: Buffer, from: number): number {
    let j = from;
    if (this.escaped) {
      this.escaped = false;
      j++;
    }
    const n = chunk.length;
    for (;;) {
      const quote = chunk.indexOf(QUOTE, j);
      if (quote < 0) {
        this.escaped = backslashRun(chunk, j, n) % 2 === 1;
        return -1;
      }
      if (backslashRun(chunk, j, quote) % 2 === 0) return quote;
      j = quote + 1;
    }
  }

  private takeEntry(last: Buffer): void {
    const entry = this.entry!;
    this.entry = undefined;
    entry.add(last);
    this.checkEntry(entry);
    this.events.entry(entry.bytes().toString('utf8'));
  }

  private checkEntry(entry: Capture): void {
    if (entry.overflow) {
      throw new PlanJsonError(
        `one of its resource changes is larger than ${this.maxEntryBytes} bytes`
      );
    }
  }
}

/** How many backslashes end `chunk[from, to)`. */
function backslashRun(chunk: Buffer, from: number, to: number): number {
  let k = to - 1;
  while (k >= from && chunk[k] === BACKSLASH) k--;
  return to - 1 - k;
}

/** A key's text from its bytes, quotes included; escapes decoded as JSON.parse does. */
function keyText(bytes: Buffer): string {
  if (!bytes.includes(BACKSLASH)) return bytes.toString('utf8', 1, bytes.length - 1);
  try {
    const text: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof text === 'string' ? text : '';
  } catch {
    return '';
  }
}
