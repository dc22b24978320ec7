import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import path from 'node:path';

describe('emulator CLI', () => {
  it('starts, prints where it listens, serves the workspace and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        path.join('emulator', 'cli.js'),
        '--step-ms',
        '5',
        '--organization',
        'demo',
        '--workspace',
        'web'
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    );
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 10000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('Press Ctrl+C')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const apiUrl = /API URL:\s+(\S+)/.exec(out)?.[1] ?? '';
      const token = /token:\s+(\S+)/.exec(out)?.[1] ?? '';
      expect(out).toMatch(/blob URL:\s+http:\/\/127\.0\.0\.2:\d+/);
      expect(out).toMatch(/workspace:\s+demo\/web \(ws-/);
      const res = await fetch(`${apiUrl}/organizations/demo/workspaces/web`, {
        headers: { Authorization: `Bearer ${token}` }
      });
      expect(res.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
