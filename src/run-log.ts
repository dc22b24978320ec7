/**
 * Streams a plan or apply log into the step's log while the phase runs, following the
 * blob store's protocol (docs/tfe-api-notes.md §8.4): byte offsets, STX (0x02) before the first byte,
 * ETX (0x03) after the last one.
 */
import type { TfeApi } from './tfe/api.js';

const STX = 0x02;
const ETX = 0x03;
const CHUNK = 65_536;
/** Reads per pump: bounded so one poll never spends long on a huge log. */
const MAX_READS_PER_PUMP = 32;
const TAIL_LINES = 40;

export class PhaseLog {
  private offset = 0;
  private started = false;
  private ended = false;
  private failed = false;
  private partial = '';
  private readonly tail: string[] = [];

  constructor(
    private readonly client: Pick<TfeApi, 'readLogChunk'>,
    private readonly print: (line: string) => void,
    private readonly debug: (line: string) => void
  ) {}

  /** True once the end marker was read (or reading gave up). */
  get done(): boolean {
    return this.ended || this.failed;
  }

  /** The last lines printed, for the report of an errored run. */
  lastLines(): string {
    return this.tail.join('\n');
  }

  /**
   * Reads what is new at `url` and prints complete lines, after `heading` when the first
   * bytes come. Never throws.
   */
  async pump(url: string, heading: string): Promise<void> {
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
      if (chunk.length === 0) return;
      if (this.offset === 0) this.print(heading);
      this.offset += chunk.length;
      let start = 0;
      let end = chunk.length;
      if (!this.started && chunk[0] === STX) {
        this.started = true;
        start = 1;
      }
      if (end > start && chunk[end - 1] === ETX) {
        this.ended = true;
        end -= 1;
      }
      this.write(chunk.subarray(start, end).toString('utf8'));
    }
  }

  /** Prints a last line that had no newline. */
  flush(): void {
    if (this.partial) this.emit(this.partial);
    this.partial = '';
  }

  private write(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.emit(line.replace(/\r$/, ''));
  }

  private emit(raw: string): void {
    const line = readable(raw);
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    this.print(line);
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
