/**
 * The example workflows users copy must be workflows GitHub accepts, and every `with:` key
 * given to the action must be one of its inputs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..');
const EXAMPLES = join(ROOT, 'examples');
const ACTION = 'your-org/tfe-run-action@v1';

type Map = Record<string, unknown>;
const isMap = (v: unknown): v is Map => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The inputs and outputs action.yml declares (action-yml.test.ts checks it against the contract). */
function actionInterface(): { inputs: string[]; outputs: string[] } {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Map;
  return {
    inputs: Object.keys(isMap(action['inputs']) ? action['inputs'] : {}),
    outputs: Object.keys(isMap(action['outputs']) ? action['outputs'] : {})
  };
}

const iface = actionInterface();
const files = readdirSync(EXAMPLES).filter(f => /\.ya?ml$/.test(f));
const load = (file: string) =>
  parse(readFileSync(join(EXAMPLES, file), 'utf8'), { uniqueKeys: true }) as Map;

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Map;
  env?: Map;
  if?: string;
}

function jobsOf(workflow: Map): [string, Map][] {
  return Object.entries(workflow['jobs'] as Map).map(([id, job]) => [id, job as Map]);
}

function actionSteps(workflow: Map): Step[] {
  return jobsOf(workflow).flatMap(([, job]) =>
    (job['steps'] as Step[]).filter(s => s.uses === ACTION)
  );
}

