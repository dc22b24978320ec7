/**
 * What a run produced, end to end: run() against the emulator over HTTP, with real
 * GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files: Terraform outputs (sensitive ones masked or
 * left out), the cost estimate, policies of both workflows, run tasks, and the limits.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { run } from '../src/main.js';
import { systemClock } from '../src/retry.js';
import { collectRunResults } from '../src/run-results/collect.js';
import { TfeClient } from '../src/tfe/client.js';
import { RunResultsClient } from '../src/tfe/results-api.js';
import { startGitHubServer } from './helpers/github-server.js';
import { type StepResult, resources, withStep, useCheckouts } from './helpers/runner.js';
import { type Emulator, useEmulator } from './helpers/emulator.js';

const fixture = useEmulator('results');
const { newWorkspace, runsOf } = fixture;
let emulator: Emulator;
const newCheckout = useCheckouts();

beforeAll(() => {
  emulator = fixture.emulator;
});

interface StepOptions {
  /** Called with each stdout write, while the step runs (before withStep captures it). */
  readonly onStdout?: (chunk: string) => void;
  /** A pull_request event whose comments go to this GitHub API server. */
  readonly pullRequest?: { readonly apiUrl: string; readonly token: string };
}

async function runStep(
  workspace: string,
  inputs: Record<string, string>,
  options: StepOptions = {}
): Promise<StepResult> {
  const step = newCheckout({ 'main.tf': resources('a', 'b') });
  let env: Record<string, string> = {};
  if (options.pullRequest) {
    const eventPath = path.join(step.temp, 'event.json');
    fs.writeFileSync(eventPath, JSON.stringify({ number: PR, pull_request: { number: PR } }));
    env = {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_API_URL: options.pullRequest.apiUrl
    };
    inputs = { ...inputs, 'comment-on-pr': 'true', 'github-token': options.pullRequest.token };
  }
  return withStep(
    step,
    fixture.inputs(workspace, inputs),
    async () => {
      const captured = process.stdout.write.bind(process.stdout);
      const watch = options.onStdout;
      if (watch) {
        process.stdout.write = (chunk: string | Uint8Array): boolean => {
          watch(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
          return captured(chunk);
        };
      }
      try {
        await run();
      } finally {
        process.stdout.write = captured;
      }
    },
    env
  );
}

const PR = 7;

const SECRET_TEXT = 'hunter2-Sensitive-Value';
const SECRET_LINES = ['-----BEGIN KEY-----', 'c2VjcmV0IGtleSBsaW5l', '-----END KEY-----'];
const SECRET_OBJECT = { password: 'p4ss-Object-Secret', port: 5432 };

const OUTPUTS = [
  { name: 'vpc_id', value: 'vpc-0abc123' },
  { name: 'replicas', value: 3 },
  { name: 'enabled', value: true },
  { name: 'subnets', value: ['10.0.1.0/24', '10.0.2.0/24'] },
  { name: 'tags', value: { team: 'net', 'cost-center': 42 } },
  { name: 'nothing', value: null },
  { name: 'motd', value: 'line one\nline | two `x`' },
  { name: 'db_password', value: SECRET_TEXT, sensitive: true },
  { name: 'tls_key', value: SECRET_LINES.join('\n'), sensitive: true },
  { name: 'db', value: SECRET_OBJECT, sensitive: true },
  { name: 'run-id', value: 'not-the-run-id' },
  { name: 'has space', value: 'x' }
];

/** Every place a sensitive value must never be, except the masks that hide it. */
function expectNowhere(result: StepResult, value: string): void {
  const log = result.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n');
  expect(log).not.toContain(value);
  expect(result.summary).not.toContain(value);
  expect(result.outputs['plan-summary']).not.toContain(value);
}

describe('Terraform outputs after an apply', () => {
  it('sets `outputs` and one output per name; sensitive values nowhere by default', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { outputs: OUTPUTS });
    const result = await runStep(ws.name, { apply: 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs['run-status']).toBe('applied');

    const all = JSON.parse(result.outputs['outputs']) as Record<string, unknown>;
    expect(all).toEqual({
      vpc_id: 'vpc-0abc123',
      replicas: 3,
      enabled: true,
      subnets: ['10.0.1.0/24', '10.0.2.0/24'],
      tags: { team: 'net', 'cost-center': 42 },
      nothing: null,
      motd: 'line one\nline | two `x`',
      'run-id': 'not-the-run-id',
      'has space': 'x'
    });
    expect(result.outputs['vpc_id']).toBe('vpc-0abc123');
    expect(result.outputs['replicas']).toBe('3');
    expect(result.outputs['enabled']).toBe('true');
    expect(JSON.parse(result.outputs['subnets'])).toEqual(['10.0.1.0/24', '10.0.2.0/24']);
    expect(JSON.parse(result.outputs['tags'])).toEqual({ team: 'net', 'cost-center': 42 });
    expect(result.outputs['nothing']).toBe('null');
    expect(result.outputs['motd']).toBe('line one\nline | two `x`');
    // Our own output keeps its meaning; the clash is only in `outputs`, with a warning.
    expect(result.outputs['run-id']).toBe(runsOf(ws.id)[0].id);
    expect(result.stdout).toMatch(/::warning::Terraform output "run-id" has the name of one of/);
    expect(result.stdout).toMatch(/::warning::Terraform output "has space" has a name that is not/);
    expect(result.outputs['has space']).toBeUndefined();

    for (const name of ['db_password', 'tls_key', 'db']) {
      expect(result.outputs[name]).toBeUndefined();
    }
    // The only mask is the token's.
    expect(result.stdout.match(/^::add-mask::.*$/gm)).toEqual([`::add-mask::${emulator.token}`]);
    for (const secret of [SECRET_TEXT, ...SECRET_LINES, SECRET_OBJECT.password]) {
      expectNowhere(result, secret);
    }
    expect(JSON.stringify(result.outputs)).not.toContain(SECRET_OBJECT.password);

    expect(result.summary).toContain('#### Outputs (12)');
    expect(result.summary).toContain('| `vpc_id` | `string` | `vpc-0abc123` |');
    expect(result.summary).toContain(
      '| `subnets` | `tuple([string, string])` | `["10.0.1.0/24","10.0.2.0/24"]` |'
    );
    expect(result.summary).toContain('| `db_password` | `string` | *sensitive* |');
    // A value with a pipe and a line break stays in its cell.
    expect(result.summary).toContain('| `motd` | `string` | `` line one line \\| two `x` `` |');
  });

  it('with sensitive-outputs: true, masks every form of each value before setting it', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { outputs: OUTPUTS });
    const outputFile: { path?: string } = {};
    const maskedBeforeSet: boolean[] = [];
    const result = await runStep(
      ws.name,
      { apply: 'true', 'sensitive-outputs': 'true' },
      {
        onStdout: chunk => {
          outputFile.path ??= process.env['GITHUB_OUTPUT'];
          if (!chunk.startsWith('::add-mask::') || !outputFile.path) return;
          // At the moment each mask is printed, no sensitive value is in the outputs yet.
          const written = fs.readFileSync(outputFile.path, 'utf8');
          maskedBeforeSet.push(
            ![SECRET_TEXT, SECRET_OBJECT.password, ...SECRET_LINES].some(s => written.includes(s))
          );
        }
      }
    );
    expect(result.exitCode).toBe(0);
    expect(maskedBeforeSet.length).toBeGreaterThan(0);
    expect(maskedBeforeSet.every(Boolean)).toBe(true);

    const masks = result.stdout
      .split('\n')
      .filter(line => line.startsWith('::add-mask::'))
      .map(line => line.slice('::add-mask::'.length));
    expect(masks).toEqual(
      expect.arrayContaining([
        SECRET_TEXT,
        ...SECRET_LINES,
        JSON.stringify(SECRET_OBJECT),
        // The runner masks line by line: the whole multi-line value is one more mask.
        SECRET_LINES.join('%0A')
      ])
    );

    expect(result.outputs['db_password']).toBe(SECRET_TEXT);
    expect(result.outputs['tls_key']).toBe(SECRET_LINES.join('\n'));
    expect(JSON.parse(result.outputs['db'])).toEqual(SECRET_OBJECT);
    const all = JSON.parse(result.outputs['outputs']) as Record<string, unknown>;
    expect(all['db_password']).toBe(SECRET_TEXT);
    expect(all['db']).toEqual(SECRET_OBJECT);
    // Still never in the log, the summary or the report.
    for (const secret of [SECRET_TEXT, ...SECRET_LINES, SECRET_OBJECT.password]) {
      expectNowhere(result, secret);
    }
    expect(result.summary).toContain(
      '| `db` | `object({ password = string, port = number })` | *sensitive* |'
    );
  });

  it('waits while the new state is processed (503), and reads every page', async () => {
    const ws = newWorkspace();
    const many = Array.from({ length: 250 }, (_, i) => ({ name: `out_${i}`, value: i }));
    emulator.setScenario(ws.name, { outputs: many, outputsPending: { ms: 1_500 } });
    const result = await runStep(ws.name, { apply: 'true' });
    expect(result.exitCode).toBe(0);
    const all = JSON.parse(result.outputs['outputs']) as Record<string, number>;
    expect(Object.keys(all)).toHaveLength(250);
    expect(result.outputs['out_249']).toBe('249');
  });

  it('reads the outputs after a plan without changes, and not after a speculative plan', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { outputs: [{ name: 'region', value: 'eu-west-1' }] });
    await runStep(ws.name, { apply: 'true' });
    const unchanged = await runStep(ws.name, { apply: 'true' });
    expect(unchanged.outputs['run-status']).toBe('planned_and_finished');
    expect(unchanged.outputs['has-changes']).toBe('false');
    expect(unchanged.outputs['region']).toBe('eu-west-1');
    const speculative = await runStep(ws.name, { speculative: 'true' });
    expect(speculative.outputs['outputs']).toBeUndefined();
    expect(speculative.summary).not.toContain('#### Outputs');
  });
});

