// The blob host ("archivist"): pre-signed style paths that need no token for
// uploads, logs (docs/tfe-api-notes.md §8.4), JSON plans, policy output and configuration downloads.
import { policyCheckText } from './policy-checks.js';
import { empty, notFound } from './http-util.js';
import { planJsonBody } from './huge-bodies.js';
import { logText } from './planted-log.js';

/**
 * @typedef {import('./store.js').Log} Log
 * @typedef {import('./http-util.js').Reply} Reply
 */

/**
 * The log as the blob store serves it: STX, the lines so far, ETX once final.
 * @param {Log} log
 */
export function logBytes(log) {
  if (!log.started) return Buffer.alloc(0);
  return Buffer.concat([
    Buffer.from([0x02]),
    logText(log),
    log.final ? Buffer.from([0x03]) : Buffer.alloc(0)
  ]);
}

/**
 * @param {string | null} value
 * @param {number | undefined} fallback
 */
function nonNegative(value, fallback) {
  const n = value === null ? NaN : Number(value);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

/**
 * @param {import('./api-routes.js').Core & { onUpload: (cvId: string, body: Buffer) => void }} core
 * @param {{ method: string, path: string, query: URLSearchParams, body: Buffer }} req
 * @returns {Reply}
 */
export function handleBlob(core, req) {
  const m = /^\/(upload|logs|json|download|policy)\/([A-Za-z0-9_-]+)$/.exec(req.path);
  const blob = m ? core.store.blobs.get(m[2]) : undefined;
  if (!m || !blob || blob.kind !== (m[1] === 'logs' ? 'log' : m[1])) return notFound();
  if (blob.kind === 'upload') {
    if (req.method !== 'PUT') return notFound();
    core.onUpload(blob.id, req.body);
    return empty(200);
  }
  if (req.method !== 'GET') return notFound();
  if (blob.kind === 'log') {
    const phase = core.store.plans.get(blob.id) ?? core.store.applies.get(blob.id);
    if (!phase) return notFound();
    const bytes = logBytes(phase.log);
    // Offsets count bytes including the STX/ETX markers; no limit reads to the end.
    const offset = nonNegative(req.query.get('offset'), 0) ?? 0;
    const limit = nonNegative(req.query.get('limit'), undefined);
    const end = limit === undefined ? bytes.length : Math.min(bytes.length, offset + limit);
    const body = offset >= bytes.length ? Buffer.alloc(0) : bytes.subarray(offset, end);
    return { status: 200, headers: { 'Content-Type': 'text/plain' }, body };
  }
  if (blob.kind === 'json') {
    const plan = core.store.plans.get(blob.id);
    const run = plan ? core.store.run(plan.runId) : undefined;
    if (!run || !run.plan) return notFound();
    return {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: planJsonBody(run)
    };
  }
  if (blob.kind === 'policy') {
    const pc = core.store.policyChecks.get(blob.id);
    if (!pc) return notFound();
    const text = policyCheckText(pc);
    return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: text };
  }
  const cv = core.store.cv(blob.id);
  if (!cv || !cv.body) return notFound();
  return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: cv.body };
}
