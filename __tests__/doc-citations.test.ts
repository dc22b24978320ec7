/**
 * Comments cite documents a contributor has: the repository's docs/ (by file and section
 * number, or by heading for the contract), never notes outside the repository.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from '@jest/globals';

const root = path.resolve(import.meta.dirname, '..');
const FOLDERS = ['src', 'emulator', '__tests__', 'bench', 'scripts', 'tools'];

function sources(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(full);
      else if (/\.(ts|js|mjs|md|go)$/.test(entry.name)) files.push(full);
    }
  };
  for (const folder of FOLDERS)
    if (fs.existsSync(path.join(root, folder))) walk(path.join(root, folder));
  return files;
}

/** Section numbers (`8.4`, `14`) of a numbered document's headings. */
function sections(doc: string): Set<string> {
  const text = fs.readFileSync(path.join(root, 'docs', doc), 'utf8');
  return new Set([...text.matchAll(/^#{2,4} (\d+(?:\.\d+)*)\.? /gm)].map(match => match[1]));
}

describe('citations in code comments', () => {
  const files = sources().filter(file => file !== import.meta.filename);

  it('never point at documents outside the repository', () => {
    const stray: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const match of text.matchAll(
        /(?<![\w/-])(interface|tfe-api|slug|github)\.md|shared\/docs/g
      )) {
        stray.push(`${path.relative(root, file)}: ${match[0]}`);
      }
    }
    expect(stray).toEqual([]);
  });

  it('name sections that exist', () => {
    const known: Record<string, Set<string>> = {};
    const missing: string[] = [];
    let checked = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      // "docs/x.md §8.4, §8.5" and "docs/x.md §4-§11": every number after the file name.
      for (const match of text.matchAll(/docs\/([a-z-]+\.md) ((?:§[\d.]+[\d](?:[,–-] ?)?)+)/g)) {
        const doc = match[1];
        known[doc] ??= sections(doc);
        for (const number of match[2].match(/[\d.]*\d/g) ?? []) {
          checked++;
          if (!known[doc].has(number))
            missing.push(`${path.relative(root, file)}: ${doc} §${number}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });
});
