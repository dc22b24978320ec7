/**
 * The latency part of `npm run bench`: how soon the step ends once its run has settled, how
 * often it reads the run while it waits, and what a run that settles at once costs the
 * whole step. The built action (`.bench-build/action`, the build of src/) runs as the runner
 * runs it, `node index.js` with INPUT_* variables, against the TFE emulator in this process,
 * shaped like TFE: blobs on the API host (`sharedHost`), 30 requests per second, and for the
 * waiting run one status step a second with each log ending half a second before its phase.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator } from '../emulator/server.js';
import { median } from './stats.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** A Node binary to run the action on, and its version. */
export interface LatencyRuntime {
  readonly node: string;
  readonly version: string;
}

/** The emulator of the waiting run: see the file comment; the same numbers go in the README. */
export const WAITING_SERVER = {
  sharedHost: true,
  rateLimit: { limit: 30 },
  stepMs: 1000,
  logLeadMs: 500
} as const;
/** The server of the run that settles at once: every step takes a millisecond. */
export const INSTANT_SERVER = { sharedHost: true, rateLimit: { limit: 30 }, stepMs: 1 } as const;

/** Milestones of one waiting run, in ms after it settled (the emulator's `applied-at`). */
interface Milestones {
  /** The first read of the run that shows it settled. */
  readonly seen: number;
  readonly logsRead: number;
  /** Outputs, cost estimate, policy checks, task stages. */
  readonly resultsRead: number;
  readonly planJsonRead: number;
  /** The step's last log line, printed once the outputs, summary and comment are written. */
  readonly reportWritten: number;
  readonly exited: number;
}

interface WaitingRound extends Milestones {
  /** Run reads from the run's creation until it settled, per second. */
  readonly readsPerSecond: number;
  /** The most run reads in any one second of that wait. */
  readonly mostInOneSecond: number;
}

interface InstantRound {
  /** Spawn to exit. */
  readonly total: number;
  /** Spawn to the step's first line: Node's start and loading the bundle. */
  readonly startUp: number;
}

export interface LatencyRow {
  readonly runtime: LatencyRuntime;
  readonly waiting: Milestones & { readsPerSecond: number; mostInOneSecond: number };
  /** The step whose run settles at once, ms. */
  readonly instant: InstantRound;
  readonly rounds: number;
}

interface Step {
  readonly exitAt: number;
  /** Arrival time of each line the step printed (debug lines left out). */
  readonly lines: { at: number; text: string }[];
  readonly code: number | null;
}

const CONFIGURATION = `resource "null_resource" "web" {
}

resource "null_resource" "db" {
}

output "endpoint" {
  value = "web.example.com"
}
`;

/** One step in a fresh checkout, as the runner would start it. */
async function runStep(
  runtime: LatencyRuntime,
  action: string,
  inputs: Record<string, string>
): Promise<Step> {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'latency-bench-'));
  try {
    const checkout = path.join(temp, 'checkout');
    fs.mkdirSync(path.join(checkout, 'infra'), { recursive: true });
    fs.writeFileSync(path.join(checkout, 'infra', 'main.tf'), CONFIGURATION);
    const files = { output: 'output', summary: 'summary.md', state: 'state' };
    for (const name of Object.values(files)) fs.writeFileSync(path.join(temp, name), '');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      GITHUB_WORKSPACE: checkout,
      GITHUB_OUTPUT: path.join(temp, files.output),
      GITHUB_STEP_SUMMARY: path.join(temp, files.summary),
      GITHUB_STATE: path.join(temp, files.state),
      GITHUB_REPOSITORY: 'acme/infrastructure',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_EVENT_NAME: 'push',
      RUNNER_TEMP: temp
    };
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
    const child = spawn(runtime.node, [action], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: { at: number; text: string }[] = [];
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const at = Date.now();
      pending += chunk.toString('utf8');
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const text of complete) if (!text.startsWith('::debug::')) lines.push({ at, text });
    });
    const code = await new Promise<number | null>(resolve => child.on('exit', resolve));
    return { exitAt: Date.now(), lines, code };
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

function inputsFor(emulator: Emulator, workspace: string, extra: Record<string, string>) {
  return {
    token: emulator.token,
    hostname: emulator.url,
    organization: 'acme',
    workspace,
    directory: 'infra',
    'comment-on-pr': 'false',
    ...extra
  };
}

let workspaces = 0;

function newWorkspace(emulator: Emulator): { id: string; name: string } {
  const name = `latency-${++workspaces}`;
  const { id } = emulator.addWorkspace({ organization: 'acme', name }) as { id: string };
  return { id, name };
}

function runOf(emulator: Emulator, workspaceId: string) {
  const run = (
    emulator.runs as unknown as {
      id: string;
      workspaceId: string;
      createdAt: string;
      statusTimestamps: Record<string, string>;
    }[]
  ).find(r => r.workspaceId === workspaceId);
  if (!run) throw new Error('the step created no run');
  return run;
}