describe('when nothing is read', () => {
  it('reads nothing about a run it does not wait for (wait: false)', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { costEstimate: true, policyPass: true });
    const result = await runStep(ws.name, { wait: 'false' });
    expect(result.exitCode).toBe(0);
    const runId = result.outputs['run-id'];
    const asked = (emulator.requests as { path: string }[]).filter(r =>
      r.path.includes(`/runs/${runId}`)
    );
    expect(asked).toEqual([]);
    for (const name of ['outputs', 'policy-result', 'cost-monthly-prior']) {
      expect(result.outputs[name]).toBeUndefined();
    }
  });
});

describe('cost estimate', () => {
  it('shows prior, proposed and the change, and sets the three outputs as the API spells them', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, {
      costEstimate: { prior: '25.488', proposed: '40.32', delta: '14.832' }
    });
    const result = await runStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs['cost-monthly-prior']).toBe('25.488');
    expect(result.outputs['cost-monthly-proposed']).toBe('40.32');
    expect(result.outputs['cost-monthly-delta']).toBe('14.832');
    expect(result.summary).toContain('**Cost estimate:** $25.49 → $40.32 a month (+$14.83).');
  });

  it('says in one line that an estimate errored, and sets no cost outputs', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { costEstimate: { error: 'pricing service unavailable' } });
    const result = await runStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.summary).toContain('**Cost estimate:** errored: pricing service unavailable');
    expect(result.outputs['cost-monthly-prior']).toBeUndefined();
  });
});

