#!/usr/bin/env node
// `npm run demo`: runs the built action (dist/index.js) end to end against the local TFE
// emulator, the way the GitHub runner runs it (INPUT_* variables, GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files), on the sample configuration in demo/infra. No account, no
// network: everything stays on this machine.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../emulator/server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The Node that runs the bundle: this one, or DEMO_NODE (the tests run the demo on the
// runtime action.yml declares as well).
const node = process.env.DEMO_NODE || process.execPath;

/** Runs dist/index.js as the runner would and prints its outputs and summary. */
async function runStep(title, emulator, inputs) {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfe-run-demo-'));
  const files = {
    GITHUB_OUTPUT: path.join(temp, 'output'),
    GITHUB_STEP_SUMMARY: path.join(temp, 'summary.md'),
    GITHUB_STATE: path.join(temp, 'state')
  };
  for (const file of Object.values(files)) fs.writeFileSync(file, '');
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_WORKSPACE: root,
    GITHUB_REPOSITORY: 'acme/infrastructure',
    GITHUB_SHA: '4f2c9e1b7a3d5c8e9f0a1b2c3d4e5f6a7b8c9d0e',
    GITHUB_WORKFLOW: 'demo',
    GITHUB_RUN_ID: '1',
    GITHUB_EVENT_NAME: 'push',
    RUNNER_TEMP: temp,
    ...files,
    INPUT_TOKEN: emulator.token,
    INPUT_HOSTNAME: emulator.url,
    INPUT_ORGANIZATION: 'acme',
    INPUT_WORKSPACE: 'networking',
    INPUT_DIRECTORY: 'demo/infra',
    'INPUT_COMMENT-ON-PR': 'false',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
  };
  console.log(`\n=== ${title} ===\n`);
  const code = await new Promise(resolve => {
    const child = spawn(node, [path.join(root, 'dist/index.js')], {
      env,
      stdio: ['ignore', 'pipe', 'inherit']
    });
    // The runner hides ::debug:: lines unless step debugging is on; so does the demo.
    let pending = '';
    child.stdout.on('data', chunk => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (!line.startsWith('::debug::')) console.log(line);
    });
    child.on('close', code => {
      if (pending && !pending.startsWith('::debug::')) console.log(pending);
      resolve(code);
    });
  });
  console.log(`\n--- exit code ${code}; outputs (${files.GITHUB_OUTPUT}) ---`);
  console.log(readOutputs(files.GITHUB_OUTPUT));
  console.log(`--- job summary (${files.GITHUB_STEP_SUMMARY}) ---`);
  console.log(fs.readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'));
  fs.rmSync(temp, { recursive: true, force: true });
  return code;
}

/** GITHUB_OUTPUT uses `name<<delimiter` blocks; print them as name=value. */
function readOutputs(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]);
    if (!match) continue;
    const value = [];
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i]);
    const text = value.join('\n');
    out.push(
      `${match[1]}=${text.length > 120 ? `${text.slice(0, 117).replace(/\n/g, ' ')}...` : text}`
    );
  }
  return out.join('\n');
}

const emulator = await startEmulator({ stepMs: 150 });
emulator.addWorkspace({ organization: 'acme', name: 'networking' });
console.log(`TFE emulator at ${emulator.url} (uploads and logs at ${emulator.blobUrl})`);
let failed = 0;
try {
  failed +=
    (await runStep('1. Plan preview, as on a pull request (speculative: true)', emulator, {
      speculative: 'true'
    })) === 0
      ? 0
      : 1;
  failed +=
    (await runStep('2. Plan and apply, as on a push to main (apply: true)', emulator, {
      apply: 'true'
    })) === 0
      ? 0
      : 1;
} finally {
  await emulator.close();
}
console.log(
  failed
    ? `\n${failed} step(s) failed.`
    : `\nDone: one configuration version and one run per step (${emulator.runs.length} runs in all).`
);
process.exitCode = failed ? 1 : 0;
