// Reads an uploaded configuration archive and applies go-slug's Unpack rules
// (docs/packing-notes.md §6, §8.2), so that a client packing something the real server would
// refuse sees its configuration version end `errored`.
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { Parser } from 'tar';

/**
 * @typedef {{ name: string, type: string, size: number, linkname: string | null, mode: number }} ArchiveEntry
 * @typedef {{ size: number, entries: ArchiveEntry[], files: Map<string, string> }} ArchiveContent
 */

/** Thrown for an archive the server would refuse; `message` becomes the CV's error-message. */
export class IllegalSlugError extends Error {}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/**
 * Cleans a tar entry name the way go-slug does before its traversal check:
 * a leading `/` is dropped (the name is joined under the destination).
 * @param {string} name
 */
function cleanName(name) {
  const cleaned = path.posix.normalize(name.replace(/^\/+/, ''));
  return cleaned.replace(/\/+$/, '');
}

/** @param {string} cleaned */
function escapes(cleaned) {
  return cleaned === '..' || cleaned.startsWith('../');
}

/**
 * Parses the raw tar stream into entries and the text of regular files.
 * @param {Buffer} tarBytes
 * @returns {Promise<{ entry: ArchiveEntry, body: Buffer }[]>}
 */
function parseTar(tarBytes) {
  return new Promise((resolve, reject) => {
    /** @type {{ entry: ArchiveEntry, body: Buffer }[]} */
    const out = [];
    const parser = new Parser({ strict: true });
    parser.on('entry', entry => {
      /** @type {Buffer[]} */
      const chunks = [];
      const record = {
        entry: {
          name: entry.path,
          type: entry.type,
          size: entry.size,
          linkname: entry.linkpath ?? null,
          mode: (entry.mode ?? 0) & 0o7777
        },
        body: Buffer.alloc(0)
      };
      out.push(record);
      entry.on('data', (/** @type {Buffer} */ chunk) => chunks.push(chunk));
      entry.on('end', () => {
        record.body = Buffer.concat(chunks);
      });
    });
    parser.on('error', reject);
    parser.on('end', () => resolve(out));
    parser.end(tarBytes);
  });
}

/**
 * Validates an uploaded `.tar.gz` and returns its content.
 * @param {Buffer} body
 * @returns {Promise<ArchiveContent>}
 */
export async function readArchive(body) {
  if (body.length < 2 || body[0] !== 0x1f || body[1] !== 0x8b) {
    throw new IllegalSlugError('failed to uncompress slug: gzip: invalid header');
  }
  /** @type {Buffer} */
  let tarBytes;
  try {
    tarBytes = gunzipSync(body);
  } catch (error) {
    throw new IllegalSlugError(`failed to uncompress slug: ${String(error)}`);
  }
  /** @type {{ entry: ArchiveEntry, body: Buffer }[]} */
  let parsed;
  try {
    parsed = await parseTar(tarBytes);
  } catch (error) {
    throw new IllegalSlugError(`failed to untar slug: ${String(error)}`);
  }
  /** @type {ArchiveEntry[]} */
  const entries = [];
  /** @type {Map<string, string>} */
  const files = new Map();
  /** @type {Set<string>} */
  const symlinks = new Set();
  for (const { entry, body: content } of parsed) {
    if (entry.type === 'ExtendedHeader' || entry.type === 'GlobalExtendedHeader') continue;
    const name = cleanName(entry.name);
    // go-slug skips empty names, the root directory entry and macOS resource forks.
    if (name === '' || name === '.') continue;
    if (path.posix.basename(name).startsWith('._')) continue;
    if (escapes(name)) {
      throw new IllegalSlugError(
        `invalid filename, traversal with ".." outside of current directory: ${entry.name}`
      );
    }
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (symlinks.has(parent)) {
        throw new IllegalSlugError(`cannot extract "${name}" through symlink`);
      }
    }
    if (entry.type === 'SymbolicLink') {
      const target = entry.linkname ?? '';
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(name), target));
      if (path.posix.isAbsolute(target) || escapes(resolved)) {
        throw new IllegalSlugError(
          `invalid symlink ("${name}" -> "${target}") has external target`
        );
      }
      symlinks.add(name);
    } else if (FILE_TYPES.has(entry.type)) {
      files.set(name, content.toString('utf8'));
    } else if (entry.type !== 'Directory') {
      throw new IllegalSlugError(`failed creating "${name}": unsupported type ${entry.type}`);
    }
    entries.push({ ...entry, name });
  }
  return { size: body.length, entries, files };
}