describe('policies', () => {
  it.each([
    ['passed', [{ name: 'tags', result: true }], 0],
    ['advisory-failed', [{ name: 'tags', level: 'advisory', result: false }], 0],
    ['soft-failed', [{ name: 'tags', level: 'soft-mandatory', result: false }], 1],
    ['hard-failed', [{ name: 'tags', level: 'hard-mandatory', result: false }], 1]
  ])('a Sentinel check that ends %s', async (expected, policies, exitCode) => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, {
      policies: [...policies, { name: 'passing-one', set: 'base', result: true }]
    });
    const result = await runStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(exitCode);
    expect(result.outputs['policy-result']).toBe(expected);
    expect(result.summary).toContain('| `passing-one` | `base` | Sentinel |');
    // Failures first.
    const rows = result.summary.split('\n').filter(line => line.includes('| Sentinel |'));
    expect(rows[0]).toContain('`tags`');
  });

  it('an overridden soft failure reads `overridden`', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { policySoftFail: true });
    const overrider = setInterval(() => {
      const [pending] = runsOf(ws.id);
      if (pending?.status === 'policy_override') emulator.overridePolicy(pending.id);
    }, 30);
    const result = await runStep(ws.name, { apply: 'true' }).finally(() =>
      clearInterval(overrider)
    );
    expect(result.outputs['run-status']).toBe('applied');
    expect(result.outputs['policy-result']).toBe('overridden');
    expect(result.summary).toContain(
      '| overridden | `require-tags` | `emulator` | Sentinel | soft-mandatory |'
    );
  });

  it('OPA evaluations of task stages, and run tasks, in the summary and the outputs', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, {
      taskStages: [
        {
          stage: 'post_plan',
          tasks: [
            {
              name: 'scanner',
              status: 'failed',
              level: 'advisory',
              message: '2 findings | see @admin <b>now</b>',
              url: 'https://scanner.example/results/1'
            },
            { name: 'linter', status: 'passed', message: 'clean' }
          ],
          policyEvaluations: [
            {
              kind: 'opa',
              policySets: [
                {
                  name: 'opa-core',
                  outcomes: [
                    { name: 'no-public-ips', level: 'mandatory', status: 'failed' },
                    { name: 'prefer-arm', level: 'advisory', status: 'failed' },
                    { name: 'tags', level: 'mandatory', status: 'passed' }
                  ]
                }
              ]
            }
          ]
        }
      ]
    });
    const result = await runStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(1);
    expect(result.outputs['run-status']).toBe('errored');
    expect(result.outputs['policy-result']).toBe('hard-failed');
    expect(result.summary).toContain('#### Policies (1 hard failed, 1 advisory failed, 1 passed)');
    expect(result.summary).toContain(
      '| **hard failed** | `no-public-ips` | `opa-core` | OPA | mandatory |'
    );
    expect(result.summary).toContain('#### Run tasks (2)');
    expect(result.summary).toContain(
      '| [scanner](https://scanner.example/results/1) | `post_plan` | advisory | **failed** | 2 findings \\| see @\u200badmin \\<b\\>now\\</b\\> |'
    );
    expect(result.summary).toContain('| linter | `post_plan` | advisory | passed | clean |');
  });

  it('says who may override a run that waits for it, and where', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { policySoftFail: true });
    const result = await runStep(ws.name, { timeout: '2s', 'cancel-on-timeout': 'false' });
    expect(result.exitCode).toBe(1);
    expect(result.outputs['run-status']).toBe('policy_override');
    expect(result.outputs['policy-result']).toBe('soft-failed');
    expect(result.summary).toContain(
      '> **The run waits for a policy override.** Someone allowed to override'
    );
    expect(result.summary).toContain(`[open the run](${result.outputs['run-url']})`);
    expect(result.summary).toContain('This step’s token is allowed to override it.');
    emulator.discardRun(runsOf(ws.id)[0].id);
  });
});

