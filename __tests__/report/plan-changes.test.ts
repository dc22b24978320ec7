import { describe, expect, it } from '@jest/globals';
import {
  planJsonUnavailableReason,
  resourceChangesFromPlanJson
} from '../../src/report/plan-changes.js';

function entry(address: string, actions: unknown, extra: Record<string, unknown> = {}) {
  const { change, ...rest } = extra;
  return {
    address,
    mode: 'managed',
    type: address.split('.').at(-2) ?? 'x',
    name: 'n',
    ...rest,
    change: {
      actions,
      before: { secret: 'hunter2' },
      after: { secret: 'hunter3' },
      ...(change as object)
    }
  };
}

describe('resourceChangesFromPlanJson', () => {
  it('maps every action kind Terraform writes', () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [
        entry('aws_instance.create', ['create']),
        entry('aws_instance.update', ['update']),
        entry('aws_instance.replace_default', ['delete', 'create']),
        entry('aws_instance.replace_cbd', ['create', 'delete']),
        entry('aws_instance.destroy', ['delete']),
        entry('aws_instance.imported', ['no-op'], { change: { importing: { id: 'i-123' } } }),
        entry('aws_instance.moved', ['no-op'], { previous_address: 'aws_instance.old' }),
        entry('aws_instance.forgotten', ['forget']),
        entry('aws_instance.unchanged', ['no-op'])
      ]
    };
    expect(resourceChangesFromPlanJson(plan)).toEqual([
      { address: 'aws_instance.destroy', action: 'destroy' },
      { address: 'aws_instance.replace_cbd', action: 'replace' },
      { address: 'aws_instance.replace_default', action: 'replace' },
      { address: 'aws_instance.create', action: 'create' },
      { address: 'aws_instance.update', action: 'update' },
      { address: 'aws_instance.imported', action: 'import' },
      { address: 'aws_instance.moved', action: 'move', previousAddress: 'aws_instance.old' },
      { address: 'aws_instance.forgotten', action: 'forget' }
    ]);
  });

  it('keeps import and move notes on resources that also change', () => {
    const plan = {
      resource_changes: [
        entry('aws_s3_bucket.b', ['update'], { change: { importing: { id: 'bucket' } } }),
        entry('aws_s3_bucket.new', ['delete', 'create'], { previous_address: 'aws_s3_bucket.old' }),
        // previous_address equal to address is not a move
        entry('aws_s3_bucket.same', ['update'], { previous_address: 'aws_s3_bucket.same' })
      ]
    };
    expect(resourceChangesFromPlanJson(plan)).toEqual([
      {
        address: 'aws_s3_bucket.new',
        action: 'replace',
        previousAddress: 'aws_s3_bucket.old'
      },
      { address: 'aws_s3_bucket.b', action: 'update', importing: true },
      { address: 'aws_s3_bucket.same', action: 'update' }
    ]);
  });

  it('drops data-source reads and reports deposed objects', () => {
    const plan = {
      resource_changes: [
        { ...entry('data.aws_ami.ubuntu', ['read']), mode: 'data' },
        entry('aws_instance.web', ['delete'], { deposed: '00000001' }),
        entry('aws_instance.web', ['create'])
      ]
    };
    expect(resourceChangesFromPlanJson(plan)).toEqual([
      { address: 'aws_instance.web', action: 'destroy', deposed: '00000001' },
      { address: 'aws_instance.web', action: 'create' }
    ]);
  });

  it('sorts addresses numerically inside each group', () => {
    const plan = {
      resource_changes: ['a.b[10]', 'a.b[2]', 'module.z.a.b', 'a.b[1]'].map(a =>
        entry(a, ['create'])
      )
    };
    expect(resourceChangesFromPlanJson(plan).map(c => c.address)).toEqual([
      'a.b[1]',
      'a.b[2]',
      'a.b[10]',
      'module.z.a.b'
    ]);
  });

  it('never reads before/after values', () => {
    const result = JSON.stringify(
      resourceChangesFromPlanJson({ resource_changes: [entry('a.b', ['update'])] })
    );
    expect(result).not.toContain('hunter');
  });

  it('parses a JSON string and returns nothing for unreadable input', () => {
    const text = JSON.stringify({ resource_changes: [entry('a.b', ['create'])] });
    expect(resourceChangesFromPlanJson(text)).toEqual([{ address: 'a.b', action: 'create' }]);
    for (const bad of [undefined, null, 42, 'not json{', [], {}, { resource_changes: 'x' }]) {
      expect(resourceChangesFromPlanJson(bad)).toEqual([]);
    }
  });

  it('skips malformed entries and keeps the readable ones', () => {
    const plan = {
      resource_changes: [
        null,
        'string',
        { address: 'no.change' },
        { address: 'bad.actions', change: { actions: 'create' } },
        { address: '', change: { actions: ['create'] } },
        { address: 'unknown.action', change: { actions: ['explode'] } },
        { address: 'mixed.types', change: { actions: ['create', 7] } },
        { address: 'ok.one', change: { actions: ['delete'] } }
      ]
    };
    expect(resourceChangesFromPlanJson(plan)).toEqual([
      { address: 'ok.one', action: 'destroy' },
      { address: 'mixed.types', action: 'create' }
    ]);
  });
});

describe('planJsonUnavailableReason', () => {
  it('explains a permission refusal, a missing document and other failures', () => {
    expect(planJsonUnavailableReason(403)).toContain('may not read');
    expect(planJsonUnavailableReason(404)).toContain('HTTP 404');
    expect(planJsonUnavailableReason(403)).toContain('Organization tokens');
    expect(planJsonUnavailableReason(204)).toContain('not ready');
    expect(planJsonUnavailableReason(422)).toContain('0.12');
    expect(planJsonUnavailableReason(502)).toContain('HTTP 502');
    expect(planJsonUnavailableReason()).toContain('could not be fetched');
  });
});
