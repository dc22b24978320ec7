/**
 * `npm run bench`: times our packer against `tar -czf` (and go-slug when Go is present)
 * on a deterministic ~20,000-file / ~200 MB tree and on twice that tree, side by side in
 * the same run, and reports our peak RSS. Our packer runs in a child process so its
 * memory is measured alone; "pack+upload" also PUTs the archive to the upload URL of a
 * configuration version of the local TFE emulator, with the action's own upload code
 * (streamed from disk with Content-Length).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packDirectory } from '../src/slug/index.js';
import { TfeClient } from '../src/tfe/client.js';
import { makeBenchTree } from './bench-tree.js';

interface ChildReport {
  readonly packMs: number;
  readonly totalMs: number;
  readonly size: number;
  readonly entries: number;
  readonly maxRssMb: number;
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
    maxRssMb: process.resourceUsage().maxRSS / 1024
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

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

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

interface Row {
  readonly label: string;
  readonly files: number;
  readonly mb: number;
  readonly tar: number;
  readonly pack: number;
  readonly packUpload: number;
  readonly goSlug: number | null;
  readonly rss: number;
  readonly archiveMb: number;
  readonly tarMb: number;
}

async function measure(
  label: string,
  tree: string,
  scratch: string,
  uploadTarget: () => Promise<{ url: string; settled: () => Promise<void> }>,
  goSlug: string | null,
  rounds: number
): Promise<Row> {
  const stats = { files: 0, bytes: 0 };
  const counted = await run('du', ['-sb', tree]);
  stats.bytes = Number(counted.stdout.split('\t')[0]);
  stats.files = Number((await run('sh', ['-c', `find "${tree}" -type f | wc -l`])).stdout.trim());
  // Flush the freshly written tree (writeback would slow whichever run comes first), then
  // warm the page cache so every contender reads from memory.
  await run('sync', []);
  await run('tar', ['-cf', '/dev/null', '-C', tree, '.']);
  const tarOut = path.join(scratch, 'tar.tgz');
  const times = {
    tar: [] as number[],
    pack: [] as number[],
    upload: [] as number[],
    go: [] as number[]
  };
  let rss = 0;
  let archive = 0;
  for (let round = 0; round < rounds; round++) {
    times.tar.push((await run('tar', ['-czf', tarOut, '-C', tree, '.'])).ms);
    const self = [process.argv[1], '--child', tree, scratch];
    const packOnly = JSON.parse((await run(process.execPath, self)).stdout) as ChildReport;
    const target = await uploadTarget();
    const withUpload = JSON.parse(
      (await run(process.execPath, [...self, target.url])).stdout
    ) as ChildReport;
    // Let the emulator finish reading the archive before the next timing starts.
    await target.settled();
    times.pack.push(packOnly.packMs);
    times.upload.push(withUpload.totalMs);
    rss = Math.max(rss, packOnly.maxRssMb, withUpload.maxRssMb);
    archive = packOnly.size;
    if (goSlug) {
      times.go.push((await run(goSlug, ['-pack', tree, path.join(scratch, 'go.tgz')])).ms);
    }
    process.stderr.write(`  ${label}: round ${round + 1}/${rounds} done\n`);
  }
  const tarSize = fs.statSync(tarOut).size;
  fs.rmSync(tarOut, { force: true });
  fs.rmSync(path.join(scratch, 'go.tgz'), { force: true });
  return {
    label,
    files: stats.files,
    mb: stats.bytes / 1e6,
    tar: median(times.tar),
    pack: median(times.pack),
    packUpload: median(times.upload),
    goSlug: goSlug ? median(times.go) : null,
    rss,
    archiveMb: archive / 1e6,
    tarMb: tarSize / 1e6
  };
}

function print(rows: Row[]): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const lines = [
    `| tree | files | MB | tar -czf | our pack (ratio) | pack+upload (ratio) | go-slug 0.9.1 (ratio) | our peak RSS | archive MB (tar's) |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...rows.map(
      r =>
        `| ${r.label} | ${r.files} | ${r.mb.toFixed(0)} | ${s(r.tar)} | ${s(r.pack)} (${(r.pack / r.tar).toFixed(2)}×) | ` +
        `${s(r.packUpload)} (${(r.packUpload / r.tar).toFixed(2)}×) | ` +
        `${r.goSlug === null ? 'n/a (no Go)' : `${s(r.goSlug)} (${(r.goSlug / r.tar).toFixed(2)}×)`} | ` +
        `${r.rss.toFixed(0)} MB | ${r.archiveMb.toFixed(1)} (${r.tarMb.toFixed(1)}) |`
    )
  ];
  console.log(lines.join('\n'));
  console.log(
    `\n${os.cpus().length} CPUs, Node ${process.version}; medians of the rounds; ` +
      'targets: pack+upload ≤ 0.6× tar -czf, peak RSS < 120 MB and flat.'
  );
}

/**
 * Starts the TFE emulator in a process of its own (`npm run emulator`): kept out of this
 * process, whose memory every child would otherwise inherit in its peak RSS (fork).
 */
async function startEmulatorProcess(): Promise<{
  api: string;
  token: string;
  workspaceId: string;
  stop: () => void;
}> {
  // Found through npm's variables at run time: a path ncc could work out at build time would
  // be copied into the bench bundle as an asset, without the emulator's other modules.
  const root = process.env.npm_package_json
    ? path.dirname(process.env.npm_package_json)
    : process.cwd();
  const cli = path.join(root, 'emulator', 'cli.js');
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
  return { api, token, workspaceId, stop: () => proc.kill('SIGTERM') };
}

async function main(): Promise<void> {
  const scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'slug-bench-')));
  const emulator = await startEmulatorProcess();
  const headers = {
    Authorization: `Bearer ${emulator.token}`,
    'Content-Type': 'application/vnd.api+json'
  };
  let uploaded = 0;
  /** A fresh configuration version's upload URL, and a wait for the emulator to read it. */
  const uploadTarget = async () => {
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
        if (status === 'uploaded') {
          uploaded++;
          return;
        }
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      throw new Error(`the emulator did not process ${id}`);
    };
    return { url: created.data.attributes['upload-url'], settled };
  };
  try {
    const goSlug = await buildGoSlug(scratch);
    if (!goSlug) console.error('go-slug timing skipped: Go or the go-slug sources are missing');
    const rows: Row[] = [];
    const scales = (process.env.BENCH_SCALES ?? '1,2').split(',').map(Number);
    for (const scale of scales) {
      const tree = path.join(scratch, `tree-${scale}x`);
      process.stderr.write(`making the ${scale}× tree…\n`);
      makeBenchTree(tree, scale);
      rows.push(
        await measure(`${scale}×`, tree, scratch, uploadTarget, goSlug, scale === 1 ? 3 : 2)
      );
      fs.rmSync(tree, { recursive: true, force: true });
    }
    print(rows);
    if (uploaded === 0) throw new Error('the emulator accepted no upload');
  } finally {
    emulator.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  await child(args[1], args[2], args[3]);
} else {
  await main();
}
