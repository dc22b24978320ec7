/**
 * Issue 9 end to end, in process: a run planned by one job and applied, discarded or left
 * alone by another (`run-id`), and configuration versions promoted from one workspace to
 * another (`configuration-version`), against the emulator over real HTTP with real
 * GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { run } from '../src/main.js';
import { type StepResult, resources, useCheckouts, withStep } from './helpers/runner.js';
import { type Emulator, useEmulator } from './helpers/emulator.js';
import { MAIN_TF, createCv, uploadConfig } from './emulator/helpers.js';

const fixture = useEmulator('jobs');
const { newWorkspace, runsOf, cvsOf } = fixture;
let emulator: Emulator;
const newCheckout = useCheckouts();

beforeAll(() => {
  emulator = fixture.emulator;
});

/** What the runner sets for the job that approves (the actor is who approved). */
const APPROVAL_ENV = {
  GITHUB_ACTOR: 'release-manager',
  GITHUB_RUN_NUMBER: '42',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SERVER_URL: 'https://github.com'
};
const APPROVAL_COMMENT =
  'GitHub Actions: acme/infrastructure, workflow "terraform", run 42, actor release-manager (https://github.com/acme/infrastructure/actions/runs/7)';

interface Request {
  host: string;
  method: string;
  path: string;
  authorization?: string;
}

const requests = () => emulator.requests as unknown as Request[];

/** A step with the given inputs; `files` become the checkout's `infra/` directory. */
async function step(
  inputs: Record<string, string>,
  options: {
    files?: Record<string, string>;
    signal?: AbortSignal;
    env?: Record<string, string>;
  } = {}
): Promise<StepResult & { requests: Request[] }> {
  const checkout = newCheckout(options.files ?? { 'main.tf': resources('a', 'b') });
  const before = requests().length;
  const result = await withStep(checkout, inputs, () => run({ signal: options.signal }), {
    ...APPROVAL_ENV,
    ...options.env
  });
  return { ...result, requests: requests().slice(before) };
}

/** The plan job: creates the run that a later job acts on. */
function planJob(workspace: string, extra: Record<string, string> = {}) {
  return step(fixture.inputs(workspace, extra));
}

/** A later job: only the token, the host and the run ID (no checkout needed). */
function runJob(runId: string, extra: Record<string, string> = {}) {
  return step({
    token: emulator.token,
    hostname: emulator.url,
    'run-id': runId,
    'comment-on-pr': 'false',
    ...extra
  });
}

/** Nothing that creates or uploads: no configuration version, no upload, no run. */
function expectNothingCreated(made: Request[]): void {
  const creates = made.filter(
    r =>
      (r.method === 'POST' && /\/configuration-versions$|\/runs$/.test(r.path)) ||
      (r.host === 'blob' && r.method === 'PUT')
  );
  expect(creates).toEqual([]);
}

/** Waits until the emulator's run reaches one of `statuses`; returns it. */
async function settledIn(runId: string, statuses: string[]): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const status = emulator.getRun(runId).status;
    if (statuses.includes(status)) return status;
    await new Promise(resolve => setTimeout(resolve, 10));
  }
  throw new Error(`run ${runId} never reached ${statuses.join(' or ')}`);
}

const actionPosts = (made: Request[]) =>
  made.filter(r => r.method === 'POST' && r.path.includes('/actions/'));

