#!/usr/bin/env node
// `npm run emulator`: a standalone emulator for demos and manual testing.
import { parseArgs } from 'node:util';
import { startEmulator } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'blob-port': { type: 'string', default: '0' },
    token: { type: 'string', default: 'emulator-token' },
    'step-ms': { type: 'string', default: '300' },
    organization: { type: 'string', default: 'acme' },
    workspace: { type: 'string', default: 'networking' },
    help: { type: 'boolean', default: false }
  }
});

if (values.help) {
  process.stdout.write(
    'usage: node emulator/cli.js [--port N] [--blob-port N] [--token T] [--step-ms MS]\n' +
      '                            [--organization ORG] [--workspace NAME]\n'
  );
  process.exit(0);
}

/** @param {string} name @param {string} value */
function integer(name, value) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`--${name} must be a non-negative integer, got ${value}\n`);
    process.exit(2);
  }
  return n;
}

const emulator = await startEmulator({
  port: integer('port', values.port),
  blobPort: integer('blob-port', values['blob-port']),
  token: values.token,
  stepMs: integer('step-ms', values['step-ms'])
});
const ws = emulator.addWorkspace({ organization: values.organization, name: values.workspace });

process.stdout.write(
  [
    `TFE emulator running`,
    `  API URL:   ${emulator.url}/api/v2`,
    `  hostname:  ${emulator.url}   (the action's hostname input)`,
    `  blob URL:  ${emulator.blobUrl}`,
    `  token:     ${emulator.token}`,
    `  workspace: ${ws.organization}/${ws.name} (${ws.id})`,
    'Press Ctrl+C to stop.',
    ''
  ].join('\n')
);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void emulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
