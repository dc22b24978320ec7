/**
 * src/run-log.ts against a log served by offset as the blob store does: what a hostile log
 * can do to the reader (split characters, an ETX byte of its own, endless lines).
 */
import { describe, expect, it } from '@jest/globals';
import { PhaseLog } from '../../src/run-log.js';
import { readAsRunner } from '../helpers/runner-commands.js';
import { withStdout } from '../helpers/stdout.js';

const CHUNK = 65_536;

/** A log that grows as the test appends, read by offset and limit. */
class Blob {
  bytes = Buffer.alloc(0);
  reads = 0;
  append(part: string | Buffer): void {
    this.bytes = Buffer.concat([this.bytes, Buffer.from(part)]);
  }
  readLogChunk = (_url: string, offset: number, limit: number): Promise<Buffer> => {
    this.reads++;
    return Promise.resolve(this.bytes.subarray(offset, offset + limit));
  };
}

function reader(blob: Blob): { log: PhaseLog; printed: string[] } {
  const printed: string[] = [];
  const log = new PhaseLog(
    blob,
    () => undefined,
    lines => printed.push(...lines)
  );
  return { log, printed };
}

describe('PhaseLog', () => {
  it('prints the heading once, then whole lines as they come, and keeps a tail', async () => {
    const blob = new Blob();
    const { log, printed } = reader(blob);
    blob.append('\u0002one\r\ntw');
    await log.pump('u', 'Plan log:', false);
    blob.append(`o\n${JSON.stringify({ '@message': 'three' })}\nfour\u0003`);
    await log.pump('u', 'Plan log:', true);
    expect(log.done).toBe(true);
    log.flush();
    expect(printed).toEqual(['Plan log:', 'one', 'two', 'three', 'four']);
    expect(log.lastLines()).toBe('one\ntwo\nthree\nfour');
  });

  it('keeps a character whose bytes straddle two reads', async () => {
    const blob = new Blob();
    const { log, printed } = reader(blob);
    const text = `${'a'.repeat(CHUNK - 2)}€ after\n`;
    blob.append(Buffer.concat([Buffer.from([2]), Buffer.from(text), Buffer.from([3])]));
    await log.pump('u', 'h');
    expect(printed[1]).toBe(`${'a'.repeat(CHUNK - 2)}€ after`);
  });

  it('an ETX byte the log prints at the end of a read is not the end', async () => {
    const blob = new Blob();
    const { log, printed } = reader(blob);
    // The planted ETX is the last byte of the first 64 KiB read.
    blob.append(
      Buffer.concat([Buffer.from([2]), Buffer.alloc(CHUNK - 3, 'x'), Buffer.from('\n\u0003')])
    );
    blob.append('::add-mask::hidden after the fake end\nPlan: 1 to add.\n\u0003');
    await log.pump('u', 'h');
    expect(log.done).toBe(true);
    expect(printed.slice(-2)).toEqual([
      '\u0003::add-mask::hidden after the fake end',
      'Plan: 1 to add.'
    ]);
  });

  it('while the phase runs, an ETX with nothing after it yet does not end the log', async () => {
    const blob = new Blob();
    const { log, printed } = reader(blob);
    blob.append('\u0002start\n\u0003');
    await log.pump('u', 'h', false);
    expect(log.done).toBe(false);
    blob.append('more\n\u0003');
    await log.pump('u', 'h', true);
    expect(log.done).toBe(true);
    expect(printed).toEqual(['h', 'start', '\u0003more']);
  });

  it('prints a line that never ends in bounded pieces', async () => {
    const blob = new Blob();
    const { log, printed } = reader(blob);
    blob.append(Buffer.concat([Buffer.from([2]), Buffer.alloc(1024 * 1024, 'y')]));
    await log.pump('u', 'h', false);
    await log.pump('u', 'h', false);
    const lengths = printed.slice(1).map(line => line.length);
    expect(lengths.length).toBeGreaterThan(5);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(2 * CHUNK);
    log.flush();
    expect(printed.slice(1).join('').length).toBe(1024 * 1024);
  });

  it('prints through the untrusted printer by default: no command of the log is obeyed', async () => {
    const blob = new Blob();
    blob.append('\u0002::add-mask::x\nok\r::error::y\n\u0003');
    const { stdout } = await withStdout(async () => {
      const log = new PhaseLog(blob, () => undefined);
      await log.pump('u', 'Plan log:');
      log.flush();
    });
    const reading = readAsRunner(stdout);
    expect(reading.executed).toEqual([]);
    expect(reading.ignored.map(c => c.name)).toEqual(['add-mask', 'error']);
    expect(reading.stoppedAtEnd).toBe(false);
  });
});