/** An applying run on the TFE-shaped server: its milestones after `applied`. */
async function waitingRound(
  emulator: Emulator,
  runtime: LatencyRuntime,
  action: string
): Promise<WaitingRound> {
  const workspace = newWorkspace(emulator);
  const first = emulator.requests.length;
  const step = await runStep(
    runtime,
    action,
    inputsFor(emulator, workspace.name, { apply: 'true' })
  );
  const run = runOf(emulator, workspace.id);
  const settled = Date.parse(run.statusTimestamps['applied-at'] ?? '');
  if (step.code !== 0 || Number.isNaN(settled)) {
    throw new Error(`the applying run did not succeed (exit ${step.code})`);
  }
  const requests = emulator.requests.slice(first);
  const runPath = `/api/v2/runs/${run.id}`;
  const runReads = requests.filter(r => r.method === 'GET' && r.path === runPath);
  // When the last such request came, after the settle (0: all came before).
  const after = (test: (p: string) => boolean): number =>
    Math.max(settled, ...requests.filter(r => test(r.path)).map(r => r.time)) - settled;
  const seenAt = runReads.find(r => r.time >= settled)?.time ?? step.exitAt;
  const created = Date.parse(run.createdAt);
  const waited = runReads.filter(r => r.time < settled).map(r => r.time);
  const mostInOneSecond = Math.max(
    ...waited.map(start => waited.filter(t => t >= start && t < start + 1000).length)
  );
  return {
    seen: seenAt - settled,
    logsRead: after(p => p.startsWith('/_archivist/logs/')),
    resultsRead: after(p =>
      /\/(policy-checks|task-stages|cost-estimates|current-state-version-outputs)/.test(p)
    ),
    planJsonRead: after(p => p.startsWith('/_archivist/json/')),
    reportWritten: (step.lines.at(-1)?.at ?? step.exitAt) - settled,
    exited: step.exitAt - settled,
    readsPerSecond: waited.length / ((settled - created) / 1000),
    mostInOneSecond
  };
}

/** A speculative plan on a server that settles it at once: spawn to exit. */
async function instantRound(
  emulator: Emulator,
  runtime: LatencyRuntime,
  action: string
): Promise<InstantRound> {
  const workspace = newWorkspace(emulator);
  const start = Date.now();
  const step = await runStep(
    runtime,
    action,
    inputsFor(emulator, workspace.name, { speculative: 'true' })
  );
  if (step.code !== 0) throw new Error(`the instant run failed (exit ${step.code})`);
  return { total: step.exitAt - start, startUp: (step.lines[0]?.at ?? step.exitAt) - start };
}

/** Rounds interleave the runtimes, so both see the same load; medians per runtime. */
export async function measureLatency(
  runtimes: readonly LatencyRuntime[],
  action: string,
  rounds: number
): Promise<LatencyRow[]> {
  if (!fs.existsSync(action)) throw new Error(`no built action at ${action}`);
  const waitingServer = await startEmulator({ ...WAITING_SERVER });
  const instantServer = await startEmulator({ ...INSTANT_SERVER });
  const waiting = runtimes.map((): WaitingRound[] => []);
  const instant = runtimes.map((): InstantRound[] => []);
  try {
    // One unmeasured step per runtime first: the first start reads the files from disk.
    for (const runtime of runtimes) await instantRound(instantServer, runtime, action);
    for (let round = 0; round < rounds; round++) {
      for (const [i, runtime] of runtimes.entries()) {
        waiting[i].push(await waitingRound(waitingServer, runtime, action));
        instant[i].push(await instantRound(instantServer, runtime, action));
      }
      process.stderr.write(`  latency: round ${round + 1}/${rounds} done\n`);
    }
  } finally {
    await waitingServer.close();
    await instantServer.close();
  }
  return runtimes.map((runtime, i) => {
    const of = (key: keyof WaitingRound) => median(waiting[i].map(r => r[key]));
    return {
      runtime,
      rounds,
      instant: {
        total: median(instant[i].map(r => r.total)),
        startUp: median(instant[i].map(r => r.startUp))
      },
      waiting: {
        seen: of('seen'),
        logsRead: of('logsRead'),
        resultsRead: of('resultsRead'),
        planJsonRead: of('planJsonRead'),
        reportWritten: of('reportWritten'),
        exited: of('exited'),
        readsPerSecond: of('readsPerSecond'),
        mostInOneSecond: Math.max(...waiting[i].map(r => r.mostInOneSecond))
      }
    };
  });
}

export function printLatency(rows: readonly LatencyRow[]): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const lines = [
    '| Node | settled → exit | run seen | logs read | results read | plan JSON read | report written | run reads/s waiting (most in 1 s) | instant run: whole step (start-up) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      ({ runtime, waiting: w, instant }) =>
        `| ${runtime.version} | ${s(w.exited)} | ${s(w.seen)} | ${s(w.logsRead)} | ` +
        `${s(w.resultsRead)} | ${s(w.planJsonRead)} | ${s(w.reportWritten)} | ` +
        `${w.readsPerSecond.toFixed(2)} (${w.mostInOneSecond}) | ` +
        `${s(instant.total)} (${s(instant.startUp)}) |`
    )
  ];
  console.log(lines.join('\n'));
  const rounds = rows[0]?.rounds ?? 0;
  console.log(
    `\nLatency: medians of ${rounds} rounds; times after the run settled (the emulator's ` +
      '`applied-at`) until each was done; an applying run on a TFE-shaped emulator ' +
      `(blobs on the API host, 30 requests/s, a status step every ${WAITING_SERVER.stepMs} ms, ` +
      `each log ending ${WAITING_SERVER.logLeadMs} ms before its phase); the instant run: a ` +
      'speculative plan on a server that settles it at once, from spawn to exit (start-up: ' +
      'to its first line). ' +
      'Targets: settled → exit ≤ 1 s, ≤ 1 run read/s waiting, instant run < 0.5 s.'
  );
}
