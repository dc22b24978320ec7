/**
 * The fingerprint of a plan's resource changes that the preview comment carries, hidden,
 * right after its marker (contract.md, "The reviewed plan"). It sits at the head of the
 * comment and is paid for before any section, so cutting the report for size never cuts
 * it. It holds a SHA-256 of the changes, their counts by action, and, when they fit in
 * FINGERPRINT_MAX_BYTES, the changes themselves (gzip, base64), so a refusal can name
 * what differs; otherwise only the hash and counts are compared and shown.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ACTION_ORDER } from '../report/plan-changes.js';
import type { ResourceAction, ResourceChange } from '../report/types.js';

const TAG = 'tfe-run-action-plan:v1';
/** The fingerprint's share of the 65,536-character comment; the report keeps the rest. */
export const FINGERPRINT_MAX_BYTES = 24_000;
// Bounds for reading one back: a comment is at most 65,536 characters anyway.
const MAX_DATA_CHARS = 70_000;
const MAX_INFLATED_BYTES = 16 * 1024 * 1024;
const MAX_ENTRIES = 1_000_000;
const MAX_FIELD = 100_000;

export interface PlanFingerprint {
  /** SHA-256 (hex) of the canonical list of changes: equal hashes, equal plans. */
  readonly sha256: string;
  /** Number of changes by action. */
  readonly counts: Readonly<Partial<Record<ResourceAction, number>>>;
  /** The changes, sorted canonically; undefined when only the hash could be kept. */
  readonly changes?: readonly ResourceChange[];
}

/** One change as compared and stored: action, address, old address, deposed key, importing. */
type Entry = [string, string, string, string, string];

function entryOf(change: ResourceChange): Entry {
  return [
    change.action,
    change.address,
    change.previousAddress ?? '',
    change.deposed ?? '',
    change.importing ? 'importing' : ''
  ];
}

function changeOf(entry: Entry): ResourceChange {
  const [action, address, previousAddress, deposed, importing] = entry;
  return {
    action: action as ResourceAction,
    address,
    ...(previousAddress ? { previousAddress } : {}),
    ...(deposed ? { deposed } : {}),
    ...(importing ? { importing: true } : {})
  };
}

/** Canonical order: by the entry's JSON, code unit by code unit (no locale can change it). */
function canonical(changes: readonly ResourceChange[]): Entry[] {
  return changes
    .map(entryOf)
    .map(entry => [JSON.stringify(entry), entry] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, entry]) => entry);
}

function hashOf(entries: readonly Entry[]): string {
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex');
}

function countsOf(changes: readonly ResourceChange[]): Partial<Record<ResourceAction, number>> {
  const counts: Partial<Record<ResourceAction, number>> = {};
  for (const change of changes) counts[change.action] = (counts[change.action] ?? 0) + 1;
  return counts;
}

export function fingerprintOf(changes: readonly ResourceChange[]): PlanFingerprint {
  const entries = canonical(changes);
  return { sha256: hashOf(entries), counts: countsOf(changes), changes: entries.map(changeOf) };
}

/** Whether two fingerprints are of the same changes. */
export function samePlan(a: PlanFingerprint, b: PlanFingerprint): boolean {
  return a.sha256 === b.sha256;
}

function line(sha256: string, payload: object): string {
  // Base64 has no '-' or '>', so the data can never close the HTML comment.
  const data = gzipSync(JSON.stringify(payload), { level: 9 }).toString('base64');
  return `<!-- ${TAG} sha256:${sha256} data:${data} -->`;
}

/** The hidden line for the comment: with the changes when they fit, else hash and counts. */
export function fingerprintLine(
  changes: readonly ResourceChange[],
  maxBytes = FINGERPRINT_MAX_BYTES
): string {
  const entries = canonical(changes);
  const sha256 = hashOf(entries);
  const counts = countsOf(changes);
  const full = line(sha256, { counts, changes: entries });
  return Buffer.byteLength(full) <= maxBytes ? full : line(sha256, { counts });
}

export type FingerprintReading =
  | { readonly kind: 'found'; readonly fingerprint: PlanFingerprint }
  | { readonly kind: 'absent' }
  | { readonly kind: 'invalid'; readonly reason: string };

const LINE = new RegExp(`^<!-- ${TAG} sha256:([0-9a-f]{64}) data:([A-Za-z0-9+/=]*) -->`);

/**
 * Reads the fingerprint that follows `marker` at the head of `body` (a comment of ours);
 * a fingerprint anywhere else in the body is not looked at. Bounded and strict: anything
 * malformed, oversized or whose changes do not hash to its SHA-256 is 'invalid'.
 */
export function readFingerprint(body: string, marker: string): FingerprintReading {
  const head = body.trimStart();
  if (!head.startsWith(marker)) return { kind: 'absent' };
  const rest = head.slice(marker.length).replace(/^[ \t]*\r?\n/, '');
  if (!rest.startsWith(`<!-- ${TAG} `)) return { kind: 'absent' };
  const match = LINE.exec(rest.slice(0, MAX_DATA_CHARS + 200));
  if (!match) return { kind: 'invalid', reason: 'its plan fingerprint is malformed' };
  const [, sha256 = '', data = ''] = match;
  let payload: unknown;
  try {
    const json = gunzipSync(Buffer.from(data, 'base64'), { maxOutputLength: MAX_INFLATED_BYTES });
    payload = JSON.parse(json.toString('utf8'));
  } catch {
    return { kind: 'invalid', reason: 'its plan fingerprint cannot be decoded' };
  }
  const parsed = parsePayload(payload);
  if (typeof parsed === 'string') return { kind: 'invalid', reason: parsed };
  if (parsed.entries !== undefined) {
    if (hashOf(parsed.entries) !== sha256) {
      return { kind: 'invalid', reason: 'its plan fingerprint does not match its own hash' };
    }
    const changes = parsed.entries.map(changeOf);
    return { kind: 'found', fingerprint: { sha256, counts: countsOf(changes), changes } };
  }
  return { kind: 'found', fingerprint: { sha256, counts: parsed.counts } };
}

function parsePayload(
  payload: unknown
): { counts: Partial<Record<ResourceAction, number>>; entries?: Entry[] } | string {
  if (typeof payload !== 'object' || payload === null) return 'its plan fingerprint is malformed';
  const { counts, changes } = payload as { counts?: unknown; changes?: unknown };
  if (typeof counts !== 'object' || counts === null || Array.isArray(counts)) {
    return 'its plan fingerprint has no counts';
  }
  const known: Partial<Record<ResourceAction, number>> = {};
  for (const [action, count] of Object.entries(counts)) {
    if (!ACTION_ORDER.includes(action as ResourceAction)) continue;
    if (!Number.isSafeInteger(count) || (count as number) < 0) {
      return 'its plan fingerprint has bad counts';
    }
    known[action as ResourceAction] = count as number;
  }
  if (changes === undefined) return { counts: known };
  if (!Array.isArray(changes) || changes.length > MAX_ENTRIES) {
    return 'its plan fingerprint has a bad list of changes';
  }
  const entries: Entry[] = [];
  for (const entry of changes as unknown[]) {
    if (
      !Array.isArray(entry) ||
      entry.length !== 5 ||
      !entry.every(field => typeof field === 'string' && field.length <= MAX_FIELD) ||
      !ACTION_ORDER.includes(entry[0] as ResourceAction) ||
      entry[1] === ''
    ) {
      return 'its plan fingerprint has a bad list of changes';
    }
    entries.push(entry as Entry);
  }
  return { counts: known, entries };
}
