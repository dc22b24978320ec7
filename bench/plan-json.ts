/**
 * `npm run bench:plan-json`: reads JSON plans of 20, 50, 100 and 150 MB (emulator knob
 * `planJsonBytes`) the way the action does (streamed into PlanChangesReader), side by side
 * with the plain way (chunks joined once, then JSON.parse), each read in a child process so
 * its time and peak RSS are its own. 150 MB is past the action's cap: it falls back at once;
 * the "no cap" row reads it anyway to show the cost per MB.
 */
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import { startEmulator } from '../emulator/server.js';
import { createdRun, runReaches } from '../__tests__/helpers/api-runs.js';
import { resourceChangesFromPlanJson } from '../src/report/plan-changes.js';
import { PlanChangesReader } from '../src/report/plan-changes-reader.js';
import { TfeClient } from '../src/tfe/client.js';

const MB = 1_000_000;

interface Reading {
  readonly ms: number;
  readonly maxRssMb: number;
  readonly result: string;
}

/** Child: the action's way. */
async function streamed(url: string, token: string, planId: string, cap: number): Promise<string> {
  const client = new TfeClient({ baseUrl: url, token, limits: { planJsonBytes: cap } });
  try {
    const result = await client.getPlanJson(planId, () => new PlanChangesReader());
    return result.available ? `${result.value.length} changes` : `HTTP ${result.status}`;
  } catch (error) {
    return `fallback: ${(error as Error).name}`;
  } finally {
    client.dispose();
  }
}

/** Child: the plain way, for comparison: the whole body, joined once, then JSON.parse. */
async function parsed(url: string, token: string, planId: string): Promise<string> {
  const get = (target: string, headers: Record<string, string>) =>
    new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(target, { headers }, resolve).on('error', reject)
    );
  const first = await get(`${url}/api/v2/plans/${planId}/json-output`, {
    Authorization: `Bearer ${token}`
  });
  first.resume();
  const blob = await get(first.headers.location ?? '', {});
  const chunks: Buffer[] = [];
  for await (const chunk of blob) chunks.push(chunk as Buffer);
  const json: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  return `${resourceChangesFromPlanJson(json).length} changes`;
}

async function child(mode: string, args: string[]): Promise<void> {
  const [url, token, planId, cap] = args;
  const start = performance.now();
  const result =
    mode === 'parse'
      ? await parsed(url, token, planId)
      : await streamed(url, token, planId, Number(cap));
  const reading: Reading = {
    ms: performance.now() - start,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    result
  };
  process.stdout.write(JSON.stringify(reading) + '\n');
}

function inChild(args: string[]): Promise<Reading> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [process.argv[1], ...args], {
      stdio: ['ignore', 'pipe', 'inherit']
    });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('error', reject);
    proc.on('close', code =>
      code === 0 ? resolve(JSON.parse(out) as Reading) : reject(new Error(`child exited ${code}`))
    );
  });
}

async function main(): Promise<void> {
  const sizes = (process.argv[2] ?? '20,50,100,150').split(',').map(Number);
  const emulator = await startEmulator({ stepMs: 5 });
  const api = new TfeClient({ baseUrl: emulator.url, token: emulator.token });
  const row = (cells: string[]) => console.log(cells.map(c => c.padEnd(26)).join(''));
  row(['plan', 'action (streamed)', 'plain (join + parse)', 'time ratio, RSS ratio']);
  for (const size of sizes) {
    const ws = emulator.addWorkspace({ organization: 'bench', name: `plan-${size}` }) as {
      id: string;
    };
    emulator.setScenario(ws.id, { planJsonBytes: size * MB });
    const { runId } = await createdRun(api, ws.id, { 'plan-only': true });
    await runReaches(emulator, runId, ['planned_and_finished']);
    const plan = (await api.getRun(runId)).data.relationships?.plan?.data as { id: string };
    const base = [emulator.url, emulator.token, plan.id];
    const caps = size * MB > 128 * 1024 * 1024 ? ['default', 'none'] : ['default'];
    for (const cap of caps) {
      const ours = await inChild([
        'child',
        'stream',
        ...base,
        cap === 'none' ? '1e12' : `${128 * 1024 * 1024}`
      ]);
      const plain = await inChild(['child', 'parse', ...base]);
      const show = (r: Reading) => `${(r.ms / 1000).toFixed(2)} s, ${r.maxRssMb.toFixed(0)} MB`;
      row([
        `${size} MB${cap === 'none' ? ' (no cap)' : ''}`,
        `${show(ours)} ${ours.result.startsWith('fallback') ? '(fallback)' : ''}`,
        show(plain),
        `${(ours.ms / plain.ms).toFixed(2)}, ${(ours.maxRssMb / plain.maxRssMb).toFixed(2)}`
      ]);
    }
  }
  api.dispose();
  await emulator.close();
}

if (process.argv[2] === 'child') await child(process.argv[3], process.argv.slice(4));
else await main();
