/**
 * Streams a plan or apply log into the step's log while the phase runs, following the
 * blob store's protocol (docs/tfe-api-notes.md §8.4): byte offsets, STX (0x02) before the first byte,
 * ETX (0x03) after the last one. The log is the run's (a pull request decides what its plan
 * prints): it is printed only through `printUntrusted` (src/safe-log.ts).
 */
import { StringDecoder } from 'node:string_decoder';
import { printUntrusted } from './safe-log.js';
import type { TfeApi } from './tfe/api.js';

const STX = 0x02;
const ETX = 0x03;
const CHUNK = 65_536;
/** Reads per pump: bounded so one poll never spends long on a huge log. */
const MAX_READS_PER_PUMP = 32;
const TAIL_LINES = 40;
/** A longer run without a newline is printed in pieces, so memory stays bounded. */
const MAX_LINE = 65_536;

export class PhaseLog {
  private offset = 0;
  private started = false;
  private ended = false;
  private failed = false;
  /** An ETX was the last byte read: the end, unless more bytes follow (then it was text). */
  private heldEtx = false;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly tail: string[] = [];

  constructor(
    private readonly client: Pick<TfeApi, 'readLogChunk'>,
    private readonly debug: (line: string) => void,
    private readonly print: (lines: readonly string[]) => void = printUntrusted
  ) {}

  /** True once the end marker was read (or reading gave up). */
  get done(): boolean {
    return this.ended || this.failed;
  }

  /** Bytes read so far, markers included: it grows whenever a read brought something. */
  get bytesRead(): number {
    return this.offset;
  }

  /** The log began with STX: it marks its end too (a server without markers does neither). */
  get startMarkerSeen(): boolean {
    return this.started;
  }

  /**
   * The last byte read was an ETX: the phase's end, once the phase says it is over (a log
   * may also print the byte itself, so this is a hint to look at the run, not the end).
   */
  get endMarkerSeen(): boolean {
    return this.heldEtx;
  }

  /** The last lines printed, for the report of an errored run. */
  lastLines(): string {
    return this.tail.join('\n');
  }

  /**
   * Reads what is new at `url` and prints complete lines, after `heading` when the first
   * bytes come. `phaseFinal`: the phase has ended, so an ETX with nothing after it is the
   * end (while it runs, a log may print an ETX byte of its own). Never throws.
   */
  async pump(url: string, heading: string, phaseFinal = true): Promise<void> {
    for (let read = 0; read < MAX_READS_PER_PUMP && !this.done; read++) {
      let chunk: Buffer;
      try {
        chunk = await this.client.readLogChunk(url, this.offset, CHUNK);
      } catch (error) {
        // Logs are a courtesy: a reading problem must never fail the run. A 404 right after
        // the phase started is common (the log is not there yet), so only give up later.
        this.debug(`log read at offset ${this.offset}: ${(error as Error).message}`);
        if (this.started) this.failed = true;
        return;
      }
      if (chunk.length === 0) {
        if (this.heldEtx && phaseFinal) this.ended = true;
        return;
      }
      const lines = this.offset === 0 ? [heading] : [];
      this.offset += chunk.length;
      let start = 0;
      let end = chunk.length;
      if (!this.started && chunk[0] === STX) {
        this.started = true;
        start = 1;
      }
      let text = this.heldEtx ? '\u0003' : '';
      this.heldEtx = end > start && chunk[end - 1] === ETX;
      if (this.heldEtx) end -= 1;
      text += this.decoder.write(chunk.subarray(start, end));
      this.collect(text, lines);
      this.print(lines);
    }
  }

  /** Prints a last line that had no newline. */
  flush(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest) this.print(this.collect(`${rest}\n`, []));
  }

  /** Adds the complete lines of `partial + text` to `lines`, keeping the rest for later. */
  private collect(text: string, lines: string[]): string[] {
    const split = (this.partial + text).split('\n');
    this.partial = split.pop() ?? '';
    if (this.partial.length > MAX_LINE) {
      split.push(this.partial);
      this.partial = '';
    }
    for (const raw of split) {
      const line = readable(raw.replace(/\r$/, ''));
      this.tail.push(line);
      if (this.tail.length > TAIL_LINES) this.tail.shift();
      lines.push(line);
    }
    return lines;
  }
}

/** Structured run output is one JSON object a line: show its message, as the CLI does. */
function readable(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const parsed = JSON.parse(line) as { '@message'?: unknown };
    return typeof parsed['@message'] === 'string' ? parsed['@message'] : line;
  } catch {
    return line;
  }
}
