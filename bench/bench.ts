/**
 * `npm run bench`: times our packer against `tar -czf` (and go-slug when Go is present)
 * on a deterministic ~20,000-file / ~200 MB tree and on twice that tree, side by side in
 * the same run, on this machine's Node and on the one action.yml declares, and reports our
 * peak RSS. Our packer runs in a child process so its memory is measured alone;
 * "pack+upload" also PUTs the archive to the upload URL of a configuration version of the
 * local TFE emulator, with the action's own upload code (streamed with Content-Length).
 * Then the latency part (bench/latency.ts) on the same runtimes. `BENCH_PARTS=latency` (or
 * `packing`) runs one part only.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packDirectory } from '../src/slug/index.js';
import { TfeClient } from '../src/tfe/client.js';
import { makeBenchTree } from './bench-tree.js';
import { type LatencyRow, measureLatency, printLatency } from './latency.js';
import { median } from './stats.js';

interface ChildReport {
  readonly packMs: number;
  readonly totalMs: number;
  readonly size: number;
  readonly entries: number;
  readonly maxRssMb: number;
}

/**
 * This process's peak resident memory in MB: VmHWM counts this program alone, where
 * getrusage's maxRSS keeps the larger of it and the memory of the process it was forked
 * from (Linux copies the parent's high-water mark into the child at exec).
 */
function peakRssMb(): number {
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // Not Linux: the rusage figure, which is right when the parent is small (as here).
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** Child mode: pack (and upload), then report times and peak RSS as one JSON line. */
async function child(dir: string, temp: string, url: string | undefined): Promise<void> {
  const start = performance.now();
  const result = await packDirectory({ directory: dir, workspaceRoot: dir, tempDir: temp });
  const packMs = performance.now() - start;
  if (url) {
    // The upload URL carries its own credential: the client sends no token there.
    const client = new TfeClient({ baseUrl: new URL(url).origin, token: 'unused' });
    await client.uploadArchive(url, result.path, result.size);
    client.dispose();
  }
  const totalMs = performance.now() - start;
  await result.remove();
  const report: ChildReport = {
    packMs,
    totalMs,
    size: result.size,
    entries: result.entries,
    maxRssMb: peakRssMb()
  };
  process.stdout.write(JSON.stringify(report) + '\n');
}

function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}
) {
  return new Promise<{ ms: number; stdout: string }>((resolve, reject) => {
    const start = performance.now();
    const proc = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    proc.on('error', reject);
    proc.on('close', code =>
      code === 0
        ? resolve({ ms: performance.now() - start, stdout })
        : reject(new Error(`${command} exited with ${code}`))
    );
  });
}

/** The median of `times[r] / tar[r]`: each time against the tar -czf of its own round. */
const medianRatio = (times: number[], tar: number[]): number =>
  median(times.map((ms, round) => ms / tar[round]));

async function buildGoSlug(scratch: string): Promise<string | null> {
  const sources = '/usr/share/gocode/src/github.com/hashicorp/go-slug';
  if (!fs.existsSync(path.join(sources, 'slug.go'))) return null;
  const binary = path.join(scratch, 'go-slug-list');
  try {
    await run('go', ['build', '-o', binary, '.'], {
      cwd: path.resolve('tools/go-slug-list'),
      env: {
        ...process.env,
        GO111MODULE: 'off',
        GOPATH: '/usr/share/gocode',
        GOCACHE: path.join(scratch, 'go-cache'),
        GOFLAGS: '',
        GOPROXY: 'off'
      }
    });
    return binary;
  } catch {
    return null;
  }
}

/** A Node binary the packer runs on, and its version. */
interface Runtime {
  readonly node: string;
  readonly version: string;
}

/** Times and peak RSS of our packer on one runtime (medians of the rounds, worst RSS). */
interface OurRow {
  readonly runtime: Runtime;
  readonly pack: number;
  readonly packUpload: number;
  /** Medians of each round's time over the same round's `tar -czf`: load shifts cancel out. */
  readonly packRatio: number;
  readonly packUploadRatio: number;
  readonly rss: number;
  readonly archiveMb: number;
}

interface Row {
  readonly label: string;
  readonly files: number;
  readonly mb: number;
  readonly tar: number;
  readonly ours: OurRow[];
  readonly goSlug: number | null;
  readonly goSlugRatio: number | null;
  readonly tarMb: number;
}

/** Runs the packer in a child on `runtime`; uploads too when given a target. */
async function packInChild(
  runtime: Runtime,
  tree: string,
  scratch: string,
  url?: string
): Promise<ChildReport> {
  const args = [process.argv[1], '--child', tree, scratch, ...(url ? [url] : [])];
  return JSON.parse((await run(runtime.node, args)).stdout) as ChildReport;
}

