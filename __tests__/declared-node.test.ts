/** scripts/declared-node.js: the runtime action.yml declares, which the dist tests also use. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { runtimes } from './helpers/runtimes.js';

interface DeclaredNode {
  declaredMajor: (actionYml?: string) => number;
}
// A plain ESM script (it runs before `npm test` in CI): imported without type declarations.
const script = path.resolve(import.meta.dirname, '../scripts/declared-node.js');
const { declaredMajor } = (await import(script)) as DeclaredNode;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'declared-node-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let made = 0;

function actionYml(runs: string): string {
  const file = path.join(dir, `action-${++made}.yml`);
  fs.writeFileSync(file, `name: x\ndescription: x\nruns:\n${runs}`);
  return file;
}

describe('declared Node runtime', () => {
  it('is the major version in runs.using', () => {
    expect(declaredMajor(actionYml("  using: 'node26'\n  main: dist/index.js\n"))).toBe(26);
    expect(declaredMajor(actionYml('  using: node24\n  main: dist/index.js\n'))).toBe(24);
    expect(() => declaredMajor(actionYml('  using: composite\n  steps: []\n'))).toThrow(
      'runs.using is "composite", expected nodeNN'
    );
  });

  it('is one of the runtimes the built action is tested on', () => {
    const majors = runtimes().map(runtime =>
      Number(
        execFileSync(runtime.node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).split(
          '.'
        )[0]
      )
    );
    expect(majors).toContain(declaredMajor());
    expect(majors[0]).toBe(Number(process.versions.node.split('.')[0]));
  });
});
