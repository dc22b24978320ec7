// Shared helpers for the emulator tests: real HTTP with fetch, real archives
// built with `tar` in temp directories, and bounded waits.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll } from '@jest/globals';
import { type Emulator, startEmulator } from '../../emulator/server.js';

export const JSON_API = 'application/vnd.api+json';

export interface Resource {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, { data: unknown }>;
  links?: Record<string, string | null>;
}

export interface Doc {
  data: Resource;
  included?: Resource[];
}

export interface ListDoc {
  data: Resource[];
  meta?: { pagination: Record<string, number | null> };
}

/** Calls the API with the emulator's token and the JSON:API content type. */
export function api(emu: Emulator, apiPath: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${emu.url}/api/v2${apiPath}`, {
    redirect: 'manual',
    ...init,
    headers: {
      Authorization: `Bearer ${emu.token}`,
      Accept: JSON_API,
      'Content-Type': JSON_API,
      ...(init.headers as Record<string, string> | undefined)
    }
  });
}

export async function apiJson<T = Doc>(
  emu: Emulator,
  apiPath: string,
  init: RequestInit = {}
): Promise<T> {
  const res = await api(emu, apiPath, init);
  if (res.status >= 300)
    throw new Error(`${init.method ?? 'GET'} ${apiPath}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export function post(body: unknown): RequestInit {
  return { method: 'POST', body: JSON.stringify(body) };
}

export async function sleep(ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value other than undefined; bounded. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 5000
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(5);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface ArchiveSpec {
  files: Record<string, string>;
  symlinks?: Record<string, string>;
}

/** Builds a real .tar.gz from files written to a temp directory. */
export async function makeArchive(spec: ArchiveSpec): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emu-archive-'));
  try {
    const root = path.join(dir, 'root');
    await fs.mkdir(root);
    const names: string[] = [];
    for (const [name, content] of Object.entries(spec.files)) {
      await fs.mkdir(path.dirname(path.join(root, name)), { recursive: true });
      await fs.writeFile(path.join(root, name), content);
      names.push(name);
    }
    for (const [name, target] of Object.entries(spec.symlinks ?? {})) {
      await fs.mkdir(path.dirname(path.join(root, name)), { recursive: true });
      await fs.symlink(target, path.join(root, name));
      names.push(name);
    }
    const file = path.join(dir, 'slug.tar.gz');
    await tar.c({ gzip: true, file, cwd: root, portable: true }, names);
    return await fs.readFile(file);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export async function createCv(
  emu: Emulator,
  wsId: string,
  attributes: Record<string, unknown> = { 'auto-queue-runs': false }
): Promise<Resource> {
  const doc = await apiJson(
    emu,
    `/workspaces/${wsId}/configuration-versions`,
    post({ data: { type: 'configuration-versions', attributes } })
  );
  return doc.data;
}

export async function waitForCv(emu: Emulator, cvId: string): Promise<Resource> {
  return waitFor(async () => {
    const doc = await apiJson(emu, `/configuration-versions/${cvId}`);
    return doc.data.attributes.status === 'pending' ? undefined : doc.data;
  }, `CV ${cvId} processed`);
}

/** Creates a CV, uploads the archive to its upload URL and waits until processed. */
export async function uploadConfig(
  emu: Emulator,
  wsId: string,
  spec: ArchiveSpec,
  attributes: Record<string, unknown> = { 'auto-queue-runs': false }
): Promise<Resource> {
  const cv = await createCv(emu, wsId, attributes);
  const res = await fetch(cv.attributes['upload-url'] as string, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: await makeArchive(spec)
  });
  if (res.status !== 200) throw new Error(`upload: ${res.status}`);
  return waitForCv(emu, cv.id);
}

export function runBody(
  wsId: string,
  cvId: string,
  attributes: Record<string, unknown> = {}
): unknown {
  return {
    data: {
      type: 'runs',
      attributes,
      relationships: {
        workspace: { data: { type: 'workspaces', id: wsId } },
        'configuration-version': { data: { type: 'configuration-versions', id: cvId } }
      }
    }
  };
}

export async function createRun(
  emu: Emulator,
  wsId: string,
  cvId: string,
  attributes: Record<string, unknown> = {}
): Promise<Resource> {
  return (await apiJson(emu, '/runs', post(runBody(wsId, cvId, attributes)))).data;
}

/**
 * A run of a new workspace `name` under `scenario`, from the standard configuration: what
 * the tests of one scenario knob each start with.
 */
export async function scenarioRun(
  emu: Emulator,
  name: string,
  scenario: Parameters<Emulator['setScenario']>[1],
  attributes: Record<string, unknown> = {}
): Promise<Resource> {
  const ws = emu.addWorkspace({ name });
  emu.setScenario(ws.id, scenario);
  const cv = await uploadConfig(emu, ws.id, { files: { 'main.tf': MAIN_TF } });
  return createRun(emu, ws.id, cv.id, attributes);
}

export async function getRun(emu: Emulator, runId: string): Promise<Doc> {
  return apiJson(emu, `/runs/${runId}?include=plan,apply`);
}

/** Waits until the run reaches one of `statuses`, and returns the last document seen. */
export async function waitForStatus(
  emu: Emulator,
  runId: string,
  statuses: string[]
): Promise<Doc> {
  return waitFor(
    async () => {
      const doc = await getRun(emu, runId);
      return statuses.includes(doc.data.attributes.status as string) ? doc : undefined;
    },
    `run ${runId} in ${statuses.join('|')}`
  );
}

export function included(doc: Doc, type: string): Resource {
  const found = doc.included?.find(r => r.type === type);
  if (!found) throw new Error(`no included ${type}`);
  return found;
}

/** Every status the run went through, from its status timestamps. */
export function statusesSeen(doc: Doc): string[] {
  return Object.keys(doc.data.attributes['status-timestamps'] as Record<string, string>);
}

export const MAIN_TF = `resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id = aws_vpc.main.id
}

output "vpc_name" {
  value = "main"
}

output "secret" {
  value     = "hunter2"
  sensitive = true
}
`;

/**
 * Starts an emulator before the tests of the enclosing describe block (or file) and closes
 * it after them; `use` receives it before the first test.
 */
export function useEmulatorServer(
  options: Parameters<typeof startEmulator>[0],
  use: (emu: Emulator) => void
): void {
  let started: Emulator | undefined;
  beforeAll(async () => {
    started = await startEmulator(options);
    use(started);
  });
  afterAll(async () => {
    await started?.close();
  });
}