async function measure(
  label: string,
  tree: string,
  scratch: string,
  runtimes: Runtime[],
  goSlug: string | null,
  rounds: number
): Promise<Row> {
  const counted = await run('du', ['-sb', tree]);
  const bytes = Number(counted.stdout.split('\t')[0]);
  const files = Number((await run('sh', ['-c', `find "${tree}" -type f | wc -l`])).stdout.trim());
  // Flush the freshly written tree (writeback would slow whichever run comes first), then
  // warm the page cache so every contender reads from memory.
  await run('sync', []);
  await run('tar', ['-cf', '/dev/null', '-C', tree, '.']);
  const tarOut = path.join(scratch, 'tar.tgz');
  const tar: number[] = [];
  const go: number[] = [];
  const ours = runtimes.map(() => ({
    pack: [] as number[],
    upload: [] as number[],
    rss: 0,
    sizes: new Set<number>()
  }));
  for (let round = 0; round < rounds; round++) {
    tar.push((await run('tar', ['-czf', tarOut, '-C', tree, '.'])).ms);
    // A fresh emulator per round: it keeps every upload's files in memory.
    const emulator = await startEmulatorProcess();
    try {
      for (const [i, runtime] of runtimes.entries()) {
        const packOnly = await packInChild(runtime, tree, scratch);
        const target = await uploadTarget(emulator);
        const withUpload = await packInChild(runtime, tree, scratch, target.url);
        // Let the emulator finish reading the archive before the next timing starts.
        await target.settled();
        ours[i].pack.push(packOnly.packMs);
        ours[i].upload.push(withUpload.totalMs);
        ours[i].rss = Math.max(ours[i].rss, packOnly.maxRssMb, withUpload.maxRssMb);
        ours[i].sizes.add(packOnly.size).add(withUpload.size);
      }
    } finally {
      await emulator.stop();
    }
    if (goSlug) go.push((await run(goSlug, ['-pack', tree, path.join(scratch, 'go.tgz')])).ms);
    process.stderr.write(`  ${label}: round ${round + 1}/${rounds} done\n`);
  }
  // The archive depends on the tree and the runtime's zlib only: not on the round or on
  // which thread compressed which chunk.
  for (const [i, { sizes }] of ours.entries()) {
    if (sizes.size !== 1) {
      throw new Error(`${runtimes[i].version}: archive sizes differ: ${[...sizes].join(', ')}`);
    }
  }
  const tarSize = fs.statSync(tarOut).size;
  fs.rmSync(tarOut, { force: true });
  fs.rmSync(path.join(scratch, 'go.tgz'), { force: true });
  return {
    label,
    files,
    mb: bytes / 1e6,
    tar: median(tar),
    ours: runtimes.map((runtime, i) => ({
      runtime,
      pack: median(ours[i].pack),
      packUpload: median(ours[i].upload),
      packRatio: medianRatio(ours[i].pack, tar),
      packUploadRatio: medianRatio(ours[i].upload, tar),
      rss: ours[i].rss,
      archiveMb: [...ours[i].sizes][0] / 1e6
    })),
    goSlug: goSlug ? median(go) : null,
    goSlugRatio: goSlug ? medianRatio(go, tar) : null,
    tarMb: tarSize / 1e6
  };
}

