/**
 * The preview comment's hidden fingerprint: what it keeps, what it survives, and that a
 * tampered, oversized or misplaced one is never read as a plan.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import type { ResourceChange } from '../../src/report/types.js';
import {
  FINGERPRINT_MAX_BYTES,
  fingerprintLine,
  fingerprintOf,
  readFingerprint,
  samePlan
} from '../../src/review/plan-fingerprint.js';
import { manyChanges, speculativeReport } from '../report/fixtures.js';

const MARKER = '<!-- tfe-run-action:acme/networking-prod -->';
const changes = speculativeReport().resourceChanges ?? [];
const comment = (line: string, rest = '### Terraform plan\n') => `${MARKER}\n${line}\n\n${rest}`;

function read(body: string) {
  const reading = readFingerprint(body, MARKER);
  if (reading.kind !== 'found') throw new Error(`expected a fingerprint, got ${reading.kind}`);
  return reading.fingerprint;
}

describe('plan fingerprint', () => {
  it('round-trips the changes through the comment, whatever their order', () => {
    const found = read(comment(fingerprintLine(changes)));
    expect(samePlan(found, fingerprintOf([...changes].reverse()))).toBe(true);
    expect(new Set(found.changes)).toEqual(new Set(fingerprintOf(changes).changes));
    expect(found.counts).toEqual({ create: 3, update: 1, destroy: 1, import: 1, move: 1 });
  });

  it('tells plans apart by address, action, old address, deposed key and import', () => {
    const base: ResourceChange = { address: 'aws_vpc.main', action: 'update' };
    const variants: ResourceChange[] = [
      { ...base, action: 'replace' },
      { ...base, address: 'aws_vpc.other' },
      { ...base, previousAddress: 'aws_vpc.old' },
      { ...base, deposed: '00000001' },
      { ...base, importing: true }
    ];
    for (const variant of variants) {
      expect(samePlan(fingerprintOf([base]), fingerprintOf([variant]))).toBe(false);
    }
    // A change listed twice is not the same plan as the change once.
    expect(samePlan(fingerprintOf([base]), fingerprintOf([base, base]))).toBe(false);
    expect(samePlan(fingerprintOf([]), fingerprintOf([]))).toBe(true);
  });

  it('keeps only the hash and counts when the changes would not fit, and stays within its share', () => {
    const huge = manyChanges(20_000);
    const line = fingerprintLine(huge);
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(FINGERPRINT_MAX_BYTES);
    const found = read(comment(line));
    expect(found.changes).toBeUndefined();
    expect(found.counts).toEqual({ create: 5000, update: 5000, destroy: 5000, replace: 5000 });
    expect(samePlan(found, fingerprintOf(huge))).toBe(true);
    // A few thousand changes still fit whole.
    expect(read(comment(fingerprintLine(manyChanges(3000)))).changes).toHaveLength(3000);
  });

  it('is read only right after the marker: a fingerprint elsewhere in the body is not looked at', () => {
    const line = fingerprintLine(changes);
    expect(readFingerprint(`${MARKER}\n\nsome text\n${line}`, MARKER).kind).toBe('absent');
    expect(readFingerprint(`quote: ${MARKER}\n${line}`, MARKER).kind).toBe('absent');
    expect(readFingerprint(comment(line), '<!-- tfe-run-action:acme/other -->').kind).toBe(
      'absent'
    );
    expect(readFingerprint(`${MARKER}\n### no fingerprint`, MARKER).kind).toBe('absent');
  });

  it('refuses data that does not hash to its own SHA-256 (an edited comment)', () => {
    const line = fingerprintLine(changes);
    const sha = /sha256:([0-9a-f]{64})/.exec(line)?.[1] ?? '';
    const other = fingerprintLine([{ address: 'aws_vpc.main', action: 'update' }]);
    const forged = other.replace(/sha256:[0-9a-f]{64}/, `sha256:${sha}`);
    expect(readFingerprint(comment(forged), MARKER)).toEqual({
      kind: 'invalid',
      reason: 'its plan fingerprint does not match its own hash'
    });
  });

  it('refuses malformed, oversized and compressed-bomb data without reading it all', () => {
    const sha = 'a'.repeat(64);
    const tag = (data: string) => `<!-- tfe-run-action-plan:v1 sha256:${sha} data:${data} -->`;
    const gz = (value: unknown) => gzipSync(JSON.stringify(value)).toString('base64');
    const cases = [
      tag('not base64 or gzip'),
      tag('!!!'),
      tag(gz('a string')),
      tag(gz({ counts: { create: -1 } })),
      tag(gz({ counts: {}, changes: [['create', 'a.b', '', '']] })),
      tag(gz({ counts: {}, changes: [['explode', 'a.b', '', '', '']] })),
      tag(gz({ counts: {}, changes: [['create', '', '', '', '']] })),
      // 20 MiB of zeros compress to about 20 KB: inflating stops at its 16 MiB bound.
      tag(gzipSync(Buffer.alloc(20 * 1024 * 1024)).toString('base64')),
      // 64 MiB compress to more than a comment can hold: refused before inflating.
      tag(gzipSync(Buffer.alloc(64 * 1024 * 1024)).toString('base64')),
      tag('A'.repeat(200_000))
    ];
    for (const line of cases) {
      expect([line.slice(0, 80), readFingerprint(comment(line), MARKER).kind]).toEqual([
        line.slice(0, 80),
        'invalid'
      ]);
    }
  });

  it('can never close the HTML comment it sits in', () => {
    const hostile: ResourceChange[] = [
      { address: 'null_resource.x["--> <img src=x> <!--"]', action: 'create' },
      { address: 'a.b', action: 'move', previousAddress: '-->' }
    ];
    const line = fingerprintLine(hostile);
    expect(line.indexOf('-->')).toBe(line.length - 3);
    expect(read(comment(line)).changes).toEqual(fingerprintOf(hostile).changes);
  });
});