describe('the pull request comment', () => {
  it('shows the cost, the policies and the run tasks, within 65,536 characters', async () => {
    const token = 'ghs_runResultsToken';
    const github = await startGitHubServer({ token });
    try {
      const ws = newWorkspace();
      emulator.setScenario(ws.name, {
        costEstimate: { prior: '10', proposed: '7.5', delta: '-2.5' },
        policies: Array.from({ length: 2_000 }, (_, i) => ({
          name: `policy_${i}`,
          level: 'advisory' as const,
          result: i !== 1_999
        })),
        taskStages: [
          {
            stage: 'post_plan',
            tasks: [{ name: 'scanner', message: 'ok' }],
            policyEvaluations: [
              {
                policySets: [
                  {
                    name: 'opa-core',
                    outcomes: [{ name: 'no-public-ips', level: 'mandatory', status: 'failed' }]
                  }
                ]
              }
            ]
          }
        ]
      });
      const result = await runStep(
        ws.name,
        { speculative: 'true' },
        { pullRequest: { apiUrl: github.url, token } }
      );
      expect(result.outputs['policy-result']).toBe('hard-failed');
      const [comment] = github.comments('acme', 'infrastructure', PR);
      expect(comment).toBeDefined();
      const body = comment?.body ?? '';
      expect(body.length).toBeLessThanOrEqual(65_536);
      expect(body).toContain('**Cost estimate:** $10.00 → $7.50 a month (-$2.50).');
      expect(body).toContain('#### Policies (1 hard failed, 1 advisory failed, 1999 passed)');
      // The failures are listed first, before the passes that fill the rest.
      expect(body).toMatch(
        /\| Enforcement \|\n\| --- .*\n\| \*\*hard failed\*\* \| `no-public-ips` \|.*\n\| advisory failed \| `policy_1999` \|/
      );
      expect(body).toMatch(/… and \d+ more \(\d+ passed\)/);
      expect(body).toContain('| scanner | `post_plan` | advisory | passed | ok |');
    } finally {
      await github.close();
    }
  });
});

