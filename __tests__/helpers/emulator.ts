/**
 * One emulator per test file, started before and closed after its tests, with the
 * look-ups the action's tests share: a fresh workspace per test, and the CVs and runs
 * the emulator recorded for it.
 */
import { afterAll, beforeAll } from '@jest/globals';
import { startEmulator } from '../../emulator/server.js';

export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

export interface RunRecord {
  readonly id: string;
  readonly workspaceId: string;
  readonly status: string;
  readonly attrs: Record<string, unknown>;
}

export interface CvRecord {
  readonly id: string;
  readonly workspaceId: string;
  readonly autoQueueRuns: boolean;
  readonly speculative: boolean;
  readonly provisional: boolean;
}

export interface EmulatorFixture {
  /** The running emulator (available inside tests and hooks). */
  readonly emulator: Emulator;
  /** A new workspace in organization `acme`, so tests never see each other's runs. */
  readonly newWorkspace: (options?: Record<string, unknown>) => { id: string; name: string };
  readonly runsOf: (workspaceId: string) => RunRecord[];
  readonly cvsOf: (workspaceId: string) => CvRecord[];
  /** The inputs every step against this emulator needs (directory `infra`, no PR comment). */
  readonly inputs: (workspace: string, extra?: Record<string, string>) => Record<string, string>;
}

export function useEmulator(
  prefix: string,
  options: Parameters<typeof startEmulator>[0] = { stepMs: 5 }
): EmulatorFixture {
  let emulator: Emulator | undefined;
  let counter = 0;
  beforeAll(async () => {
    emulator = await startEmulator(options);
  });
  afterAll(async () => {
    await emulator?.close();
  });
  const running = (): Emulator => {
    if (!emulator) throw new Error('the emulator is not running');
    return emulator;
  };
  return {
    get emulator() {
      return running();
    },
    newWorkspace: (workspaceOptions = {}) => {
      const name = `${prefix}-${++counter}`;
      const workspace = running().addWorkspace({
        organization: 'acme',
        name,
        ...workspaceOptions
      }) as { id: string };
      return { id: workspace.id, name };
    },
    inputs: (workspace, extra = {}) => ({
      token: running().token,
      hostname: running().url,
      organization: 'acme',
      workspace,
      directory: 'infra',
      'comment-on-pr': 'false',
      ...extra
    }),
    runsOf: workspaceId =>
      (running().runs as unknown as RunRecord[]).filter(r => r.workspaceId === workspaceId),
    cvsOf: workspaceId =>
      (running().configurationVersions as unknown as CvRecord[]).filter(
        cv => cv.workspaceId === workspaceId
      )
  };
}