function print(rows: Row[]): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const ratio = (ms: number, r: number) => `${s(ms)} (${r.toFixed(2)}×)`;
  const lines = [
    `| tree | files | MB | tar -czf | Node | our pack (ratio) | pack+upload (ratio) | our peak RSS | go-slug 0.9.1 (ratio) | archive MB (tar's) |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...rows.flatMap(r =>
      r.ours.map(
        o =>
          `| ${r.label} | ${r.files} | ${r.mb.toFixed(0)} | ${s(r.tar)} | ${o.runtime.version} | ` +
          `${ratio(o.pack, o.packRatio)} | ${ratio(o.packUpload, o.packUploadRatio)} | ` +
          `${o.rss.toFixed(0)} MB | ` +
          `${r.goSlug === null || r.goSlugRatio === null ? 'n/a (no Go)' : ratio(r.goSlug, r.goSlugRatio)} | ` +
          `${o.archiveMb.toFixed(1)} (${r.tarMb.toFixed(1)}) |`
      )
    )
  ];
  console.log(lines.join('\n'));
  console.log(
    '\nPacking: medians of the rounds; each ratio is the median of per-round ratios against ' +
      "that round's tar -czf (side by side, so the machine's load shifts cancel out); " +
      'peak RSS the worst (VmHWM, MB = 2^20 bytes); ' +
      'targets: pack+upload ≤ 0.6× tar -czf, peak RSS < 120 MB and flat.'
  );
}

/** Where the project is: found through npm's variables at run time (see below). */
function projectRoot(): string {
  // A path ncc could work out at build time would be copied into the bench bundle as an
  // asset, without its neighbours.
  return process.env.npm_package_json ? path.dirname(process.env.npm_package_json) : process.cwd();
}

/** This machine's Node and the one action.yml declares (installed once when missing). */
function benchRuntimes(): Runtime[] {
  const script = path.join(projectRoot(), 'scripts', 'declared-node.js');
  const declared = execFileSync(process.execPath, [script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit']
  }).trim();
  const nodes = declared === process.execPath ? [declared] : [process.execPath, declared];
  return nodes.map(node => ({
    node,
    version: execFileSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).trim()
  }));
}

interface EmulatorProcess {
  readonly api: string;
  readonly token: string;
  readonly workspaceId: string;
  readonly stop: () => Promise<void>;
}

/**
 * Starts the TFE emulator in a process of its own (`npm run emulator`): kept out of this
 * process, whose memory every child would otherwise inherit in its peak RSS (fork).
 */
async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const cli = path.join(projectRoot(), 'emulator', 'cli.js');
  const proc = spawn(process.execPath, [cli, '--step-ms', '20'], {
    stdio: ['ignore', 'pipe', 'inherit']
  });
  let text = '';
  for await (const chunk of proc.stdout) {
    text += (chunk as Buffer).toString();
    if (text.includes('Press Ctrl+C')) break;
  }
  const api = /API URL:\s+(\S+)/.exec(text)?.[1];
  const token = /token:\s+(\S+)/.exec(text)?.[1];
  const workspaceId = /\((ws-[^)]+)\)/.exec(text)?.[1];
  if (!api || !token || !workspaceId) throw new Error(`the emulator did not start:\n${text}`);
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise(resolve => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    // It waits for open connections to close; the next round needs its memory back now.
    const timer = setTimeout(() => proc.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  };
  return { api, token, workspaceId, stop };
}

/** A fresh configuration version's upload URL, and a wait for the emulator to read it. */
async function uploadTarget(
  emulator: EmulatorProcess
): Promise<{ url: string; settled: () => Promise<void> }> {
  const headers = {
    Authorization: `Bearer ${emulator.token}`,
    'Content-Type': 'application/vnd.api+json'
  };
  const response = await fetch(
    `${emulator.api}/workspaces/${emulator.workspaceId}/configuration-versions`,
    {
      method: 'POST',
      headers,
      body: JSON.stringify({
        data: { type: 'configuration-versions', attributes: { 'auto-queue-runs': false } }
      })
    }
  );
  const created = (await response.json()) as {
    data: { id: string; attributes: { 'upload-url': string } };
  };
  const id = created.data.id;
  const settled = async (): Promise<void> => {
    for (let i = 0; i < 1200; i++) {
      const shown = (await (
        await fetch(`${emulator.api}/configuration-versions/${id}`, { headers })
      ).json()) as { data: { attributes: { status: string; 'error-message'?: string } } };
      const { status } = shown.data.attributes;
      if (status === 'errored') {
        throw new Error(`upload errored: ${shown.data.attributes['error-message']}`);
      }
      if (status === 'uploaded') return;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    throw new Error(`the emulator did not process ${id}`);
  };
  return { url: created.data.attributes['upload-url'], settled };
}

async function main(): Promise<void> {
  const scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'slug-bench-')));
  const runtimes = benchRuntimes();
  const parts = (process.env.BENCH_PARTS ?? 'packing,latency').split(',');
  const before = os.loadavg();
  const rows: Row[] = [];
  let latency: LatencyRow[] = [];
  try {
    if (parts.includes('packing')) {
      const goSlug = await buildGoSlug(scratch);
      if (!goSlug) console.error('go-slug timing skipped: Go or the go-slug sources are missing');
      const scales = (process.env.BENCH_SCALES ?? '1,2').split(',').map(Number);
      for (const scale of scales) {
        const tree = path.join(scratch, `tree-${scale}x`);
        process.stderr.write(`making the ${scale}× tree…\n`);
        makeBenchTree(tree, scale);
        rows.push(await measure(`${scale}×`, tree, scratch, runtimes, goSlug, scale === 1 ? 5 : 3));
        fs.rmSync(tree, { recursive: true, force: true });
      }
    }
    if (parts.includes('latency')) {
      // The emulator lives in this process only now, after the packers measured their memory.
      const action = path.join(projectRoot(), '.bench-build', 'action', 'index.js');
      const rounds = Number(process.env.BENCH_LATENCY_ROUNDS ?? 5);
      latency = await measureLatency(runtimes, action, rounds);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  if (rows.length > 0) print(rows);
  if (latency.length > 0) {
    if (rows.length > 0) console.log('');
    printLatency(latency);
  }
  const avg = (l: number[]) => l.map(x => x.toFixed(1)).join(' ');
  console.log(
    `\n${os.cpus().length} CPUs; load average ${avg(before)} before, ${avg(os.loadavg())} after.`
  );
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  await child(args[1], args[2], args[3]);
} else {
  await main();
}
