/**
 * docs/report-example.md is rendered by the real renderer: this test fails when the file
 * is stale. Regenerate with `UPDATE_REPORT_EXAMPLE=1 npm test -- report-example`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { commentMarker } from '../../src/report/pr-comment.js';
import { COMMENT_MAX_LENGTH, SUMMARY_MAX_LENGTH, renderReport } from '../../src/report/render.js';
import { manyChanges, manyPolicies, speculativeReport } from './fixtures.js';

const DOC = join(import.meta.dirname, '..', '..', 'docs', 'report-example.md');
const context = { repositoryUrl: 'https://github.com/acme/infra' };

function exampleDocument(): string {
  const comment = renderReport(speculativeReport(), {
    maxLength: COMMENT_MAX_LENGTH,
    marker: commentMarker('acme/networking-prod'),
    context
  });
  const applied = renderReport(
    speculativeReport({
      speculative: false,
      runStatus: 'applied',
      applyId: 'apply-47MBvjwzBG8YKc2v',
      headline: 'Applied: 3 added, 1 changed, 1 destroyed, 1 imported.',
      costEstimate: {
        status: 'finished',
        prior: '25.488',
        proposed: '40.32',
        delta: '14.832',
        resources: 6,
        matched: 5
      },
      policies: [
        {
          kind: 'opa',
          set: 'opa-baseline',
          name: 'prefer-graviton',
          enforcement: 'advisory',
          result: 'advisory-failed'
        },
        {
          kind: 'sentinel',
          set: 'security',
          name: 'no-public-buckets',
          enforcement: 'hard-mandatory',
          result: 'passed'
        },
        {
          kind: 'opa',
          set: 'opa-baseline',
          name: 'require-cost-center-tag',
          enforcement: 'mandatory',
          result: 'passed'
        }
      ],
      taskResults: [
        {
          stage: 'post_plan',
          name: 'wiz-scan',
          status: 'passed',
          enforcement: 'mandatory',
          message: 'No critical findings.',
          url: 'https://app.wiz.io/findings/run-CZcmD7eagjhyX0vN'
        },
        { stage: 'post_apply', name: 'notify-cmdb', status: 'passed', enforcement: 'advisory' }
      ],
      terraformOutputs: [
        { id: 'wsout-1', name: 'vpc_id', sensitive: false, type: 'string', value: 'vpc-0a1b2c3d' },
        {
          id: 'wsout-2',
          name: 'private_subnet_ids',
          sensitive: false,
          type: 'list(string)',
          value: ['subnet-0a1', 'subnet-0b2']
        },
        { id: 'wsout-3', name: 'nat_enabled', sensitive: false, type: 'bool', value: false },
        { id: 'wsout-4', name: 'db_password', sensitive: true, type: 'string' }
      ]
    }),
    { maxLength: SUMMARY_MAX_LENGTH, context }
  );
  const override = renderReport(
    speculativeReport({
      speculative: false,
      outcome: 'failure',
      runStatus: 'policy_override',
      headline: 'Timed out waiting for the run.',
      error: 'The run did not settle within the timeout (30m).',
      resourceChanges: undefined,
      overrideWait: { kind: 'policy', stage: 'post_plan', tokenCanOverride: false },
      policies: [
        {
          kind: 'opa',
          set: 'opa-baseline',
          name: 'require-cost-center-tag',
          enforcement: 'mandatory',
          result: 'soft-failed'
        },
        {
          kind: 'sentinel',
          set: 'security',
          name: 'no-public-buckets',
          enforcement: 'hard-mandatory',
          result: 'passed'
        }
      ]
    }),
    { maxLength: COMMENT_MAX_LENGTH, context }
  );
  const errored = renderReport(
    speculativeReport({
      outcome: 'failure',
      runStatus: 'errored',
      headline: 'Plan errored.',
      error: 'Run run-CZcmD7eagjhyX0vN errored during the plan.',
      planStatus: 'errored',
      hasChanges: undefined,
      counts: undefined,
      resourceChanges: undefined,
      logTail: [
        'Terraform v1.9.8',
        'on linux_amd64',
        'Initializing plugins and modules...',
        '',
        'Error: Unsupported argument',
        '',
        '  on main.tf line 12, in resource "aws_subnet" "private":',
        '  12:   availability_zone_id = var.az',
        '',
        'An argument named "availability_zone_id" is not expected here.'
      ].join('\n')
    }),
    { maxLength: SUMMARY_MAX_LENGTH, context }
  );
  const noJson = renderReport(
    speculativeReport({
      resourceChanges: undefined,
      resourceChangesUnavailable:
        'the token may not read the plan JSON (HTTP 403). Organization tokens cannot read it: use a team or user token.'
    }),
    { maxLength: COMMENT_MAX_LENGTH, context }
  );
  const input = renderReport(
    {
      outcome: 'failure',
      nothingCreated: true,
      headline: 'Input error: nothing was sent to HCP Terraform.',
      error:
        "apply: cannot be 'true' together with speculative: 'true' (a speculative plan can never be applied).",
      organization: 'acme',
      workspaceName: 'networking-prod'
    },
    { maxLength: SUMMARY_MAX_LENGTH, context }
  );
  const huge = renderReport(
    speculativeReport({
      headline: 'Plan finished: 200 to add, 100 to change, 200 to destroy.',
      counts: { additions: 200, changes: 100, destructions: 200, imports: 0 },
      resourceChanges: manyChanges(400),
      policies: manyPolicies(300)
    }),
    {
      maxLength: 6_000,
      context
    }
  );
  // Prettier would reformat the samples (tables, escapes); they must stay as rendered.
  const raw = (markdown: string) =>
    `<!-- prettier-ignore-start -->\n${markdown}<!-- prettier-ignore-end -->\n`;
  return [
    '# The run report, rendered',
    '',
    '<!-- Generated by __tests__/report/report-example.test.ts from the real renderer;',
    '     regenerate with UPDATE_REPORT_EXAMPLE=1 npm test -- report-example -->',
    '',
    'The job summary, the sticky pull request comment and the `plan-summary` output all',
    'show the same report. Below, samples rendered by `renderReport` (src/report/render.ts).',
    '',
    '## Pull request comment of a speculative plan',
    '',
    'The comment starts with a hidden marker naming the workspace',
    `(\`${commentMarker('acme/networking-prod')}\`), by which later pushes find and update it.`,
    '',
    raw(comment),
    '## Job summary of an apply on main',
    '',
    'With a cost estimate, policies (failures first), run tasks and the Terraform outputs;',
    'a sensitive output is named, never shown.',
    '',
    raw(applied),
    '## A run that waits for a policy override',
    '',
    'The step timed out with `cancel-on-timeout: false`: the report says who may override the',
    'run, links it, and says whether the step’s token could.',
    '',
    raw(override),
    '## An errored plan, with the end of its log',
    '',
    raw(errored),
    '## The token may not read the plan JSON: counts only, and why',
    '',
    raw(noJson),
    '## An input error: nothing was created',
    '',
    raw(input),
    '## A plan too large for the limit',
    '',
    'Comments are cut at 65,536 characters and summaries at 1 MiB; this sample uses a',
    '6,000-byte limit to show how long lists share the room and end.',
    '',
    raw(huge)
  ].join('\n');
}

describe('docs/report-example.md', () => {
  it('is what the renderer produces', () => {
    const expected = exampleDocument();
    if (process.env['UPDATE_REPORT_EXAMPLE'] === '1') writeFileSync(DOC, expected);
    expect(readFileSync(DOC, 'utf8')).toBe(expected);
  });
});
