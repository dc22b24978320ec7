import { describe, expect, it } from '@jest/globals';
import {
  COMMENT_MAX_LENGTH,
  SUMMARY_MAX_LENGTH,
  renderContextFromEnv,
  renderReport
} from '../../src/report/render.js';
import {
  RUN_URL,
  manyChanges,
  manyOutputs,
  manyPolicies,
  manyTasks,
  speculativeReport
} from './fixtures.js';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const render = (report = speculativeReport(), maxLength = COMMENT_MAX_LENGTH) =>
  renderReport(report, { maxLength });

/** Lines of the resource list: `- ` followed by a code span. */
const listedAddresses = (markdown: string) =>
  markdown.split('\n').filter(line => /^- `/.test(line));

describe('renderReport', () => {
  it('shows workspace, verdict, run table, counts and every changed resource', () => {
    const md = renderReport(speculativeReport(), {
      maxLength: COMMENT_MAX_LENGTH,
      context: { repositoryUrl: 'https://github.com/acme/infra' }
    });
    expect(md).toContain('### Terraform plan (speculative): `acme/networking-prod`');
    expect(md).toContain('**Succeeded:** Plan finished: 3 to add');
    expect(md).toContain(
      [
        '| Run | Status | Commit | Configuration version |',
        '| --- | --- | --- | --- |',
        `| [\`run-CZcmD7eagjhyX0vN\`](${RUN_URL}) | \`planned_and_finished\` | ` +
          '[`5f3c2a1`](https://github.com/acme/infra/commit/5f3c2a19e0b4d6c8a7f1e2d3c4b5a6978877665f) | ' +
          '`cv-ntv3HbhJqvFzamy7` |'
      ].join('\n')
    );
    expect(md).toContain('**Plan:** 3 to add, 1 to change, 1 to destroy, 1 to import.');
    expect(md).toContain('#### Resource changes (7)');
    expect(listedAddresses(md)).toEqual([
      '- `aws_nat_gateway.legacy`',
      '- `aws_route_table.private`',
      '- `aws_subnet.private["eu-west-1a"]`',
      '- `aws_subnet.private["eu-west-1b"]`',
      '- `aws_vpc.main`',
      '- `aws_internet_gateway.main`',
      '- `module.dns.aws_route53_zone.internal` (moved from `aws_route53_zone.internal`)'
    ]);
  });

  it('groups by action, destructive first, with a title and count per group', () => {
    const md = render(
      speculativeReport({
        resourceChanges: [
          { address: 'f.f', action: 'forget' },
          { address: 'm.m', action: 'move', previousAddress: 'm.old' },
          { address: 'i.i', action: 'import' },
          { address: 'u.u', action: 'update', importing: true },
          { address: 'c.c', action: 'create' },
          { address: 'r.r', action: 'replace' },
          { address: 'd.d', action: 'destroy', deposed: 'abc123' }
        ]
      })
    );
    const titles = [
      '**Destroy** (1)',
      '**Replace** (1)',
      '**Create** (1)',
      '**Update in place** (1)',
      '**Import** (1)',
      '**Move** (1)',
      '**Forget (remove from state, keep the object)** (1)'
    ];
    const positions = titles.map(t => md.indexOf(t));
    expect(positions.every(p => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(md).toContain('- `u.u` (imported)');
    expect(md).toContain('- `d.d` (deposed object `abc123`)');
  });

  it('says so when the plan has no changes', () => {
    const md = render(
      speculativeReport({
        hasChanges: false,
        headline: 'Plan finished: no changes.',
        counts: { additions: 0, changes: 0, destructions: 0, imports: 0 },
        resourceChanges: []
      })
    );
    expect(md).toContain('**Plan:** no changes.');
    expect(md).not.toContain('Resource changes');
  });

  it('lists hundreds of changes in full when they fit', () => {
    const md = render(speculativeReport({ resourceChanges: manyChanges(300) }));
    expect(listedAddresses(md)).toHaveLength(300);
    expect(md).not.toContain('more (');
  });

  it.each([
    ['comment', COMMENT_MAX_LENGTH, 3_000],
    ['summary', SUMMARY_MAX_LENGTH, 20_000]
  ])(
    'truncates a huge plan under the %s limit with "… and N more" and the run link',
    (_, max, n) => {
      const md = render(speculativeReport({ resourceChanges: manyChanges(n) }), max);
      expect(bytes(md)).toBeLessThanOrEqual(max);
      const shown = listedAddresses(md).length;
      expect(shown).toBeGreaterThan(100);
      expect(shown).toBeLessThan(n);
      expect(md).toContain(`#### Resource changes (${n})`);
      expect(md).toContain(`… and ${n - shown} more (`);
      expect(md).toContain(`: see the [run](${RUN_URL}).`);
      // The report around the list survives the truncation.
      expect(md).toContain('**Plan:** 3 to add');
      expect(bytes(md)).toBeGreaterThan(max * 0.9);
    }
  );

  it('never exceeds the limit, however small', () => {
    const report = speculativeReport({
      resourceChanges: manyChanges(500),
      error: 'x'.repeat(10_000),
      logTail: 'line\n'.repeat(5_000),
      policies: manyPolicies(80),
      taskResults: manyTasks(80),
      terraformOutputs: manyOutputs(80)
    });
    for (const max of [NaN, -5, 0, 1, 40, 300, 1_000, 5_000, 20_000]) {
      expect(bytes(render(report, max))).toBeLessThanOrEqual(Math.max(0, max || 0));
    }
  });

  it('counts multi-byte characters in bytes', () => {
    const changes = manyChanges(2_000).map(c => ({ ...c, address: `${c.address}["日本語🚀"]` }));
    const md = render(speculativeReport({ resourceChanges: changes }), 20_000);
    expect(bytes(md)).toBeLessThanOrEqual(20_000);
    expect(md).toContain('日本語🚀');
  });

  it('escapes markdown in addresses, headlines and errors', () => {
    const md = render(
      speculativeReport({
        outcome: 'failure',
        headline: 'Run *errored* <b>now</b> | ping @octocat\n# not a heading',
        error: 'bad ``` fence\n</details>',
        resourceChanges: [
          { address: 'a.b["has ` backtick"]', action: 'create' },
          { address: 'a.b["<img src=x>|pipe"]', action: 'create' }
        ]
      })
    );
    expect(md).toContain(
      '**Failed:** Run \\*errored\\* \\<b\\>now\\</b\\> \\| ping @\u200boctocat \\# not a heading'
    );
    expect(md).toContain('````text\nbad ``` fence\n</details>\n````');
    expect(md).toContain('- ``a.b["has ` backtick"]``');
    expect(md).toContain('- `a.b["<img src=x>|pipe"]`');
  });

  it('shows the log tail of an errored run in a collapsed block, colours removed', () => {
    const log = Array.from({ length: 3_000 }, (_, i) => `\u001b[31mline ${i}\u001b[0m`).join('\n');
    const md = render(
      speculativeReport({
        outcome: 'failure',
        runStatus: 'errored',
        headline: 'The plan errored.',
        counts: undefined,
        resourceChanges: [],
        logTail: `${log}\nError: Unsupported argument`
      })
    );
    expect(md).toMatch(/<details><summary>Log \(last \d+ lines\)<\/summary>\n\n```text\n/);
    expect(md).toContain('line 2999\nError: Unsupported argument\n```\n\n</details>');
    expect(md).not.toContain('\u001b');
    expect(md).not.toContain('line 0\n');
  });

  it('reports an input error: nothing was created, with the error', () => {
    const md = render({
      outcome: 'failure',
      nothingCreated: true,
      headline: 'Input error.',
      error: "workspace: required, e.g. 'networking-prod' or 'ws-…'.",
      organization: 'acme'
    });
    expect(md).toContain('### Terraform run not started: `unknown workspace`');
    expect(md).toContain('**Failed: nothing was created.** Input error.');
    expect(md).toContain("```text\nworkspace: required, e.g. 'networking-prod' or 'ws-…'.\n```");
    expect(md).not.toContain('| Run ');
  });

  it('falls back to counts with the reason when resource changes are unavailable', () => {
    const md = render(
      speculativeReport({
        resourceChanges: undefined,
        resourceChangesUnavailable: 'the token may not read the plan JSON (HTTP 403).'
      })
    );
    expect(md).toContain('**Plan:** 3 to add, 1 to change, 1 to destroy, 1 to import.');
    expect(md).toContain(
      '> Resource-level changes are not shown: the token may not read the plan JSON (HTTP 403).'
    );
    expect(md).not.toContain('#### Resource changes');
  });

  it('lists policies in a table, failures first, names as code that cannot nest lists', () => {
    const md = render(
      speculativeReport({
        outcome: 'failure',
        runStatus: 'policy_soft_failed',
        headline: 'Policy check soft-failed.',
        policies: [
          {
            kind: 'sentinel',
            set: 'core',
            name: '- sneaky',
            enforcement: 'soft-mandatory',
            result: 'soft-failed'
          },
          {
            kind: 'opa',
            set: 'opa',
            name: 'restrict_instance_types',
            enforcement: 'mandatory',
            result: 'passed'
          }
        ]
      })
    );
    expect(md).toContain(
      [
        '#### Policies (1 soft failed, 1 passed)',
        '',
        '| Result | Policy | Policy set | Kind | Enforcement |',
        '| --- | --- | --- | --- | --- |',
        '| **soft failed** | `- sneaky` | `core` | Sentinel | soft-mandatory |',
        '| passed | `restrict_instance_types` | `opa` | OPA | mandatory |'
      ].join('\n')
    );
  });

  it('puts the marker first and the footer last', () => {
    const md = renderReport(speculativeReport(), {
      maxLength: COMMENT_MAX_LENGTH,
      marker: '<!-- tfe-run-action:acme/networking-prod -->',
      context: { footer: 'Updated for commit 5f3c2a1.' }
    });
    expect(md.startsWith('<!-- tfe-run-action:acme/networking-prod -->\n')).toBe(true);
    expect(md.trimEnd().endsWith('<sub>Updated for commit 5f3c2a1.</sub>')).toBe(true);
  });

  it('never links a run URL that is not http(s)', () => {
    const md = render(speculativeReport({ runUrl: 'javascript:alert(1)' }));
    expect(md).toContain('| `run-CZcmD7eagjhyX0vN` | `planned_and_finished` |');
    expect(md).not.toContain('javascript:');
  });

  it('builds the repository link from the runner environment', () => {
    expect(
      renderContextFromEnv({ GITHUB_SERVER_URL: 'https://ghe.example/', GITHUB_REPOSITORY: 'a/b' })
    ).toEqual({ repositoryUrl: 'https://ghe.example/a/b' });
    expect(renderContextFromEnv({ GITHUB_REPOSITORY: 'a/b' })).toEqual({
      repositoryUrl: 'https://github.com/a/b'
    });
    expect(renderContextFromEnv({})).toEqual({});
  });

  it('shows every section of a complete report once, in the order of the section list', () => {
    const markdown = renderReport(
      speculativeReport({
        outcome: 'failure',
        error: 'the error text',
        resourceChangesUnavailable: undefined,
        policies: manyPolicies(2),
        taskResults: manyTasks(2),
        terraformOutputs: manyOutputs(2),
        costEstimate: { status: 'finished', prior: '1.5', proposed: '2', delta: '0.5' },
        overrideWait: { kind: 'policy', tokenCanOverride: false },
        outputsUnavailable: 'only the first 2 outputs were read.',
        logTail: 'Error: the last log line'
      }),
      {
        maxLength: COMMENT_MAX_LENGTH,
        marker: '<!-- marker -->',
        context: { footer: 'the footer' }
      }
    );
    const order = [
      '<!-- marker -->',
      '### Terraform plan (speculative)',
      '**Failed:**',
      '| Run | Status |',
      '**Plan:** 3 to add',
      '> **The run waits for a policy override.**',
      '**Error**',
      '#### Resource changes (7)',
      '**Cost estimate:** $1.50 → $2.00 a month (+$0.50).',
      '#### Policies (',
      '#### Run tasks (2)',
      '#### Outputs (2)',
      '> Outputs: only the first 2 outputs were read.',
      '<details><summary>Log (last 1 line)',
      '<sub>the footer</sub>'
    ];
    const positions = order.map(text => markdown.indexOf(text));
    expect(positions.every(position => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(
      renderReport(
        speculativeReport({ resourceChanges: undefined, resourceChangesUnavailable: 'no access' }),
        { maxLength: COMMENT_MAX_LENGTH }
      )
    ).toContain('> Resource-level changes are not shown: no access');
  });

  it('never cuts a section in half: a report that does not fit drops list lines, not markup', () => {
    for (const max of [900, 1_200, 2_000, 4_000]) {
      const markdown = renderReport(
        speculativeReport({ logTail: 'x\n'.repeat(5_000), resourceChanges: manyChanges(400) }),
        { maxLength: max }
      );
      expect(bytes(markdown)).toBeLessThanOrEqual(max);
      expect(markdown.endsWith('\n')).toBe(true);
      // Every opened block is closed.
      expect((markdown.match(/<details>/g) ?? []).length).toBe(
        (markdown.match(/<\/details>/g) ?? []).length
      );
      expect((markdown.match(/^```/gm) ?? []).length % 2).toBe(0);
    }
  });
});
