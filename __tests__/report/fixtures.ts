/** Realistic run reports for the report tests and the rendered example. */
import type { ResourceChange, RunReport } from '../../src/report/types.js';
import type { PolicyRow, TaskRow, TerraformOutput } from '../../src/run-results/types.js';

export const RUN_URL =
  'https://app.terraform.io/app/acme/workspaces/networking-prod/runs/run-CZcmD7eagjhyX0vN';

export function speculativeReport(overrides: Partial<RunReport> = {}): RunReport {
  return {
    outcome: 'success',
    headline: 'Plan finished: 3 to add, 1 to change, 1 to destroy, 1 to import.',
    organization: 'acme',
    workspaceName: 'networking-prod',
    workspaceId: 'ws-6jrRyVDv1J8zQMB5',
    runId: 'run-CZcmD7eagjhyX0vN',
    runUrl: RUN_URL,
    runStatus: 'planned_and_finished',
    configurationVersionId: 'cv-ntv3HbhJqvFzamy7',
    planId: 'plan-yPFYmjsGZBmrMDnG',
    hasChanges: true,
    speculative: true,
    commitSha: '5f3c2a19e0b4d6c8a7f1e2d3c4b5a6978877665f',
    counts: { additions: 3, changes: 1, destructions: 1, imports: 1 },
    resourceChanges: [
      { address: 'aws_subnet.private["eu-west-1a"]', action: 'create' },
      { address: 'aws_subnet.private["eu-west-1b"]', action: 'create' },
      { address: 'aws_route_table.private', action: 'create' },
      { address: 'aws_vpc.main', action: 'update' },
      { address: 'aws_nat_gateway.legacy', action: 'destroy' },
      { address: 'aws_internet_gateway.main', action: 'import' },
      {
        address: 'module.dns.aws_route53_zone.internal',
        action: 'move',
        previousAddress: 'aws_route53_zone.internal'
      }
    ],
    ...overrides
  };
}

/** `count` changes spread over the actions, with addresses about 60 characters long. */
export function manyChanges(count: number): ResourceChange[] {
  const actions = ['create', 'update', 'destroy', 'replace'] as const;
  return Array.from({ length: count }, (_, i) => ({
    address: `module.fleet.aws_instance.worker_with_a_long_name["node-${String(i).padStart(5, '0')}"]`,
    action: actions[i % actions.length] ?? 'create'
  }));
}

/** `count` policies: a few failures of every kind first, then passes, as the collector sorts. */
export function manyPolicies(count: number): PolicyRow[] {
  const failures: PolicyRow[] = [
    {
      kind: 'sentinel',
      set: 'security',
      name: 'no-public-buckets',
      enforcement: 'hard-mandatory',
      result: 'hard-failed'
    },
    {
      kind: 'opa',
      set: 'opa-core',
      name: 'require-cost-center-tag',
      enforcement: 'mandatory',
      result: 'soft-failed'
    },
    {
      kind: 'sentinel',
      set: 'security',
      name: 'restrict-regions',
      enforcement: 'soft-mandatory',
      result: 'overridden'
    },
    {
      kind: 'opa',
      set: 'opa-core',
      name: 'prefer-graviton',
      enforcement: 'advisory',
      result: 'advisory-failed'
    }
  ];
  return Array.from({ length: count }, (_, i) =>
    i < failures.length && i < count - 1
      ? failures[i]
      : {
          kind: i % 2 ? 'opa' : 'sentinel',
          set: 'baseline',
          name: `policy-${String(i).padStart(5, '0')}-with-a-descriptive-name`,
          enforcement: i % 2 ? 'mandatory' : 'soft-mandatory',
          result: 'passed'
        }
  );
}

/** `count` run-task results over the stages, one failure first. */
export function manyTasks(count: number): TaskRow[] {
  const stages = ['pre_plan', 'post_plan', 'pre_apply', 'post_apply'];
  return Array.from({ length: count }, (_, i) => ({
    stage: stages[i % stages.length] ?? 'post_plan',
    name: i === 0 ? 'wiz-scan' : `task-${String(i).padStart(5, '0')}`,
    status: i === 0 ? 'failed' : 'passed',
    enforcement: i === 0 ? 'mandatory' : 'advisory',
    message:
      i === 0 ? '2 critical findings: open security group, unencrypted volume' : 'No findings.',
    url: `https://tasks.example.com/results/${i}`
  }));
}

/** `count` outputs of every kind, every third one sensitive. */
export function manyOutputs(count: number): TerraformOutput[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `output_${String(i).padStart(5, '0')}`;
    if (i % 3 === 2) return { id: `wsout-${i}`, name, sensitive: true, type: 'string' };
    return i % 3 === 0
      ? { id: `wsout-${i}`, name, sensitive: false, type: 'string', value: `value of ${name}` }
      : { id: `wsout-${i}`, name, sensitive: false, type: 'list(number)', value: [i, i + 1] };
  });
}