describe('run-id: apply the reviewed run in a later job', () => {
  it('confirms it once, with the comment, creating nothing; a re-run calls nothing', async () => {
    const ws = newWorkspace();
    const plan = await planJob(ws.name);
    expect(plan.exitCode).toBe(0);
    expect(plan.outputs['run-status']).toBe('planned');
    const runId = plan.outputs['run-id'];

    const apply = await runJob(runId, { apply: 'true', workspace: ws.name, organization: 'acme' });
    expect(apply.exitCode).toBe(0);
    expect(apply.outputs['run-id']).toBe(runId);
    expect(apply.outputs['run-status']).toBe('applied');
    expect(apply.outputs['apply-id']).toMatch(/^apply-/);
    expect(apply.outputs['configuration-version-id']).toBe(
      plan.outputs['configuration-version-id']
    );
    expect(apply.outputs['resource-additions']).toBe('2');
    expect(apply.outputs['run-url']).toBe(plan.outputs['run-url']);
    expect(apply.summary).toContain(runId);
    expect(apply.summary).toContain('Apply finished: 2 added');
    expect(apply.stdout).toContain('Apply log:');
    expectNothingCreated(apply.requests);
    expect(emulator.actionCalls(runId)).toEqual([
      { action: 'apply', comment: APPROVAL_COMMENT, status: 202, at: expect.any(String) }
    ]);
    expect(apply.state['stop-on-exit']).toBe('false');

    // The job is re-run: the run already applied, so it is reported and nothing is sent.
    const again = await runJob(runId, { apply: 'true' });
    expect(again.exitCode).toBe(0);
    expect(again.outputs['run-status']).toBe('applied');
    expect(again.requests.filter(r => r.method !== 'GET')).toEqual([]);
    expect(emulator.actionNames(runId)).toEqual(['apply']);
    expect(runsOf(ws.id)).toHaveLength(1);
    expect(cvsOf(ws.id)).toHaveLength(1);
  });

  it('confirms a saved plan later', async () => {
    const ws = newWorkspace();
    const plan = await planJob(ws.name, { 'save-plan': 'true' });
    expect(plan.outputs['run-status']).toBe('planned_and_saved');
    const apply = await runJob(plan.outputs['run-id'], { apply: 'true', comment: 'CAB-1234' });
    expect(apply.exitCode).toBe(0);
    expect(apply.outputs['run-status']).toBe('applied');
    expect(emulator.actionCalls(plan.outputs['run-id']).map(c => [c.action, c.comment])).toEqual([
      ['apply', 'CAB-1234']
    ]);
    expect([...emulator.workspace(ws.id).state.keys()].sort()).toEqual([
      'null_resource.a',
      'null_resource.b'
    ]);
  });

  it('without apply, reports the run as it waits and leaves it', async () => {
    const ws = newWorkspace();
    const plan = await planJob(ws.name);
    const look = await runJob(plan.outputs['run-id']);
    expect(look.exitCode).toBe(0);
    expect(look.summary).toContain('awaits confirmation');
    expect(look.requests.filter(r => r.method !== 'GET')).toEqual([]);
  });

  it('waits while run tasks or policies wait for a decision, then confirms', async () => {
    for (const [scenario, release] of [
      [
        {
          taskStages: [
            {
              stage: 'post_plan',
              overridable: true,
              tasks: [{ name: 'scanner', level: 'mandatory', status: 'failed' }]
            }
          ]
        },
        (id: string) => emulator.overrideTaskStage(id)
      ],
      [{ policySoftFail: true }, (id: string) => emulator.overridePolicy(id)]
    ] as [Parameters<Emulator['setScenario']>[1], (id: string) => void][]) {
      const ws = newWorkspace();
      emulator.setScenario(ws.name, scenario);
      const plan = await planJob(ws.name, { wait: 'false' });
      const runId = plan.outputs['run-id'];
      // The approval job finds the run waiting for a person, who decides a moment later.
      const waiting = await settledIn(runId, ['post_plan_awaiting_decision', 'policy_override']);
      const decided = setTimeout(() => release(runId), 300);
      const apply = await runJob(runId, { apply: 'true' }).finally(() => clearTimeout(decided));
      expect(apply.exitCode).toBe(0);
      expect(apply.outputs['run-status']).toBe('applied');
      expect(apply.stdout).toContain(`Run status: ${waiting}`);
      expect(emulator.actionNames(runId)).toEqual(['apply']);
    }
  });

  it('refuses a speculative run with apply: nothing called', async () => {
    const ws = newWorkspace();
    const plan = await planJob(ws.name, { speculative: 'true' });
    const apply = await runJob(plan.outputs['run-id'], { apply: 'true' });
    expect(apply.exitCode).toBe(1);
    expect(apply.stdout).toMatch(/speculative \(plan-only\) run: it can never be applied/);
    expect(apply.summary).toMatch(/can never be applied/);
    expect(apply.requests.filter(r => r.method !== 'GET')).toEqual([]);
  });

  it('refuses a run of another workspace than the workspace input, naming both', async () => {
    const ws = newWorkspace();
    const other = newWorkspace();
    const plan = await planJob(ws.name);
    for (const workspace of [other.name, other.id]) {
      const apply = await runJob(plan.outputs['run-id'], {
        apply: 'true',
        workspace,
        organization: 'acme'
      });
      expect(apply.exitCode).toBe(1);
      expect(apply.stdout).toContain(`belongs to workspace acme/${ws.name} (${ws.id}), not to`);
      expect(apply.stdout).toContain(workspace);
      expect(apply.requests.filter(r => r.method !== 'GET')).toEqual([]);
    }
    expect(emulator.actionCalls(plan.outputs['run-id'])).toEqual([]);
  });

  it('fails clearly for a run that does not exist', async () => {
    const result = await runJob('run-doesnotexist1');
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('GET /runs/run-doesnotexist1 answered 404');
    expect(result.summary).toContain('nothing was created');
  });
});

