/**
 * `npm run demo`, the newcomer's first command: the built action end to end against the
 * emulator, on this machine's Node and on the runtime action.yml declares.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { runtimes } from './helpers/runtimes.js';

const root = path.resolve(import.meta.dirname, '..');

describe.each(runtimes())('the demo, with the bundle on $label', runtime => {
  it('plans, then plans and applies, with one run per step', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(root, 'scripts/demo.js')],
      {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DEMO_NODE: runtime.node }
      }
    );
    expect(stdout).toContain('=== 1. Plan preview');
    expect(stdout).toMatch(/run-status=planned_and_finished/);
    expect(stdout).toMatch(/run-status=applied/);
    // demo/infra/outputs.tf: plain outputs become step outputs; the sensitive one is named only.
    expect(stdout).toContain('environment=demo');
    expect(stdout).toContain('| `database_password` | `string` | *sensitive* |');
    expect(stdout).not.toContain('not-a-real-password');
    expect(stdout).toContain(
      'Done: one configuration version and one run per step (2 runs in all).'
    );
  }, 60_000);
});
