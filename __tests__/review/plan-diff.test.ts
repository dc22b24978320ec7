/** What a refusal says differs between the reviewed preview and the plan. */
import { describe, expect, it } from '@jest/globals';
import type { ResourceChange } from '../../src/report/types.js';
import { describeCountDiff, describePlanDiff, diffPlans } from '../../src/review/plan-diff.js';
import { safeLabel } from '../../src/safe-label.js';
import { fingerprintOf } from '../../src/review/plan-fingerprint.js';
import { manyChanges } from '../report/fixtures.js';

const c = (address: string, action: ResourceChange['action'], extra = {}): ResourceChange => ({
  address,
  action,
  ...extra
});

describe('diffPlans', () => {
  it('names what was added, what is gone and what changed its action', () => {
    const reviewed = [c('a.web', 'create'), c('a.db', 'update'), c('a.old', 'destroy')];
    const now = [c('a.web', 'create'), c('a.db', 'replace'), c('a.cache', 'create')];
    const diff = diffPlans(reviewed, now);
    expect(diff).toEqual({
      added: [c('a.cache', 'create')],
      removed: [c('a.old', 'destroy')],
      changed: [{ reviewed: c('a.db', 'update'), now: c('a.db', 'replace') }]
    });
    expect(describePlanDiff(diff)).toBe(
      [
        '1 not in the preview, 1 in the preview only, 1 with another action:',
        '+ create a.cache',
        '- destroy a.old',
        '~ a.db: update → replace'
      ].join('\n')
    );
  });

  it('tells a deposed object from the current one, and shows moves and imports', () => {
    const diff = diffPlans(
      [c('a.x', 'destroy', { deposed: '0001' }), c('a.m', 'move', { previousAddress: 'a.n' })],
      [c('a.x', 'destroy'), c('a.m', 'move', { previousAddress: 'a.o' }), c('a.i', 'import')]
    );
    expect(describePlanDiff(diff).split('\n').slice(1)).toEqual([
      '+ destroy a.x',
      '+ import a.i',
      '- destroy a.x (deposed 0001)',
      '~ a.m: move (from a.n) → move (from a.o)'
    ]);
  });

  it('stays short however many changes differ', () => {
    const text = describePlanDiff(diffPlans([], manyChanges(10_000)));
    expect(text.split('\n')).toHaveLength(22);
    expect(text).toMatch(/… and 9980 more$/);
    expect(Buffer.byteLength(text)).toBeLessThan(5_000);
  });

  it('counts by action when the preview kept only its hash', () => {
    const reviewed = fingerprintOf([c('a.a', 'create'), c('a.b', 'create')]);
    const now = fingerprintOf([c('a.a', 'create'), c('a.c', 'destroy')]);
    expect(describeCountDiff(reviewed, now)).toBe(
      'Counts by action (preview → now): destroy 0 → 1, create 2 → 1.'
    );
    expect(describeCountDiff(reviewed, reviewed)).toMatch(/counts by action are the same/);
  });
});

describe('safeLabel', () => {
  it('keeps hostile addresses on one line, without controls or bidi overrides, bounded', () => {
    expect(safeLabel('a["x\ny\r\u001b[31m\u202e\u200b"]')).toBe(
      'a["x\\u000ay\\u000d\\u001b[31m<U+202E><U+200B>"]'
    );
    const long = safeLabel('x'.repeat(1000));
    expect([...long]).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
  });
});
