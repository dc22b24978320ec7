/**
 * The streaming plan reader gives what JSON.parse + resourceChangesFromPlanJson give, however
 * the bytes are split into chunks: escapes at chunk ends, keys written with escapes, a
 * repeated key, `resource_changes` nested deeper than the top. Malformed or absurd plans are
 * a PlanJsonError, never a wrong answer or unbounded memory.
 */
import { describe, expect, it } from '@jest/globals';
import { resourceChangesFromPlanJson } from '../../src/report/plan-changes.js';
import { PlanChangesReader } from '../../src/report/plan-changes-reader.js';
import { PlanJsonError } from '../../src/report/plan-json-scanner.js';

/** A small deterministic random source (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Reads `text` split at random points (1-byte chunks now and then). */
function read(text: string, rand: () => number, reader = new PlanChangesReader()) {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length;) {
    const size = rand() < 0.2 ? 1 : 1 + Math.floor(rand() * 40);
    reader.write(bytes.subarray(i, i + size));
    i += size;
  }
  return reader.end();
}

const TRICKY = ['"', '\\', '\\"', '\\\\', '}', ']', '{"a":[', 'é', '😀', '\u0002', ',"x":'];

function tricky(rand: () => number): string {
  let s = '';
  const n = Math.floor(rand() * 5);
  for (let i = 0; i < n; i++) s += TRICKY[Math.floor(rand() * TRICKY.length)];
  return s;
}

const ACTIONS = [['create'], ['update'], ['delete'], ['delete', 'create'], ['no-op'], ['read']];

function randomPlan(rand: () => number): unknown {
  const changes = Array.from({ length: Math.floor(rand() * 6) }, (_, i) => ({
    address: `null_resource.r${i}${tricky(rand)}`,
    mode: rand() < 0.1 ? 'data' : 'managed',
    ...(rand() < 0.2 ? { previous_address: `null_resource.old${i}` } : {}),
    ...(rand() < 0.1 ? { deposed: `d${i}` } : {}),
    change: {
      actions: ACTIONS[Math.floor(rand() * ACTIONS.length)],
      before: { value: tricky(rand), nested: [[{ k: tricky(rand) }]] },
      after: rand() < 0.5 ? null : { value: tricky(rand) },
      ...(rand() < 0.2 ? { importing: { id: 'x' } } : {})
    }
  }));
  return {
    format_version: '1.2',
    [`key${tricky(rand)}`]: {
      resource_changes: [{ address: 'nested.not_counted', change: { actions: ['create'] } }]
    },
    planned_values: { root_module: { resources: [{ address: tricky(rand) }] } },
    resource_changes: changes,
    output_changes: { o: { actions: ['create'], after: tricky(rand) } },
    applyable: true
  };
}

describe('PlanChangesReader', () => {
  it('reads random plans in random chunks as JSON.parse does', () => {
    const rand = random(7);
    for (let round = 0; round < 300; round++) {
      const plan = randomPlan(rand);
      const text = JSON.stringify(plan, null, round % 3 === 0 ? 2 : undefined);
      expect(read(text, rand)).toEqual(resourceChangesFromPlanJson(JSON.parse(text)));
    }
  });

  it('decodes a key written with escapes, and a repeated key replaces the first', () => {
    const text =
      '{"resource_changes":[{"address":"a.first","change":{"actions":["create"]}}],' +
      '"resource\\u005fchanges":[{"address":"a.second","change":{"actions":["delete"]}}]}';
    expect(read(text, random(1))).toEqual(resourceChangesFromPlanJson(JSON.parse(text)));
    expect(read(text, random(1))).toEqual([{ address: 'a.second', action: 'destroy' }]);
  });

  it('finds nothing in plans without top-level changes', () => {
    for (const text of [
      '[]',
      '{}',
      '"text"',
      '42',
      '{"a":{"resource_changes":[{"address":"x.y","change":{"actions":["create"]}}]}}'
    ]) {
      expect(read(text, random(2))).toEqual([]);
    }
  });

  it('refuses a plan that ends early or is not JSON', () => {
    for (const text of [
      '',
      '{"resource_changes":[',
      '{"a":"b',
      '{"resource_changes":[{"address":}]}',
      '}'
    ]) {
      expect(() => read(text, random(3))).toThrow(PlanJsonError);
    }
  });

  it('refuses an absurd entry instead of holding it', () => {
    const big = `{"resource_changes":[{"address":"a.b","change":{"actions":["create"],"after":"${'x'.repeat(5000)}"}}]}`;
    expect(() => read(big, random(4), new PlanChangesReader(1000))).toThrow(
      /larger than 1000 bytes/
    );
  });

  it('holds no more than one entry: a long string elsewhere is only scanned', () => {
    const reader = new PlanChangesReader(1000);
    reader.write(Buffer.from('{"prior_state":"'));
    const filler = Buffer.alloc(1024 * 1024, 'a');
    for (let i = 0; i < 20; i++) reader.write(filler);
    reader.write(
      Buffer.from('","resource_changes":[{"address":"a.b","change":{"actions":["update"]}}]}')
    );
    expect(reader.end()).toEqual([{ address: 'a.b', action: 'update' }]);
  });
});
