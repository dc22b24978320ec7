/** Failures while packing: a clear PackError and no partial archive left behind. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { PackError, packDirectory } from '../../src/slug/index.js';
import { packToFile } from '../../src/slug/pack.js';
import { buildTree, listArchive, sandbox } from './helpers.js';

const box = sandbox();
afterAll(() => box.cleanup());

async function packChanging(dir: string, change: (file: string) => void): Promise<unknown> {
  const temp = fs.mkdtempSync(path.join(box.base, 'out-'));
  const error = await packToFile(path.join(box.base, dir), box.base, temp, () => undefined, {
    beforeBody: entry => change(entry.source)
  }).then(
    () => null,
    (caught: unknown) => caught
  );
  expect(fs.readdirSync(temp)).toEqual([]);
  return error;
}

describe('files that change while packing', () => {
  it.each([
    ['grows', (file: string) => fs.appendFileSync(file, 'more')],
    ['shrinks', (file: string) => fs.truncateSync(file, 1)],
    [
      'is rewritten with the same size',
      (file: string) => {
        fs.writeFileSync(file, 'XXXX');
        fs.utimesSync(file, 1, 1);
      }
    ],
    ['vanishes', (file: string) => fs.rmSync(file)]
  ])('fails when a file %s', async (_title, change) => {
    const dir = fs.mkdtempSync(path.join(box.base, 'change-'));
    buildTree(dir, { 'a.tf': 'abcd' });
    const error = await packChanging(path.basename(dir), change);
    expect(error).toBeInstanceOf(PackError);
    expect((error as Error).message).toContain('"a.tf"');
  });
});

describe('packDirectory', () => {
  it('rejects a path that is not a directory', async () => {
    buildTree(box.base, { 'plain.txt': 'x' });
    await expect(
      packDirectory({
        directory: `${box.base}/plain.txt`,
        workspaceRoot: box.base,
        tempDir: box.base
      })
    ).rejects.toThrow(PackError);
  });

  it('rejects a missing directory', async () => {
    await expect(
      packDirectory({ directory: `${box.base}/nope`, workspaceRoot: box.base, tempDir: box.base })
    ).rejects.toThrow(/nope.*ENOENT/);
  });

  it('never packs its own archive when the temp dir is inside the tree', async () => {
    buildTree(`${box.base}/inner`, { 'a.tf': 'a', 'tmp/.keep': '' });
    const result = await packDirectory({
      directory: `${box.base}/inner`,
      workspaceRoot: box.base,
      tempDir: `${box.base}/inner/tmp`
    });
    expect((await listArchive(result.path)).map(e => e.name)).toEqual([
      'a.tf',
      'tmp/',
      'tmp/.keep'
    ]);
    await result.remove();
  });

  it('writes to RUNNER_TEMP by default, with a unique name; remove() can run twice', async () => {
    buildTree(`${box.base}/tmpdir/src`, { 'a.tf': 'a' });
    const runnerTemp = `${box.base}/tmpdir/runner-temp`;
    fs.mkdirSync(runnerTemp);
    const saved = process.env.RUNNER_TEMP;
    process.env.RUNNER_TEMP = runnerTemp;
    try {
      const options = { directory: `${box.base}/tmpdir/src`, workspaceRoot: box.base };
      const [one, two] = await Promise.all([packDirectory(options), packDirectory(options)]);
      expect(path.dirname(one.path)).toBe(runnerTemp);
      expect(one.path).not.toBe(two.path);
      expect(one.size).toBe(fs.statSync(one.path).size);
      expect(one.entries).toBe(1);
      await one.remove();
      await one.remove();
      await two.remove();
      expect(fs.readdirSync(runnerTemp)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.RUNNER_TEMP;
      else process.env.RUNNER_TEMP = saved;
    }
  });

  it('reports skipped .terraformignore lines through onWarning', async () => {
    buildTree(`${box.base}/warn`, { '.terraformignore': 'a\n   \n!\n', 'a.tf': 'a', a: 'x' });
    await box.pack('warn');
    expect(box.warnings.filter(w => w.includes('.terraformignore line'))).toHaveLength(2);
  });

  // Root reads every directory whatever its mode: nothing to observe there.
  const asUser = process.getuid?.() === 0 ? it.skip : it;
  asUser('fails on an unreadable directory', async () => {
    buildTree(`${box.base}/locked`, { 'd/a.tf': 'a' });
    fs.chmodSync(`${box.base}/locked/d`, 0);
    try {
      await expect(box.pack('locked')).rejects.toThrow(/"d\/?"/);
    } finally {
      fs.chmodSync(`${box.base}/locked/d`, 0o755);
    }
  });
});
