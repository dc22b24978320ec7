/**
 * `npm run bench`: times our packer against `tar -czf` (and go-slug when Go is present)
 * on a deterministic ~20,000-file / ~200 MB tree and on twice that tree, side by side in
 * the same run, and reports our peak RSS. Our packer runs in a child process so its
 * memory is measured alone; "pack+upload" also PUTs the archive, streamed from disk with
 * Content-Length, to a local server that discards it.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { type AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { packDirectory } from '../src/slug/index.js';
import { makeBenchTree } from './bench-tree.js';

interface ChildReport {
  readonly packMs: number;
  readonly totalMs: number;
  readonly size: number;
  readonly entries: number;
  readonly maxRssMb: number;
}

async function upload(file: string, size: number, url: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'PUT',
        headers: { 'Content-Length': size, 'Content-Type': 'application/octet-stream' }
      },
      response => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 200 ? resolve() : reject(new Error(`PUT: ${response.statusCode}`))
        );
      }
    );
    request.on('error', reject);
    fs.createReadStream(file, { highWaterMark: 1024 * 1024 })
      .on('error', reject)
      .pipe(request);
  });
}

/** Child mode: pack (and upload), then report times and peak RSS as one JSON line. */
async function child(dir: string, temp: string, url: string | undefined): Promise<void> {
  const start = performance.now();
  const result = await packDirectory({ directory: dir, workspaceRoot: dir, tempDir: temp });
  const packMs = performance.now() - start;
  if (url) await upload(result.path, result.size, url);
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
  url: string,
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
    const withUpload = JSON.parse(
      (await run(process.execPath, [...self, url])).stdout
    ) as ChildReport;
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

async function main(): Promise<void> {
  const scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'slug-bench-')));
  let received = 0;
  const server = http.createServer((request, response) => {
    request.on('data', (chunk: Buffer) => (received += chunk.length));
    request.on('end', () => response.end('ok'));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`;
  try {
    const goSlug = await buildGoSlug(scratch);
    if (!goSlug) console.error('go-slug timing skipped: Go or the go-slug sources are missing');
    const rows: Row[] = [];
    const scales = (process.env.BENCH_SCALES ?? '1,2').split(',').map(Number);
    for (const scale of scales) {
      const tree = path.join(scratch, `tree-${scale}x`);
      process.stderr.write(`making the ${scale}× tree…\n`);
      makeBenchTree(tree, scale);
      rows.push(await measure(`${scale}×`, tree, scratch, url, goSlug, scale === 1 ? 3 : 2));
      fs.rmSync(tree, { recursive: true, force: true });
    }
    print(rows);
    if (received === 0) throw new Error('the upload server received nothing');
  } finally {
    server.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  await child(args[1], args[2], args[3]);
} else {
  await main();
}