describe('run-id: input errors make no request', () => {
  it.each([
    ['directory', 'infra'],
    ['speculative', 'true'],
    ['save-plan', 'true'],
    ['is-destroy', 'true'],
    ['targets', 'null_resource.a'],
    ['replace', 'null_resource.a'],
    ['variables', 'x=1'],
    ['refresh', 'false'],
    ['refresh-only', 'true'],
    ['terraform-version', '1.9.5'],
    ['message', 'hello'],
    ['configuration-version', 'cv-abc123']
  ])('%s', async (input, value) => {
    const result = await runJob('run-abc123', { [input]: value });
    expect(result.exitCode).toBe(1);
    expect(result.requests).toEqual([]);
    expect(result.stdout).toContain(`Input "${input}" cannot be used with "run-id"`);
    expect(result.summary).toContain('nothing was created');
  });

  it.each([
    [{ discard: 'true', apply: 'true' }, /"discard" and "apply" cannot both be true/],
    [{ 'run-id': '', discard: 'true', workspace: 'x', organization: 'acme' }, /needs "run-id"/]
  ])('%j', async (inputs, message) => {
    const result = await runJob('run-abc123', inputs);
    expect(result.exitCode).toBe(1);
    expect(result.requests).toEqual([]);
    expect(result.stdout).toMatch(message);
  });
});

describe('run-id with discard', () => {
  it('discards a run that awaits confirmation, with the comment; again: nothing called', async () => {
    const ws = newWorkspace();
    const plan = await planJob(ws.name);
    const runId = plan.outputs['run-id'];
    const discard = await runJob(runId, { discard: 'true' });
    expect(discard.exitCode).toBe(0);
    expect(discard.outputs['run-status']).toBe('discarded');
    expect(discard.summary).toContain('The run was discarded: it will never apply.');
    expectNothingCreated(discard.requests);
    expect(emulator.actionCalls(runId).map(c => [c.action, c.comment, c.status])).toEqual([
      ['discard', APPROVAL_COMMENT, 202]
    ]);
    const again = await runJob(runId, { discard: 'true' });
    expect(again.exitCode).toBe(0);
    expect(again.summary).toContain('The run was already discarded');
    expect(actionPosts(again.requests)).toEqual([]);
  });

  it('discards a saved plan', async () => {
    const ws = newWorkspace();
    const plan = await planJob(ws.name, { 'save-plan': 'true' });
    const discard = await runJob(plan.outputs['run-id'], { discard: 'true' });
    expect(discard.exitCode).toBe(0);
    expect(discard.outputs['run-status']).toBe('discarded');
    expect(emulator.actionNames(plan.outputs['run-id'])).toEqual(['discard']);
  });

  it('cancels a run that is still planning', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { holdStatus: 'planning' });
    const plan = await planJob(ws.name, { wait: 'false' });
    const runId = plan.outputs['run-id'];
    const discard = await runJob(runId, { discard: 'true', comment: 'PR closed' });
    expect(discard.exitCode).toBe(0);
    expect(discard.outputs['run-status']).toBe('canceled');
    expect(emulator.actionCalls(runId).map(c => [c.action, c.comment])).toEqual([
      ['cancel', 'PR closed']
    ]);
  });

  it('fails for a run that already applied, with nothing called', async () => {
    const ws = newWorkspace();
    const plan = await planJob(ws.name, { apply: 'true' });
    expect(plan.outputs['run-status']).toBe('applied');
    const discard = await runJob(plan.outputs['run-id'], { discard: 'true' });
    expect(discard.exitCode).toBe(1);
    expect(discard.stdout).toContain('The run had already applied: nothing could be discarded.');
    expect(discard.requests.filter(r => r.method !== 'GET')).toEqual([]);
    expect(emulator.actionNames(plan.outputs['run-id'])).toEqual(['apply']);
  });

  it('succeeds for a speculative plan that ended: it can never apply', async () => {
    const ws = newWorkspace();
    const plan = await planJob(ws.name, { speculative: 'true' });
    const discard = await runJob(plan.outputs['run-id'], { discard: 'true' });
    expect(discard.exitCode).toBe(0);
    expect(discard.summary).toContain('already ended without applying');
    expect(actionPosts(discard.requests)).toEqual([]);
  });
});

