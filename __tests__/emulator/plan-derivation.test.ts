import { describe, expect, it } from '@jest/globals';
import { readConfig } from '../../emulator/terraform-config.js';
import { applyPlan, computePlan, planJson, planSummaryLine } from '../../emulator/plan.js';

const NO_OPTIONS = { isDestroy: false, refreshOnly: false, targetAddrs: [], replaceAddrs: [] };

function config(text: string, workingDirectory: string | null = null, name = 'main.tf') {
  return readConfig(new Map([[name, text]]), workingDirectory);
}

describe('emulator plan derivation', () => {
  it('finds resource blocks, skipping braces in strings and comments', () => {
    const cfg = config(`
# resource "commented" "out" {
resource "aws_instance" "web" {
  user_data = "{ not a block }"
  tags = {
    Name = "web" // }
  }
}
resource aws_eip bare {
}
data "aws_ami" "ubuntu" {
}
`);
    expect([...cfg.resources.keys()]).toEqual(['aws_instance.web', 'aws_eip.bare']);
    expect(cfg.resources.get('aws_instance.web')?.text).toContain('Name = "web"');
  });

  it('reads only the .tf files of the working directory', () => {
    const files = new Map([
      ['main.tf', 'resource "a_b" "root" {\n}\n'],
      ['infra/main.tf', 'resource "a_b" "infra" {\n}\n'],
      ['infra/modules/m/main.tf', 'resource "a_b" "module" {\n}\n'],
      ['infra/notes.txt', 'resource "a_b" "text" {\n}\n']
    ]);
    expect([...readConfig(files, null).resources.keys()]).toEqual(['a_b.root']);
    expect([...readConfig(files, 'infra').resources.keys()]).toEqual(['a_b.infra']);
    expect([...readConfig(files, './infra/').resources.keys()]).toEqual(['a_b.infra']);
  });

  it('reads outputs and import blocks', () => {
    const cfg = config(`
resource "aws_s3_bucket" "logs" {
}
import {
  to = aws_s3_bucket.logs
  id = "my-logs"
}
output "count" {
  value = 3
}
output "token" {
  value     = "s3cr3t"
  sensitive = true
}
`);
    expect(cfg.imports.get('aws_s3_bucket.logs')).toBe('my-logs');
    expect(cfg.outputs).toEqual([
      { name: 'count', value: 3, type: 'number', sensitive: false },
      { name: 'token', value: 's3cr3t', type: 'string', sensitive: true }
    ]);
  });

  it('plans creates, updates, deletes, replaces and no-ops against state', () => {
    const first = config('resource "a_b" "x" {\n  v = 1\n}\nresource "a_b" "y" {\n}\n');
    const state = new Map<string, string>();
    const created = computePlan(first, state, NO_OPTIONS);
    expect(created.counts).toEqual({ additions: 2, changes: 0, destructions: 0, imports: 0 });
    expect(planSummaryLine(created)).toBe('Plan: 2 to add, 0 to change, 0 to destroy.');
    applyPlan(created, state);
    expect(computePlan(first, state, NO_OPTIONS).hasChanges).toBe(false);
    // Whitespace alone is not a change.
    const reformatted = config('resource "a_b" "x" {\n    v =    1\n}\nresource "a_b" "y" {\n}\n');
    expect(computePlan(reformatted, state, NO_OPTIONS).hasChanges).toBe(false);

    const second = config('resource "a_b" "x" {\n  v = 2\n}\nresource "a_b" "z" {\n}\n');
    const changed = computePlan(second, state, NO_OPTIONS);
    expect(Object.fromEntries(changed.changes.map(c => [c.address, c.kind]))).toEqual({
      'a_b.x': 'update',
      'a_b.z': 'create',
      'a_b.y': 'delete'
    });
    expect(changed.counts).toEqual({ additions: 1, changes: 1, destructions: 1, imports: 0 });

    const replaced = computePlan(first, state, { ...NO_OPTIONS, replaceAddrs: ['a_b.y'] });
    expect(replaced.counts).toEqual({ additions: 1, changes: 0, destructions: 1, imports: 0 });
    const json = planJson(replaced, '1.9.5');
    expect(json.resource_changes.map(c => [c.address, c.change.actions])).toEqual([
      ['a_b.x', ['no-op']],
      ['a_b.y', ['delete', 'create']]
    ]);
  });

  it('limits plans to targets and handles destroy, refresh-only and imports', () => {
    const cfg = config(
      'resource "a_b" "x" {\n}\nresource "a_b" "y" {\n}\nimport {\n  to = a_b.y\n  id = "y-1"\n}\n'
    );
    const state = new Map([['a_b.x', 'old']]);
    const targeted = computePlan(cfg, state, { ...NO_OPTIONS, targetAddrs: ['a_b.y'] });
    expect(targeted.changes.map(c => [c.address, c.kind])).toEqual([['a_b.y', 'import']]);
    expect(targeted.counts.imports).toBe(1);
    expect(planJson(targeted, '1.9.5').resource_changes[0]).toMatchObject({
      change: { actions: ['no-op'], importing: { id: 'y-1' } }
    });
    const destroy = computePlan(cfg, state, { ...NO_OPTIONS, isDestroy: true });
    expect(destroy.changes.map(c => [c.address, c.kind])).toEqual([['a_b.x', 'delete']]);
    expect(computePlan(cfg, state, { ...NO_OPTIONS, refreshOnly: true }).hasChanges).toBe(false);
    applyPlan(destroy, state);
    expect(state.size).toBe(0);
  });
});
