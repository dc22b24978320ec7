/**
 * Differential test against go-slug itself: the same generated trees packed by go-slug
 * (tools/go-slug-list, built here from Debian's golang-github-hashicorp-go-slug-dev) and by
 * us must give identical entries: path, type, size, content, mode, link target.
 *
 * Debian ships go-slug 0.9.1; we follow v0.16.x. The differences of docs/packing-notes.md §7, and how
 * each is handled here:
 *  1. 0.9.1 excludes `terraform.tfstate` by default (removed in v0.12.0): the trees contain
 *     such files; they are dropped from our list before comparing.
 *  2. 0.9.1 rewrites absolute links inside the root as relative ones: the trees contain
 *     such links; ours are rewritten the same way before comparing.
 *  3. 0.9.1's string-prefix inside test (`root` vs `rootsibling`): not generated.
 *  4. 0.9.1 cannot pack an external link to another link: not generated.
 *  5. 0.9.1 packs a root given as a symlink as an empty archive: not generated (the action
 *     passes real paths).
 *  6. gzip level (6 vs 1) and error texts: not compared (entries only).
 *  7. Unicode NFC normalisation (v0.18.3 only): we follow v0.16.x, as 0.9.1 does.
 *  8. Lines go-slug panics on (whitespace only, a lone `!`): not generated.
 *  9. Not a version difference but ours: `.git` internals are never packed, while go-slug
 *     packs what a `!.git/` rule re-includes. The trees contain such rules; entries below
 *     a `.git` directory are dropped from go-slug's list before comparing.
 * Also avoided: links inside dereferenced directories, which 0.9.1 judges against the
 * external directory instead of the root (not listed in §7; v0.16+ dereferences them).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { packDirectory } from '../../src/slug/index.js';
import { listArchive, type ListedEntry } from './helpers.js';
import { randomTree } from './random-tree.js';

const GO_SLUG = '/usr/share/gocode/src/github.com/hashicorp/go-slug';
const TOOL = path.resolve('tools/go-slug-list');
const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

function missing(): string | null {
  if (spawnSync('go', ['version']).status !== 0)
    return 'Go is not installed (apt-get install golang-go)';
  if (!fs.existsSync(path.join(GO_SLUG, 'slug.go'))) {
    return `go-slug sources are missing at ${GO_SLUG} (apt-get install golang-github-hashicorp-go-slug-dev)`;
  }
  return null;
}

const reason = missing();
if (reason) console.warn(`go-slug parity test skipped: ${reason}`);

type Compared = Pick<ListedEntry, 'name' | 'type' | 'size' | 'mode' | 'linkname' | 'sha256'>;

const scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'slug-parity-')));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

(reason ? describe.skip : describe)(
  `go-slug parity${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    const binary = path.join(scratch, 'go-slug-list');
    beforeAll(() => {
      execFileSync('go', ['build', '-o', binary, '.'], {
        cwd: TOOL,
        env: {
          ...process.env,
          GO111MODULE: 'off',
          GOPATH: '/usr/share/gocode',
          GOCACHE: path.join(scratch, 'go-cache'),
          GOFLAGS: '',
          GOPROXY: 'off'
        },
        stdio: ['ignore', 'ignore', 'pipe']
      });
    }, 120_000);

    it.each(SEEDS)('tree %i gives the same entries', async seed => {
      const base = path.join(scratch, `tree-${seed}`);
      const { root } = randomTree(base, seed);
      const goEntries = execFileSync(binary, [root], { encoding: 'utf8' })
        .split('\n')
        .filter(line => line !== '')
        .map(line => JSON.parse(line) as Compared)
        // Difference 9: `.git` internals.
        .filter(e => !e.name.split('/').slice(0, -1).includes('.git'));
      const result = await packDirectory({
        directory: root,
        workspaceRoot: base,
        tempDir: scratch
      });
      const ours = (await listArchive(result.path))
        // Difference 1: 0.9.1's default `terraform.tfstate` rule.
        .filter(e => path.posix.basename(e.name) !== 'terraform.tfstate')
        .map(({ name, type, size, mode, linkname, sha256 }) => ({
          name,
          type,
          size,
          mode,
          // Difference 2: 0.9.1 stores absolute internal links relative to the link.
          linkname: path.isAbsolute(linkname)
            ? path.relative(path.dirname(path.join(root, name)), linkname) || '.'
            : linkname,
          sha256
        }));
      await result.remove();
      expect(ours).toEqual(goEntries);
    });
  }
);
