/**
 * Downloading a configuration version's archive (the copy behind `configuration-version`):
 * byte for byte to a file, the token kept from the archive's URL, bounded in size, and
 * cut or failed answers told apart. Real HTTP: the emulator, and a small server for what
 * the emulator does not serve (an archive answered inline, a body larger than allowed).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Clock } from '../src/retry.js';
import { TfeClient } from '../src/tfe/client.js';
import { DownloadTooLargeError } from '../src/tfe/download.js';
import { TfeApiError, TfeNetworkError } from '../src/tfe/errors.js';
import { useEmulator } from './helpers/emulator.js';
import { MAIN_TF, uploadConfig } from './emulator/helpers.js';

const fixture = useEmulator('download');
const clock: Clock = {
  now: () => Date.now(),
  sleep: () => Promise.resolve(),
  random: () => 0.5
};
let directory = '';
const file = () => path.join(directory, 'archive.tar.gz');

beforeAll(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-download-'));
});
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));
afterEach(() => fixture.emulator.setBlobOrigin(null));

function client(baseUrl = fixture.emulator.url, token = fixture.emulator.token): TfeClient {
  return new TfeClient({ baseUrl, token, clock });
}

async function uploaded(): Promise<string> {
  const ws = fixture.newWorkspace();
  return (await uploadConfig(fixture.emulator, ws.id, { files: { 'main.tf': MAIN_TF } })).id;
}

describe('downloadConfigurationVersion', () => {
  it('saves exactly the uploaded bytes, following the redirect without the token', async () => {
    const cvId = await uploaded();
    const tfe = client();
    const saved = await tfe.downloadConfigurationVersion(cvId, file(), 1024 * 1024);
    tfe.dispose();
    const upload = fixture.emulator.uploads.get(cvId);
    expect(saved).toEqual({ size: upload?.size, sha256: upload?.sha256 });
    expect(fs.readFileSync(file()).equals(upload!.bytes)).toBe(true);
    const blob = (
      fixture.emulator.requests as { host: string; path: string; authorization?: string }[]
    ).filter(r => r.host === 'blob' && r.path.startsWith('/download/'));
    expect(blob.map(r => r.authorization)).toEqual([undefined]);
  });

  it('refuses a redirect to something other than http(s)', async () => {
    const cvId = await uploaded();
    fixture.emulator.setBlobOrigin('file:///etc');
    const tfe = client();
    await expect(tfe.downloadConfigurationVersion(cvId, file(), 1024 * 1024)).rejects.toThrow(
      /download URL the server gave: its scheme file is neither https nor http/
    );
    tfe.dispose();
  });

  it('answers 404 for one that is not uploaded, as an API error', async () => {
    const tfe = client();
    const failure = tfe.downloadConfigurationVersion('cv-missing', file(), 1024);
    await expect(failure).rejects.toBeInstanceOf(TfeApiError);
    await expect(failure).rejects.toThrow(/download answered 404/);
    tfe.dispose();
  });

  it('stops at the size limit and does not try again', async () => {
    const cvId = await uploaded();
    const size = fixture.emulator.uploads.get(cvId)!.size;
    const before = fixture.emulator.requests.length;
    const tfe = client();
    await expect(tfe.downloadConfigurationVersion(cvId, file(), size - 1)).rejects.toBeInstanceOf(
      DownloadTooLargeError
    );
    tfe.dispose();
    expect(fixture.emulator.requests.length - before).toBe(2);
  });
});

describe('a server that answers the archive itself', () => {
  let server: http.Server;
  let url = '';
  let body = Buffer.alloc(0);
  let chunked = false;
  let cut = false;
  let seenAuthorization: (string | undefined)[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seenAuthorization.push(req.headers.authorization);
      if (cut) {
        // The whole length announced, half of it sent, then the connection ends.
        res.writeHead(200, { 'Content-Length': String(body.length) });
        res.write(body.subarray(0, body.length >> 1), () => res.destroy());
        return;
      }
      res.writeHead(200, chunked ? {} : { 'Content-Length': String(body.length) });
      res.end(body);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));
  afterEach(() => {
    chunked = false;
    cut = false;
    seenAuthorization = [];
  });

  it('saves an inline answer (200) as it comes', async () => {
    body = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251));
    const tfe = client(url, 'inline-token');
    const saved = await tfe.downloadConfigurationVersion('cv-x', file(), body.length);
    tfe.dispose();
    expect(saved.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(fs.readFileSync(file()).equals(body)).toBe(true);
    expect(seenAuthorization).toEqual(['Bearer inline-token']);
  });

  it('refuses an announced length over the limit before reading it', async () => {
    body = Buffer.alloc(5000, 1);
    const tfe = client(url);
    await expect(tfe.downloadConfigurationVersion('cv-x', file(), 4999)).rejects.toBeInstanceOf(
      DownloadTooLargeError
    );
    tfe.dispose();
  });

  it('counts a body without a length, and stops past the limit', async () => {
    body = Buffer.alloc(200_000, 2);
    chunked = true;
    const tfe = client(url);
    await expect(tfe.downloadConfigurationVersion('cv-x', file(), 100_000)).rejects.toBeInstanceOf(
      DownloadTooLargeError
    );
    tfe.dispose();
  });

  it('treats a cut body as a network failure and tries again', async () => {
    body = Buffer.alloc(100_000, 3);
    cut = true;
    const tfe = client(url);
    await expect(
      tfe.downloadConfigurationVersion('cv-x', file(), 1_000_000)
    ).rejects.toBeInstanceOf(TfeNetworkError);
    tfe.dispose();
    expect(seenAuthorization.length).toBeGreaterThan(1);
  });
});