describe('run-id on timeout and cancellation', () => {
  it('leaves a run it did not confirm as it found it', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { holdStatus: 'planning' });
    const plan = await planJob(ws.name, { wait: 'false' });
    const runId = plan.outputs['run-id'];
    const late = await runJob(runId, { apply: 'true', timeout: '1s' });
    expect(late.exitCode).toBe(1);
    expect(late.stdout).toContain(`Run ${runId} is left as the action found it`);
    expect(late.state['stop-on-exit']).not.toBe('true');
    const controller = new AbortController();
    const cancelled = step(
      { token: emulator.token, hostname: emulator.url, 'run-id': runId, apply: 'true' },
      { signal: controller.signal }
    );
    setTimeout(() => controller.abort(), 300);
    expect((await cancelled).exitCode).toBe(1);
    expect(emulator.actionCalls(runId)).toEqual([]);
    emulator.release(runId);
  });

  it('cancels the apply it confirmed itself, with the comment and the reason', async () => {
    const ws = newWorkspace();
    const plan = await planJob(ws.name);
    const runId = plan.outputs['run-id'];
    emulator.setScenario(ws.name, { holdStatus: 'applying' });
    const apply = await runJob(runId, { apply: 'true', timeout: '2s' });
    expect(apply.exitCode).toBe(1);
    expect(emulator.actionCalls(runId).map(c => [c.action, c.comment])).toEqual([
      ['apply', APPROVAL_COMMENT],
      ['cancel', `${APPROVAL_COMMENT} (the action timed out)`]
    ]);
    // The post step had been told to stop the run from the confirmation on; no longer.
    expect(apply.state['stop-on-exit']).toBe('false');
    emulator.release(runId);
  });
});