describe('example workflows', () => {
  it('exist for PR preview, apply on main, reviewed applies, a monorepo matrix, a manual destroy, an approval, a discard and a promotion', () => {
    expect(files.sort()).toEqual(
      [
        'apply-on-main.yml',
        'apply-on-merge-reviewed.yml',
        'approval-gated-apply.yml',
        'discard-on-pr-close.yml',
        'manual-destroy.yml',
        'matrix-monorepo.yml',
        'pr-preview.yml',
        'promote-staging-to-production.yml'
      ].sort()
    );
  });

  it.each(files)('%s has the structure GitHub requires', file => {
    const workflow = load(file);
    expect(typeof workflow['name']).toBe('string');
    // YAML 1.2 keeps `on` a string key (YAML 1.1 would read it as true).
    expect(workflow['on']).toBeDefined();
    expect(isMap(workflow['jobs'])).toBe(true);
    const jobIds = Object.keys(workflow['jobs'] as Map);
    expect(jobIds.length).toBeGreaterThan(0);
    for (const [id, job] of jobsOf(workflow)) {
      expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*$/);
      expect(typeof job['runs-on']).toBe('string');
      for (const need of [job['needs'] ?? []].flat()) expect(jobIds).toContain(need);
      const steps = job['steps'] as Step[];
      expect(Array.isArray(steps) && steps.length > 0).toBe(true);
      const stepIds = steps.flatMap(s => (s.id ? [s.id] : []));
      expect(new Set(stepIds).size).toBe(stepIds.length);
      for (const step of steps) {
        // A step is either an action (`uses`, optional `with`) or a script (`run`).
        expect(Number(step.uses !== undefined) + Number(step.run !== undefined)).toBe(1);
        if (step.run !== undefined) expect(step.with).toBeUndefined();
        for (const value of Object.values({ ...step.with, ...step.env })) {
          expect(['string', 'boolean', 'number']).toContain(typeof value);
        }
        // Untrusted expressions go through env, never straight into a script.
        if (step.run !== undefined) expect(step.run).not.toMatch(/\$\{\{/);
      }
    }
    const permissions = workflow['permissions'];
    expect(isMap(permissions)).toBe(true);
    for (const level of Object.values(permissions as Map)) {
      expect(['read', 'write', 'none']).toContain(level);
    }
  });

  it.each(files)('%s passes only real inputs to the action and reads real outputs', file => {
    const { inputs, outputs } = iface;
    const steps = actionSteps(load(file));
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      const given = Object.keys(step.with ?? {});
      for (const key of given) expect(inputs).toContain(key);
      expect(given).toContain('workspace');
      // Tokens come from secrets, never written into the workflow.
      expect(String(step.with?.['token'])).toMatch(/^\$\{\{\s*secrets\.[A-Z_]+\s*\}\}$/);
    }
    const text = readFileSync(join(EXAMPLES, file), 'utf8');
    for (const [, name] of text.matchAll(/steps\.[\w-]+\.outputs\.([\w-]+)/g)) {
      expect(outputs).toContain(name);
    }
  });

  it('PR preview: speculative, on pull requests, may write PR comments', () => {
    const workflow = load('pr-preview.yml');
    expect(isMap(workflow['on']) && 'pull_request' in workflow['on']).toBe(true);
    expect((workflow['permissions'] as Map)['pull-requests']).toBe('write');
    const [step] = actionSteps(workflow);
    expect(step?.with?.['speculative']).toBe(true);
    expect(step?.with?.['apply']).toBeUndefined();
  });

  it('apply on main: on push to main, applies, one at a time', () => {
    const workflow = load('apply-on-main.yml');
    const on = workflow['on'] as Map;
    expect((on['push'] as Map)['branches']).toEqual(['main']);
    const concurrency = workflow['concurrency'] as Map;
    expect(typeof concurrency['group']).toBe('string');
    expect(concurrency['cancel-in-progress']).toBe(false);
    expect(actionSteps(workflow)[0]?.with?.['apply']).toBe(true);
  });

  it('reviewed applies: previews on pull requests, applies on main only what they showed', () => {
    const workflow = load('apply-on-merge-reviewed.yml');
    const on = workflow['on'] as Map;
    expect('pull_request' in on).toBe(true);
    expect((on['push'] as Map)['branches']).toEqual(['main']);
    const jobs = Object.fromEntries(jobsOf(workflow));
    const stepOf = (job: Map | undefined) =>
      ((job?.['steps'] ?? []) as Step[]).find(s => s.uses === ACTION);
    const preview = stepOf(jobs['preview']);
    const apply = stepOf(jobs['apply']);
    expect(jobs['preview']?.['if']).toBe("github.event_name == 'pull_request'");
    expect(jobs['apply']?.['if']).toBe("github.event_name == 'push'");
    expect(preview?.with?.['speculative']).toBe(true);
    expect(apply?.with?.['apply']).toBe(true);
    expect(apply?.with?.['require-reviewed-plan']).toBe(true);
    // The apply looks for the preview of the same workspace.
    for (const key of ['organization', 'workspace', 'directory']) {
      expect(apply?.with?.[key]).toBe(preview?.with?.[key]);
    }
    expect(jobs['preview']?.['permissions']).toMatchObject({ 'pull-requests': 'write' });
    expect(jobs['apply']?.['permissions']).toMatchObject({ 'pull-requests': 'read' });
    expect((jobs['apply']?.['concurrency'] as Map)['cancel-in-progress']).toBe(false);
  });

  it('matrix: one job per workspace, each passed to the action', () => {
    const workflow = load('matrix-monorepo.yml');
    const [[, job] = ['', {}]] = jobsOf(workflow);
    const matrix = (job['strategy'] as Map)['matrix'] as Map;
    const include = matrix['include'] as Map[];
    expect(include.length).toBeGreaterThanOrEqual(2);
    expect(new Set(include.map(m => m['workspace'])).size).toBe(include.length);
    const [step] = actionSteps(workflow);
    expect(step?.with?.['workspace']).toBe('${{ matrix.workspace }}');
    expect(step?.with?.['directory']).toBe('${{ matrix.directory }}');
    expect((workflow['permissions'] as Map)['pull-requests']).toBe('write');
  });

  it('manual destroy: workflow_dispatch with a confirmation checked before the destroy', () => {
    const workflow = load('manual-destroy.yml');
    const dispatch = (workflow['on'] as Map)['workflow_dispatch'] as Map;
    const inputs = dispatch['inputs'] as Map;
    expect((inputs['confirm'] as Map)['required']).toBe(true);
    const [[, job] = ['', {}]] = jobsOf(workflow);
    const steps = job['steps'] as Step[];
    const check = steps.findIndex(s => s.run?.includes('exit 1'));
    const destroy = steps.findIndex(s => s.uses === ACTION);
    expect(check).toBeGreaterThanOrEqual(0);
    expect(check).toBeLessThan(destroy);
    expect(steps[check]?.env?.['CONFIRM']).toBe('${{ inputs.confirm }}');
    expect(steps[destroy]?.with?.['is-destroy']).toBe(true);
    expect(steps[destroy]?.with?.['apply']).toBe(true);
  });

  /** The job's `outputs`, checked to name real outputs of the action's step in that job. */
  function jobOutputs(job: Map): Map {
    const outputs = (job['outputs'] ?? {}) as Map;
    for (const [name, value] of Object.entries(outputs)) {
      const match = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(String(value));
      expect(match?.[2]).toBe(name);
      expect(iface.outputs).toContain(name);
      const steps = job['steps'] as Step[];
      expect(steps.find(s => s.id === match?.[1])?.uses).toBe(ACTION);
    }
    return outputs;
  }

  it('approval-gated apply: plan, then the approved job applies that run, else it is discarded', () => {
    const workflow = load('approval-gated-apply.yml');
    const jobs = Object.fromEntries(jobsOf(workflow));
    const { plan, apply, discard } = jobs as Record<string, Map>;
    expect(Object.keys(jobOutputs(plan)).sort()).toEqual(['has-changes', 'run-id']);
    const [planStep] = actionSteps({ jobs: { plan } });
    expect(planStep?.with?.['apply']).toBeUndefined();
    expect(planStep?.with?.['speculative']).toBeUndefined();
    expect(apply['needs']).toBe('plan');
    expect(apply['environment']).toBe('production');
    // The approved job creates nothing: no checkout, the run comes from the plan job.
    expect((apply['steps'] as Step[]).some(s => s.uses?.startsWith('actions/checkout'))).toBe(
      false
    );
    const [applyStep] = actionSteps({ jobs: { apply } });
    expect(applyStep?.with?.['run-id']).toBe('${{ needs.plan.outputs.run-id }}');
    expect(applyStep?.with?.['apply']).toBe(true);
    expect(discard['needs']).toEqual(['plan', 'apply']);
    expect(String(discard['if'])).toMatch(/^always\(\) && .*needs\.apply\.result != 'success'/);
    const [discardStep] = actionSteps({ jobs: { discard } });
    expect(discardStep?.with?.['run-id']).toBe('${{ needs.plan.outputs.run-id }}');
    expect(discardStep?.with?.['discard']).toBe(true);
    expect(discardStep?.with?.['apply']).toBeUndefined();
    // Never cancel an apply halfway.
    expect((workflow['concurrency'] as Map)['cancel-in-progress']).toBe(false);
  });

  it('discard on PR close: only unmerged, with the run ID the plan workflow recorded', () => {
    const workflow = load('discard-on-pr-close.yml');
    expect((workflow['on'] as Map)['pull_request']).toEqual({ types: ['closed'] });
    expect((workflow['permissions'] as Map)['actions']).toBe('read');
    const [[, job] = ['', {}]] = jobsOf(workflow);
    expect(job['if']).toBe('github.event.pull_request.merged == false');
    const steps = job['steps'] as Step[];
    const find = steps.find(s => s.id === 'find');
    expect(find?.run).toContain('--name tfe-run-id');
    expect(find?.run).toContain('run-[A-Za-z0-9]+');
    // The artifact the plan workflow uploads under that name.
    const planJob = jobsOf(load('approval-gated-apply.yml'))[0][1];
    const upload = (planJob['steps'] as Step[]).find(s =>
      s.uses?.startsWith('actions/upload-artifact')
    );
    expect(upload?.with?.['name']).toBe('tfe-run-id');
    expect(find?.run).toContain('approval-gated-apply.yml');
    const [step] = actionSteps(workflow);
    expect(step?.with?.['run-id']).toBe('${{ steps.find.outputs.run-id }}');
    expect(step?.with?.['discard']).toBe(true);
  });

  it('promotion: production runs the configuration version staging applied', () => {
    const workflow = load('promote-staging-to-production.yml');
    const { staging, production } = Object.fromEntries(jobsOf(workflow)) as Record<string, Map>;
    expect(jobOutputs(staging)).toEqual({
      'configuration-version-id': '${{ steps.staging.outputs.configuration-version-id }}'
    });
    expect(actionSteps({ jobs: { staging } })[0]?.with?.['apply']).toBe(true);
    expect(production['needs']).toBe('staging');
    expect(production['environment']).toBe('production');
    const [step] = actionSteps({ jobs: { production } });
    expect(step?.with?.['configuration-version']).toBe(
      '${{ needs.staging.outputs.configuration-version-id }}'
    );
    expect(step?.with?.['directory']).toBeUndefined();
    expect(step?.with?.['workspace']).not.toBe(
      actionSteps({ jobs: { staging } })[0]?.with?.['workspace']
    );
    expect((production['steps'] as Step[]).some(s => s.uses?.startsWith('actions/checkout'))).toBe(
      false
    );
  });
});