describe('an errored plan', () => {
  it('is reported as errored: no has-changes, no counts, never "no changes"', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, { planError: true });
    const result = await runStep(ws.name, { speculative: 'true' });
    expect(result.exitCode).toBe(1);
    expect(result.outputs['run-status']).toBe('errored');
    for (const name of [
      'has-changes',
      'resource-additions',
      'resource-changes',
      'resource-destructions'
    ]) {
      expect(result.outputs[name]).toBeUndefined();
    }
    expect(result.summary).toContain('**Failed:** Plan errored.');
    expect(result.summary).toContain('**Plan:** errored, so nothing is known about changes.');
    expect(result.summary).not.toMatch(/no changes/i);
  });
});

describe('GitHub limits', () => {
  it('keeps the summary and plan-summary within bounds with thousands of outputs and policies', async () => {
    const ws = newWorkspace();
    const outputs = Array.from({ length: 3_000 }, (_, i) => ({
      name: `output_${i}`,
      value: `${'v'.repeat(200)}-${i}`,
      sensitive: i % 10 === 0
    }));
    const policies = Array.from({ length: 3_000 }, (_, i) => ({
      name: `policy_${i}`,
      set: 'bulk',
      level: 'advisory' as const,
      result: i % 100 !== 0
    }));
    emulator.setScenario(ws.name, { outputs, policies });
    const result = await runStep(ws.name, { apply: 'true' });
    expect(result.exitCode).toBe(0);
    expect(Object.keys(JSON.parse(result.outputs['outputs']) as object)).toHaveLength(2_700);
    expect(result.outputs['policy-result']).toBe('advisory-failed');
    expect(Buffer.byteLength(result.summary)).toBeLessThanOrEqual(1024 * 1024);
    expect(Buffer.byteLength(result.outputs['plan-summary'])).toBeLessThanOrEqual(65_536);
    for (const report of [result.summary, result.outputs['plan-summary']]) {
      expect(report).toContain('#### Policies (30 advisory failed, 2970 passed)');
      expect(report).toContain('#### Outputs (3000)');
      expect(report).toMatch(/… and \d+ more outputs: all of them are in the `outputs` output\./);
      // The advisory failures come first, so all 30 are shown before any pass is cut.
      expect(report.match(/\| advisory failed \|/g)).toHaveLength(30);
      expect(report).toContain('#### Resource changes (2)');
    }
    expect(result.outputs['plan-summary']).toMatch(
      /… and \d+ more \(\d+ passed\): see the \[run\]/
    );
  });
});

