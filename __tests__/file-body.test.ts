/** The upload body: the archive through four reused buffers, never overwritten too early. */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from '@jest/globals';
import { FileBody } from '../src/tfe/file-body.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'file-body-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function makeFile(name: string, size: number): { file: string; data: Buffer } {
  const file = path.join(dir, name);
  const data = crypto.randomBytes(size);
  fs.writeFileSync(file, data);
  return { file, data };
}

/** A destination that takes its time with each chunk, keeps a copy and notes its memory. */
function slowSink(failAt = Infinity) {
  const copies: Buffer[] = [];
  const memory = new Set<ArrayBufferLike>();
  const sink = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, callback) {
      memory.add(chunk.buffer);
      if (copies.length === failAt) {
        callback(new Error('the server went away'));
        return;
      }
      setTimeout(() => {
        copies.push(Buffer.from(chunk));
        callback();
      }, 2);
    }
  });
  const done = new Promise<Error | null>(resolve => {
    sink.on('finish', () => resolve(null));
    sink.on('error', resolve);
  });
  return { sink, copies, memory, done };
}

describe('FileBody', () => {
  it('pipes the file through at most four buffers, each reused only once written', async () => {
    const { file, data } = makeFile('slow.bin', 8 * 1024 * 1024 + 12345);
    const { sink, copies, memory, done } = slowSink();
    new FileBody(file, data.length).pipe(sink);
    expect(await done).toBeNull();
    expect(Buffer.concat(copies).equals(data)).toBe(true);
    expect(copies.length).toBeGreaterThan(10);
    expect(memory.size).toBeLessThanOrEqual(4);
  });

  it('PUTs the file to an HTTP server byte for byte', async () => {
    const { file, data } = makeFile('put.bin', 5 * 1024 * 1024 + 7);
    const received: Buffer[] = [];
    const server = http.createServer((request, response) => {
      // Reads slowly, so the client's socket fills and writes complete late.
      request.on('data', (chunk: Buffer) => {
        received.push(chunk);
        request.pause();
        setTimeout(() => request.resume(), 1);
      });
      request.on('end', () => response.end('ok'));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        const request = http.request(
          { port, host: '127.0.0.1', method: 'PUT', headers: { 'Content-Length': data.length } },
          response => {
            response.resume();
            response.on('end', () => resolve(response.statusCode ?? 0));
          }
        );
        request.on('error', reject);
        new FileBody(file, data.length).pipe(request);
      });
      expect(status).toBe(200);
      expect(Buffer.concat(received).equals(data)).toBe(true);
    } finally {
      await new Promise(resolve => server.close(resolve));
    }
  });

  it('fails the request when the file is shorter than the size sent', async () => {
    const { file, data } = makeFile('short.bin', 300_000);
    const { sink, done } = slowSink();
    new FileBody(file, data.length + 10).pipe(sink);
    expect(String(await done)).toContain(`ended after ${data.length} bytes`);
  });

  it('stops reading when the destination fails', async () => {
    const { file, data } = makeFile('fail.bin', 2 * 1024 * 1024);
    const { sink, copies, done } = slowSink(2);
    new FileBody(file, data.length).pipe(sink);
    expect(String(await done)).toContain('the server went away');
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(copies).toHaveLength(2);
  });

  it('reads as an ordinary stream too', async () => {
    const { file, data } = makeFile('plain.bin', 600_000);
    const chunks: Buffer[] = [];
    for await (const chunk of new FileBody(file, data.length)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
  });
});
