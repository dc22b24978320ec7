/**
 * The Node runtimes to run the built action on: this machine's and the one action.yml
 * declares (`runs.using`), installed once by scripts/declared-node.js when missing. One
 * entry when they are the same major version.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

export interface Runtime {
  /** For test names, e.g. `Node v24.22.3 (action.yml: node24)`. */
  readonly label: string;
  readonly node: string;
}

const script = path.resolve(import.meta.dirname, '../../scripts/declared-node.js');
let cached: Runtime[] | undefined;

const versionOf = (node: string): string =>
  execFileSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).trim();

export function runtimes(): Runtime[] {
  if (cached) return cached;
  // Synchronous: describe.each needs the list while the test file is being collected.
  const declared = execFileSync(process.execPath, [script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit']
  }).trim();
  const list: Runtime[] = [
    { label: `Node ${process.version} (this machine)`, node: process.execPath }
  ];
  if (declared !== process.execPath) {
    const version = versionOf(declared);
    list.push({ label: `Node ${version} (action.yml)`, node: declared });
  }
  cached = list;
  return list;
}