describe('servers that lack parts', () => {
  const otf = useEmulator('otf-results', { stepMs: 5, flavor: 'otf' });

  it('OTF: no policy, cost or task endpoints, so no such sections and no error', async () => {
    const ws = otf.newWorkspace();
    otf.emulator.setScenario(ws.name, {
      outputs: [{ name: 'region', value: 'eu-west-1' }],
      costEstimate: true,
      policies: [{ name: 'tags', result: false, level: 'hard-mandatory' }],
      taskStages: [{ stage: 'post_plan', tasks: [{ name: 'scanner' }] }]
    });
    const step = newCheckout({ 'main.tf': resources('a') });
    const result = await withStep(step, otf.inputs(ws.name, { apply: 'true' }), () => run());
    expect(result.exitCode).toBe(0);
    expect(result.outputs['run-status']).toBe('applied');
    expect(result.outputs['region']).toBe('eu-west-1');
    for (const name of ['policy-result', 'cost-monthly-prior', 'cost-monthly-delta']) {
      expect(result.outputs[name]).toBeUndefined();
    }
    expect(result.summary).not.toMatch(/#### Policies|#### Run tasks|Cost estimate/);
    expect(result.stdout).not.toContain('::warning::');
    const asked = (otf.emulator.requests as { path: string; status: number }[]).filter(r =>
      /\/(policy-checks|task-stages)$/.test(r.path)
    );
    expect(asked.map(r => r.status)).toEqual([404, 404]);
  });

  it('a server that ignores `include` on task stages: results are read one by one', async () => {
    const ws = newWorkspace();
    emulator.setScenario(ws.name, {
      taskStages: [
        {
          stage: 'post_plan',
          tasks: [{ name: 'scanner', status: 'failed', message: 'found 1' }],
          policyEvaluations: [
            { policySets: [{ name: 'opa', outcomes: [{ name: 'p1', status: 'failed' }] }] }
          ]
        }
      ]
    });
    const created = await runStep(ws.name, { speculative: 'true' });
    const runId = created.outputs['run-id'];
    // The same run again, from a server that leaves `included` out.
    const listed = (await fetch(`${emulator.url}/api/v2/runs/${runId}/task-stages`, {
      headers: { Authorization: `Bearer ${emulator.token}` }
    }).then(r => r.json())) as { data: unknown[] };
    expect(listed.data).toHaveLength(1);
    emulator.addFault({
      method: 'GET',
      path: `/runs/${runId}/task-stages`,
      status: 200,
      body: { data: listed.data },
      times: 1
    });
    const client = new TfeClient({ baseUrl: emulator.url, token: emulator.token });
    try {
      const collected = await collectRunResults(
        new RunResultsClient(client),
        { runId, runStatus: 'planned_and_finished', workspaceId: ws.id },
        {
          sensitiveOutputs: false,
          deadline: Date.now() + 10_000,
          clock: systemClock,
          signal: new AbortController().signal,
          info: () => undefined,
          warn: () => undefined,
          debug: () => undefined
        }
      );
      expect(collected.results.taskResults).toEqual([
        expect.objectContaining({ name: 'scanner', status: 'failed', message: 'found 1' })
      ]);
      expect(collected.results.policies).toEqual([
        expect.objectContaining({ name: 'p1', result: 'advisory-failed', kind: 'opa' })
      ]);
      const paths = (emulator.requests as { path: string }[]).map(r => r.path);
      expect(paths.some(p => p.startsWith('/api/v2/task-results/'))).toBe(true);
      expect(paths.some(p => /\/task-stages\/[^/]+\/policy-evaluations$/.test(p))).toBe(true);
    } finally {
      client.dispose();
    }
  });
});
