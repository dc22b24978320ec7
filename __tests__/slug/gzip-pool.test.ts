/** The compression threads: one gzip member per chunk, stored and deflated runs mixed. */
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from '@jest/globals';
import { GzipPool } from '../../src/slug/gzip-pool.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gzip-pool-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const text = (lines: number, seed: number): Buffer =>
  Buffer.from(
    Array.from(
      { length: lines },
      (_, i) => `resource "aws_instance" "web_${(i * seed) % 997}" { count = ${i % 13} }\n`
    ).join('')
  );

// Text, random, the same text again (a deflate engine that kept its window across the
// stored run would refer back over bytes it never saw), a stored run longer than one
// stored block (65,535 bytes), and a tail shorter than a chunk.
const t1 = text(2000, 7);
const stream = Buffer.concat([
  t1,
  crypto.randomBytes(20_000),
  t1,
  crypto.randomBytes(150_000),
  text(5000, 11),
  crypto.randomBytes(3000),
  text(300, 3)
]);
const CHUNK = 96 * 1024;

async function compress(portable: boolean, threads = 2) {
  const file = path.join(dir, `${portable ? 'portable' : 'direct'}-${threads}.gz`);
  const fd = fs.openSync(file, 'w');
  const pool = new GzipPool(threads, CHUNK, fd, portable);
  const pending: Promise<void>[] = [];
  for (let at = 0; at < stream.length; at += CHUNK) {
    const chunk = pool.buffer();
    const length = stream.copy(chunk, 0, at, at + CHUNK);
    pending.push(pool.compress(chunk, length));
  }
  await Promise.all(pending);
  await pool.close();
  fs.closeSync(fd);
  return { file, size: pool.size, fallbackChunks: pool.fallbackChunks };
}

describe('GzipPool', () => {
  const chunks = Math.ceil(stream.length / CHUNK);

  it('writes one member per chunk, deflating through the engine’s native handle', async () => {
    const direct = await compress(false);
    const bytes = fs.readFileSync(direct.file);
    expect(bytes.length).toBe(direct.size);
    expect(zlib.gunzipSync(bytes).equals(stream)).toBe(true);
    expect(execFileSync('gzip', ['-t', direct.file]).length).toBe(0);
    // Go's header: no name, mtime 0, XFL 4, OS 255.
    expect([...bytes.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255]);
    // This runtime offers what the reused engine needs: it must not fall back.
    expect(direct.fallbackChunks).toBe(0);
  });

  it('writes the same bytes whichever thread compresses which chunk', async () => {
    const one = await compress(false, 1);
    const three = await compress(false, 3);
    expect(fs.readFileSync(three.file).equals(fs.readFileSync(one.file))).toBe(true);
  });

  it('falls back to one zlib call per run and writes the same content', async () => {
    const direct = await compress(false);
    const portable = await compress(true);
    expect(portable.fallbackChunks).toBe(chunks);
    expect(zlib.gunzipSync(fs.readFileSync(portable.file)).equals(stream)).toBe(true);
    // A member per chunk instead of per run: never larger.
    expect(direct.size).toBeLessThanOrEqual(portable.size);
  });
});
