/** docs/packing-notes.md §2: the archive format, entry order, modes, times, long names. */
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from '@jest/globals';
import { packToFile } from '../../src/slug/pack.js';
import { buildTree, listArchive, sandbox } from './helpers.js';

const box = sandbox();
afterAll(() => box.cleanup());

/** Packs with small chunks so even small trees span several gzip members. */
async function packRaw(dir: string, chunkSize = 4096): Promise<{ tar: Buffer; file: string }> {
  const result = await packToFile(path.join(box.base, dir), box.base, box.base, () => undefined, {
    chunkSize,
    workers: 2
  });
  return { tar: zlib.gunzipSync(fs.readFileSync(result.path)), file: result.path };
}

const field = (block: Buffer, offset: number, length: number): string =>
  block.subarray(offset, offset + length).toString('latin1');

describe('archive format', () => {
  it('writes go-slug’s exact tar: 4 headers + 1 data block + 2 end blocks = 3584 bytes', async () => {
    buildTree(`${box.base}/size`, {
      'a.tf': 'x',
      'dd/ee/': { dir: true },
      'empty/': { dir: true }
    });
    const { tar, file } = await packRaw('size');
    expect(tar.length).toBe(3584);
    expect(await listArchive(file)).toMatchObject([
      { name: 'a.tf', type: '0', size: 1 },
      { name: 'dd/', type: '5' },
      { name: 'dd/ee/', type: '5' },
      { name: 'empty/', type: '5' }
    ]);
    const header = tar.subarray(0, 512);
    expect(field(header, 0, 5)).toBe('a.tf\0');
    expect(field(header, 108, 16)).toBe('0000000\0' + '0000000\0'); // uid, gid
    expect(field(header, 124, 12)).toBe('00000000001\0');
    expect(field(header, 257, 8)).toBe('ustar\u000000');
    expect(field(header, 265, 64)).toBe('\0'.repeat(64)); // uname, gname
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
    expect(parseInt(field(header, 148, 6), 8)).toBe(sum);
    fs.rmSync(file);
  });

  it('orders entries like filepath.Walk: byte order, each directory followed by its contents', async () => {
    buildTree(`${box.base}/order`, {
      'B.tf': '',
      '\u{1F600}.tf': '',
      '\uff5e.tf': '',
      'Sub/z': '',
      _u: '',
      'a.tf': '',
      'sub/x': '',
      'sub-a/y': '',
      'sub.txt': '',
      'é.tf': '',
      'z.tf': ''
    });
    expect(await box.names('order')).toEqual([
      'B.tf',
      'Sub/',
      'Sub/z',
      '_u',
      'a.tf',
      'sub/',
      'sub/x',
      'sub-a/',
      'sub-a/y',
      'sub.txt',
      'z.tf',
      'é.tf',
      '\uff5e.tf',
      '\u{1F600}.tf'
    ]);
  });

  it('writes permission bits only, keeps the exec bit, rounds mtimes to the nearest second', async () => {
    buildTree(`${box.base}/modes`, {
      exe: { content: '#!/bin/sh\n', mode: 0o755 },
      setuid: { content: 'x', mode: 0o4755 },
      ro: { content: 'r', mode: 0o444 },
      up: 'u',
      down: 'd'
    });
    fs.utimesSync(`${box.base}/modes/up`, 1700000000, 1700000000.5);
    fs.utimesSync(`${box.base}/modes/down`, 1700000000, 1700000000.25);
    fs.chmodSync(`${box.base}/modes`, 0o1777);
    const { file } = await packRaw('modes');
    const entries = await listArchive(file);
    const modes = Object.fromEntries(entries.map(e => [e.name, e.mode]));
    expect(modes).toEqual({ down: 0o644, exe: 0o755, ro: 0o444, setuid: 0o755, up: 0o644 });
    const { tar } = await packRaw('modes');
    const mtimes: Record<string, number> = {};
    for (let offset = 0; tar[offset] !== 0; offset += 1024) {
      mtimes[field(tar, offset, 100).replace(/\0+$/, '')] = parseInt(
        field(tar, offset + 136, 11),
        8
      );
    }
    expect(mtimes.up).toBe(1700000001);
    expect(mtimes.down).toBe(1700000000);
  });

  it('writes long names as USTAR prefix/name or PAX, readable by the tar package and GNU tar', async () => {
    const long = 'd'.repeat(120) + '/' + 'f'.repeat(90) + '.tf'; // splittable: USTAR
    const segment = 'n'.repeat(150) + '.tf'; // a name over 100 bytes: PAX
    const unicode = 'données/ünïcode.tf'; // non-ASCII: PAX
    const target = 't'.repeat(150);
    buildTree(`${box.base}/long`, {
      [long]: 'long',
      [`x/${segment}`]: 'segment',
      [unicode]: 'unicode',
      link: { link: target }
    });
    const { tar, file } = await packRaw('long');
    const entries = await listArchive(file);
    expect(entries.map(e => [e.name, e.type, e.linkname])).toEqual([
      [`${'d'.repeat(120)}/`, '5', ''],
      [long, '0', ''],
      ['données/', '5', ''],
      [unicode, '0', ''],
      ['link', '2', target],
      ['x/', '5', ''],
      [`x/${segment}`, '0', '']
    ]);
    expect(tar.includes('PaxHeaders.0/ünïcode.tf')).toBe(true);
    expect(tar.includes(`x/PaxHeaders.0/${segment}`.slice(0, 100))).toBe(true);
    const gnu = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).trim().split('\n');
    expect(gnu).toEqual(entries.map(e => e.name));
    expect(execFileSync('gzip', ['-t', file]).length).toBe(0);
  });

  it('copies large files across many gzip members byte for byte', async () => {
    const data = crypto.randomBytes(300_000);
    const text = Buffer.from('resource "null_resource" "x" {}\n'.repeat(20000));
    buildTree(`${box.base}/big`, { 'random.bin': { content: data }, 'text.tf': { content: text } });
    const { file } = await packRaw('big', 8192);
    const entries = await listArchive(file);
    const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
    expect(entries.map(e => [e.name, e.size, e.sha256])).toEqual([
      ['random.bin', data.length, sha(data)],
      ['text.tf', text.length, sha(text)]
    ]);
  });

  it('skips FIFOs and sockets, writes hard links as separate files', async () => {
    buildTree(`${box.base}/types`, { 'a.tf': 'a', fifo: { fifo: true } });
    fs.linkSync(`${box.base}/types/a.tf`, `${box.base}/types/b.tf`);
    const server = net.createServer();
    await new Promise<void>(resolve => server.listen(`${box.base}/types/sock`, resolve));
    try {
      const { entries } = await box.pack('types');
      expect(entries.map(e => [e.name, e.type, e.content])).toEqual([
        ['a.tf', '0', 'a'],
        ['b.tf', '0', 'a']
      ]);
    } finally {
      await new Promise(resolve => server.close(resolve));
    }
  });
});
