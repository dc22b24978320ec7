/**
 * Runs made straight through the API client (not the action), for tests that need a run to
 * exist before the code under test looks at it: the post step, createOnce, run-id later.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packDirectory } from '../../src/slug/index.js';
import { TfeClient } from '../../src/tfe/client.js';
import type { RunCreateAttributes } from '../../src/tfe/types.js';
import type { Emulator } from './emulator.js';

export function apiClient(
  emulator: Emulator,
  options: Partial<ConstructorParameters<typeof TfeClient>[0]> = {}
): TfeClient {
  return new TfeClient({ baseUrl: emulator.url, token: emulator.token, ...options });
}

/** Packs `files` and uploads them as a new configuration version of `workspaceId`. */
export async function uploadedConfiguration(
  api: TfeClient,
  workspaceId: string,
  files: Record<string, string> = { 'main.tf': 'resource "null_resource" "a" {\n}\n' },
  options: { speculative?: boolean } = {}
): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-run-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), content);
    }
    const cv = await api.createConfigurationVersion(workspaceId, {
      speculative: options.speculative ?? false,
      provisional: false
    });
    const archive = await packDirectory({ directory: dir, workspaceRoot: dir, tempDir: dir });
    await api.uploadArchive(cv.attributes!['upload-url']!, archive.path, archive.size);
    for (let i = 0; i < 500; i++) {
      if ((await api.getConfigurationVersion(cv.id)).attributes?.status === 'uploaded')
        return cv.id;
      await new Promise(resolve => setTimeout(resolve, 10));
    }
    throw new Error(`configuration version ${cv.id} was not uploaded`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A new run of `workspaceId` from a fresh configuration version. */
export async function createdRun(
  api: TfeClient,
  workspaceId: string,
  attributes: Partial<RunCreateAttributes> = {}
): Promise<{ runId: string; configurationVersionId: string }> {
  const configurationVersionId = await uploadedConfiguration(api, workspaceId);
  const run = await api.createRun(workspaceId, configurationVersionId, {
    message: 'test',
    ...attributes
  });
  return { runId: run.id, configurationVersionId };
}

/** Polls the emulator's record until the run's status is one of `statuses`. */
export async function runReaches(
  emulator: Emulator,
  runId: string,
  statuses: string[]
): Promise<string> {
  for (let i = 0; i < 1000; i++) {
    const status = (emulator.getRun(runId) as { status: string }).status;
    if (statuses.includes(status)) return status;
    await new Promise(resolve => setTimeout(resolve, 10));
  }
  throw new Error(`run ${runId} never reached ${statuses.join(' or ')}`);
}
