/** Test helpers: build trees in temp dirs, pack them, read the archive back with `tar`. */
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { packDirectory, type PackResult } from '../../src/slug/index.js';

export type Node =
  | string
  | { readonly content: string | Buffer; readonly mode?: number }
  | { readonly link: string }
  | { readonly dir: true }
  | { readonly fifo: true };

/** Creates `spec` under `root`: keys are `/`-separated paths, parents made as needed. */
export function buildTree(root: string, spec: Record<string, Node>): void {
  for (const [rel, node] of Object.entries(spec)) {
    const full = path.join(root, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    if (typeof node === 'string') fs.writeFileSync(full, node);
    else if ('content' in node) {
      fs.writeFileSync(full, node.content);
      if (node.mode !== undefined) fs.chmodSync(full, node.mode);
    } else if ('link' in node) fs.symlinkSync(node.link, full);
    else if ('dir' in node) fs.mkdirSync(full, { recursive: true });
    else execFileSync('mkfifo', [full]);
  }
}

export interface ListedEntry {
  readonly name: string;
  /** `0` file, `2` symlink, `5` directory. */
  readonly type: string;
  readonly size: number;
  readonly mode: number;
  readonly linkname: string;
  readonly sha256: string;
  readonly content: string;
}

const TYPES: Record<string, string> = {
  File: '0',
  OldFile: '0',
  SymbolicLink: '2',
  Directory: '5'
};

/** Reads a .tar.gz with the `tar` package (which also checks the gzip stream). */
export async function listArchive(file: string): Promise<ListedEntry[]> {
  // The tar package refuses an archive of only end blocks; go-slug writes exactly that
  // (1024 zero bytes) when everything is excluded.
  const raw = zlib.gunzipSync(fs.readFileSync(file));
  if (raw.length === 1024 && raw.every(byte => byte === 0)) return [];
  const entries: ListedEntry[] = [];
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => {
        const body = Buffer.concat(chunks);
        entries.push({
          name: entry.path,
          type: TYPES[entry.type] ?? entry.type,
          size: entry.size ?? 0,
          mode: entry.mode ?? 0,
          linkname: entry.linkpath ?? '',
          sha256: crypto.createHash('sha256').update(body).digest('hex'),
          content: body.toString('utf8')
        });
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.on('end', () => resolve());
    fs.createReadStream(file).on('error', reject).pipe(parser);
  });
  return entries;
}

export interface Sandbox {
  /** The workspace: the packed directories live below it. */
  readonly base: string;
  readonly warnings: string[];
  /** Packs `dir` (relative to base or absolute) and lists the archive. */
  pack(dir: string): Promise<{ result: PackResult; entries: ListedEntry[] }>;
  names(dir: string): Promise<string[]>;
  cleanup(): void;
}

export function sandbox(): Sandbox {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'slug-test-')));
  const temp = path.join(base, '.tmp-archives');
  fs.mkdirSync(temp);
  const warnings: string[] = [];
  const pack = async (dir: string) => {
    const result = await packDirectory({
      directory: path.resolve(base, dir),
      workspaceRoot: base,
      tempDir: temp,
      onWarning: message => warnings.push(message)
    });
    try {
      return { result, entries: await listArchive(result.path) };
    } finally {
      await result.remove();
    }
  };
  return {
    base,
    warnings,
    pack,
    names: async dir => (await pack(dir)).entries.map(entry => entry.name),
    cleanup: () => fs.rmSync(base, { recursive: true, force: true })
  };
}
