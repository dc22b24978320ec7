/**
 * A built script (`dist/index.js`, `dist/post/index.js`) run as the GitHub runner runs it:
 * `node <script>` in a child process with only the step's environment, stdout and stderr
 * read together.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export interface Finished {
  code: number | null;
  stdout: string;
}

/** The runner's Node of this test process. */
export const THIS_NODE = { node: process.execPath };

/** `runtime.node`: the Node binary; `script` relative to the project root. */
export function spawnStep(
  runtime: { readonly node: string },
  script: string,
  env: Record<string, string>,
  nodeArgs: string[] = []
): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(runtime.node, [...nodeArgs, path.join(root, script)], {
    // Only what the runner would give: no inherited INPUT_* or tokens from this process.
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const done = new Promise<Finished>(resolve =>
    child.on('exit', code => resolve({ code, stdout }))
  );
  return { child, done };
}
