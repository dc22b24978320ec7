/**
 * `logLeadMs`: the log of a phase ends (ETX) before the phase and the run change status, as
 * on TFE, where the worker closes the log before it reports; a client that reads the run on
 * the end marker must be ready to find it still running.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Emulator, startEmulator } from '../../emulator/server.js';
import {
  MAIN_TF,
  api,
  createRun,
  getRun,
  included,
  post,
  uploadConfig,
  waitFor,
  waitForStatus
} from './helpers.js';

const ETX = 0x03;

/** The whole log once it ends with ETX. */
async function endedLog(url: string): Promise<Buffer> {
  return waitFor(
    async () => {
      const body = Buffer.from(await (await fetch(`${url}?offset=0`)).arrayBuffer());
      return body.length > 0 && body[body.length - 1] === ETX ? body : undefined;
    },
    'the log end marker',
    10_000
  );
}

describe('emulator logLeadMs', () => {
  let emu: Emulator;
  let wsId: string;
  let cvId: string;

  beforeAll(async () => {
    // A lead long enough that the reads below always fall inside it.
    emu = await startEmulator({ stepMs: 5, logLeadMs: 3000 });
    wsId = emu.addWorkspace({ organization: 'acme', name: 'lead' }).id;
    cvId = (await uploadConfig(emu, wsId, { files: { 'main.tf': MAIN_TF } })).id;
  });
  afterAll(async () => {
    await emu.close();
  });

  it('ends the plan log first, then the plan and the run', async () => {
    const run = await createRun(emu, wsId, cvId, { 'plan-only': true });
    const started = await waitForStatus(emu, run.id, ['planning']);
    const log = await endedLog(included(started, 'plans').attributes['log-read-url'] as string);
    expect(log.toString('utf8')).toContain('Plan: ');

    const meanwhile = await getRun(emu, run.id);
    expect(meanwhile.data.attributes.status).toBe('planning');
    expect(included(meanwhile, 'plans').attributes.status).toBe('running');

    const done = await waitFor(
      async () => {
        const doc = await getRun(emu, run.id);
        return doc.data.attributes.status === 'planned_and_finished' ? doc : undefined;
      },
      'the plan to finish',
      10_000
    );
    expect(included(done, 'plans').attributes.status).toBe('finished');
  });

  it('lets a cancel in between end the run, and writes nothing after the end marker', async () => {
    const run = await createRun(emu, wsId, cvId, { 'plan-only': true });
    const started = await waitForStatus(emu, run.id, ['planning']);
    const url = included(started, 'plans').attributes['log-read-url'] as string;
    const log = await endedLog(url);

    const cancel = await api(emu, `/runs/${run.id}/actions/cancel`, post({}));
    expect(cancel.status).toBe(202);
    const canceled = await waitForStatus(emu, run.id, ['canceled']);
    expect(included(canceled, 'plans').attributes.status).toBe('canceled');
    const after = Buffer.from(await (await fetch(`${url}?offset=0`)).arrayBuffer());
    expect(after.equals(log)).toBe(true);
  });
});
