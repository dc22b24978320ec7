import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { planSummary, writeJobSummary } from '../../src/report/summary.js';
import { manyChanges, speculativeReport } from './fixtures.js';

let dir: string;
let saved: string | undefined;
let stdout: string[];

beforeEach(async () => {
  saved = process.env['GITHUB_STEP_SUMMARY'];
  dir = await mkdtemp(join(tmpdir(), 'summary-'));
  stdout = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
});

afterEach(async () => {
  jest.restoreAllMocks();
  if (saved === undefined) delete process.env['GITHUB_STEP_SUMMARY'];
  else process.env['GITHUB_STEP_SUMMARY'] = saved;
  await rm(dir, { recursive: true, force: true });
});

describe('writeJobSummary', () => {
  it('appends the rendered report to the step summary file', async () => {
    const path = join(dir, 'summary.md');
    await writeFile(path, 'earlier content\n');
    process.env['GITHUB_STEP_SUMMARY'] = path;
    await writeJobSummary(speculativeReport({ speculative: false }));
    const text = await readFile(path, 'utf8');
    expect(text.startsWith('earlier content\n### Terraform run: `acme/networking-prod`')).toBe(
      true
    );
    expect(text).toContain('run-CZcmD7eagjhyX0vN');
    expect(text).toContain('`planned_and_finished`');
    expect(text).toContain('- `aws_vpc.main`');
  });

  it('writes to the file named at call time, not a cached one', async () => {
    const first = join(dir, 'first.md');
    const second = join(dir, 'second.md');
    process.env['GITHUB_STEP_SUMMARY'] = first;
    await writeJobSummary(speculativeReport({ runId: 'run-First00000000001' }));
    process.env['GITHUB_STEP_SUMMARY'] = second;
    await writeJobSummary(speculativeReport({ runId: 'run-Second0000000001' }));
    expect(await readFile(first, 'utf8')).not.toContain('run-Second');
    expect(await readFile(second, 'utf8')).toContain('run-Second0000000001');
  });

  it('stays under 1 MiB for a huge plan, counting what the file already holds', async () => {
    const path = join(dir, 'summary.md');
    await writeFile(path, 'x'.repeat(100_000));
    process.env['GITHUB_STEP_SUMMARY'] = path;
    await writeJobSummary(speculativeReport({ resourceChanges: manyChanges(20_000) }));
    const text = await readFile(path, 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024 * 1024);
    expect(text).toMatch(/… and \d+ more/);
  });

  it('does nothing when GITHUB_STEP_SUMMARY is unset', async () => {
    delete process.env['GITHUB_STEP_SUMMARY'];
    await expect(writeJobSummary(speculativeReport())).resolves.toBeUndefined();
    expect(stdout.filter(l => l.startsWith('::warning::'))).toEqual([]);
  });

  it('warns instead of throwing when the file cannot be written', async () => {
    const path = join(dir, 'a-directory');
    await mkdir(path);
    process.env['GITHUB_STEP_SUMMARY'] = path;
    await expect(writeJobSummary(speculativeReport())).resolves.toBeUndefined();
    const warnings = stdout.filter(l => l.startsWith('::warning::'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Could not write the job summary');
  });
});

describe('planSummary', () => {
  it('is the report bounded by the comment limit', () => {
    const text = planSummary(speculativeReport({ resourceChanges: manyChanges(5_000) }), {});
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(65_536);
    expect(text).toContain('#### Resource changes (5000)');
    expect(text).not.toContain('<!-- tfe-run-action');
  });
});