describe('configuration-version: promote what staging planned', () => {
  /** Staging plans and applies its checkout; returns its configuration version. */
  async function staging(extra: Record<string, string> = {}): Promise<string> {
    const ws = newWorkspace();
    const result = await planJob(ws.name, { apply: 'true', ...extra });
    expect(result.exitCode).toBe(0);
    return result.outputs['configuration-version-id'];
  }

  /** The production job: the staging configuration version, nothing packed. */
  function promote(workspace: string, cvId: string, extra: Record<string, string> = {}) {
    return step(
      fixture.inputs(workspace, {
        'configuration-version': cvId,
        directory: '.',
        apply: 'true',
        ...extra
      }),
      // Files that differ from staging's: they must not be what production plans.
      { files: { 'main.tf': resources('other') } }
    );
  }

  const sha256Of = (cvId: string) => emulator.uploads.get(cvId)?.sha256;

  it('uses it directly where the server accepts it: no configuration version, no upload', async () => {
    const source = await staging();
    const production = newWorkspace();
    const result = await promote(production.name, source);
    expect(result.exitCode).toBe(0);
    expect(result.outputs['run-status']).toBe('applied');
    expect(result.outputs['configuration-version-id']).toBe(source);
    const [promoted] = runsOf(production.id);
    expect(emulator.getRun(promoted.id).cvId).toBe(source);
    expect(sha256Of(emulator.getRun(promoted.id).cvId)).toBe(sha256Of(source));
    expect(cvsOf(production.id)).toEqual([]);
    expect(result.requests.filter(r => r.host === 'blob' && r.method === 'PUT')).toEqual([]);
    expect([...emulator.workspace(production.id).state.keys()].sort()).toEqual([
      'null_resource.a',
      'null_resource.b'
    ]);
    expect(result.summary).toContain(`\`${source}\``);
    expect(result.summary).not.toContain('copy of');
  });

  it.each(['invalid', 'not-found'] as const)(
    'copies it byte for byte when the server refuses it (%s)',
    async foreignCv => {
      const source = await staging();
      const production = newWorkspace();
      emulator.setScenario(production.name, { foreignCv });
      const result = await promote(production.name, source);
      expect(result.exitCode).toBe(0);
      expect(result.outputs['run-status']).toBe('applied');
      const [copy] = cvsOf(production.id);
      expect(cvsOf(production.id)).toHaveLength(1);
      expect(copy).toMatchObject({ autoQueueRuns: false, speculative: false });
      expect(sha256Of(copy.id)).toBe(sha256Of(source));
      expect(emulator.uploads.get(copy.id)?.bytes.equals(emulator.uploads.get(source)!.bytes)).toBe(
        true
      );
      expect(runsOf(production.id)).toHaveLength(1);
      expect(emulator.getRun(runsOf(production.id)[0].id).cvId).toBe(copy.id);
      expect(result.outputs['configuration-version-id']).toBe(copy.id);
      expect(result.summary).toContain(`\`${copy.id}\` (copy of \`${source}\`)`);
      // The archive came from the pre-signed URL, without the token.
      const downloads = result.requests.filter(r => r.path.includes('/download'));
      expect(downloads.map(r => [r.host, r.authorization !== undefined])).toEqual([
        ['api', true],
        ['blob', false]
      ]);
    }
  );

  it('copies a speculative configuration version for a run that can apply', async () => {
    const source = await staging({ apply: 'false', speculative: 'true' });
    const production = newWorkspace();
    const result = await promote(production.name, source);
    expect(result.exitCode).toBe(0);
    expect(result.outputs['run-status']).toBe('applied');
    expect(result.stdout).toContain(
      'it is speculative, so a run made from it could never be applied'
    );
    const [copy] = cvsOf(production.id);
    expect(copy.speculative).toBe(false);
    expect(sha256Of(copy.id)).toBe(sha256Of(source));
    // A speculative run may use it as it is.
    const preview = newWorkspace();
    const plan = await promote(preview.name, source, { apply: 'false', speculative: 'true' });
    expect(plan.outputs['run-status']).toBe('planned_and_finished');
    expect(cvsOf(preview.id)).toEqual([]);
  });

  it('tries the download again when it is cut, and still copies the same bytes', async () => {
    const source = await staging();
    const production = newWorkspace();
    emulator.setScenario(production.name, { foreignCv: 'invalid' });
    emulator.addFault({ method: 'GET', path: /^\/download\//, mode: 'cut', cutAfter: 10 });
    const result = await promote(production.name, source);
    expect(result.exitCode).toBe(0);
    expect(
      result.requests.filter(r => r.host === 'blob' && r.path.startsWith('/download/'))
    ).toHaveLength(2);
    expect(sha256Of(cvsOf(production.id)[0].id)).toBe(sha256Of(source));
  });

  it('never adopts an earlier run of the same configuration version after an unclear answer', async () => {
    const source = await staging();
    const production = newWorkspace();
    const first = await promote(production.name, source, { apply: 'false' });
    expect(first.outputs['run-status']).toBe('planned');
    emulator.discardRun(first.outputs['run-id']);
    // A 503 may or may not have created the run: the action looks, finds only the earlier
    // run of that configuration version, and must create its own.
    emulator.addFault({ method: 'POST', path: '/runs', status: 503 });
    const second = await promote(production.name, source, { apply: 'false' });
    expect(second.exitCode).toBe(0);
    const runs = runsOf(production.id);
    expect(runs).toHaveLength(2);
    expect(second.outputs['run-id']).toBe(runs[1].id);
    expect(second.outputs['run-id']).not.toBe(first.outputs['run-id']);
  });

  it.each([
    ['pending', /is pending, not uploaded: nothing was uploaded to it yet/],
    ['archived', /is archived, not uploaded: its files were archived/],
    ['errored', /is errored, not uploaded: its upload could not be processed: broken on purpose/]
  ])('refuses a configuration version that is %s, creating nothing', async (state, message) => {
    const source = newWorkspace();
    let cvId: string;
    if (state === 'pending') {
      cvId = (await createCv(emulator, source.id)).id;
    } else {
      if (state === 'errored') emulator.setScenario(source.name, { cvError: 'broken on purpose' });
      cvId = (await uploadConfig(emulator, source.id, { files: { 'main.tf': MAIN_TF } })).id;
      if (state === 'archived') emulator.archiveConfigurationVersion(cvId);
    }
    const production = newWorkspace();
    const result = await promote(production.name, cvId);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(message);
    expect(result.summary).toContain('nothing was created');
    expect(cvsOf(production.id)).toEqual([]);
    expect(runsOf(production.id)).toEqual([]);
  });

  it('cannot see a configuration version of another organization', async () => {
    const globex = emulator.addWorkspace({ organization: 'globex', name: 'jobs-globex' }) as {
      id: string;
    };
    const foreign = await uploadConfig(emulator, globex.id, { files: { 'main.tf': MAIN_TF } });
    emulator.addToken('acme-team-token', { organizations: ['acme'] });
    const production = newWorkspace();
    const result = await promote(production.name, foreign.id, { token: 'acme-team-token' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      `Configuration version ${foreign.id} was not found: it does not exist, belongs to another organization, or the token may not read it.`
    );
    expect(cvsOf(production.id)).toEqual([]);
    expect(runsOf(production.id)).toEqual([]);
    expect(result.requests.some(r => r.path.includes('/download'))).toBe(false);
  });

  it('refuses a directory with it before any request', async () => {
    const production = newWorkspace();
    const result = await promote(production.name, 'cv-abc123', { directory: 'infra' });
    expect(result.exitCode).toBe(1);
    expect(result.requests).toEqual([]);
    expect(result.stdout).toContain('"directory" other than "."');
  });
});
