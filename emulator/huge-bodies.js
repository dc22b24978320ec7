// Answers far larger than a client should hold in memory, produced on demand
// in chunks of about 64 KiB with an exact length known up front, so the
// emulator itself never holds more than one chunk.
import { planJson } from './plan.js';

/**
 * A body sent chunk by chunk; `length` becomes the Content-Length.
 * @typedef {{ length: number, chunks: () => Generator<Buffer> }} StreamBody
 */

const CHUNK = 64 * 1024;
const DEFAULT_FILL = 'emulator filler line: an answer that ignores offset and limit\n';

/** @param {string | Buffer} value */
function bytesOf(value) {
  return Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
}

/**
 * `size` bytes: `prefix`, then `fill` repeated (the last copy cut to fit).
 * @param {number} size
 * @param {string | Buffer} [fill]
 * @param {string | Buffer} [prefix]
 * @returns {StreamBody}
 */
export function filler(size, fill = DEFAULT_FILL, prefix = '') {
  const head = bytesOf(prefix).subarray(0, size);
  const unit = bytesOf(fill).length > 0 ? bytesOf(fill) : Buffer.from(' ');
  // A whole number of units per block keeps the pattern seamless across chunks.
  const block = Buffer.alloc(Math.max(CHUNK - (CHUNK % unit.length), unit.length), unit);
  return {
    length: size,
    *chunks() {
      if (head.length > 0) yield head;
      let left = size - head.length;
      while (left > 0) {
        const n = Math.min(left, block.length);
        yield n === block.length ? block : block.subarray(0, n);
        left -= n;
      }
    }
  };
}

/** @param {number} i */
function padEntry(i) {
  const name = `pad_${String(i).padStart(10, '0')}`;
  return (
    `{"address":"terraform_data.${name}","mode":"managed","type":"terraform_data",` +
    `"name":"${name}","provider_name":"terraform.io/builtin/terraform",` +
    `"change":{"actions":["no-op"],"before":{"id":"${name}"},"after":{"id":"${name}"}}}`
  );
}

const MARK = '__EMULATOR_FILL__';

/**
 * The JSON plan `doc` grown to exactly `bytes` bytes (when it is smaller): its
 * own resource changes first, then `no-op` changes of `terraform_data.pad_N`
 * resources, then spaces. The result stays valid JSON with the same counts.
 * @param {Record<string, unknown>} doc
 * @param {number} bytes
 * @returns {StreamBody | string}
 */
export function paddedPlanJson(doc, bytes) {
  const real = Array.isArray(doc.resource_changes) ? doc.resource_changes : [];
  const frame = JSON.stringify({ ...doc, resource_changes: [MARK] });
  const at = frame.indexOf(`"${MARK}"`);
  const head = Buffer.from(frame.slice(0, at) + real.map(c => JSON.stringify(c)).join(','));
  const tail = Buffer.from(frame.slice(at + MARK.length + 2));
  const room = bytes - head.length - tail.length;
  if (room <= 0) return Buffer.concat([head, tail]).toString('utf8');
  const entryLength = padEntry(0).length;
  const sep = real.length > 0 ? 1 : 0;
  // n entries take n * (entryLength + 1) - 1 + sep bytes (commas between them).
  const count = Math.max(Math.floor((room + 1 - sep) / (entryLength + 1)), 0);
  const used = count > 0 ? count * (entryLength + 1) - 1 + sep : 0;
  const spaces = room - used;
  return {
    length: bytes,
    *chunks() {
      yield head;
      let batch = '';
      for (let i = 0; i < count; i++) {
        batch += (i > 0 || sep ? ',' : '') + padEntry(i);
        if (batch.length >= CHUNK) {
          yield Buffer.from(batch);
          batch = '';
        }
      }
      if (batch.length > 0) yield Buffer.from(batch);
      if (spaces > 0) yield Buffer.alloc(spaces, ' ');
      yield tail;
    }
  };
}

/**
 * The JSON plan of a finished run as a body: plain, or padded to the
 * scenario's `planJsonBytes`.
 * @param {import('./store.js').Run} run
 * @returns {StreamBody | string}
 */
export function planJsonBody(run) {
  const doc = planJson(
    /** @type {import('./plan.js').PlanResult} */ (run.plan),
    run.terraformVersion
  );
  const bytes = run.scenario.planJsonBytes;
  return typeof bytes === 'number' && bytes > 0 ? paddedPlanJson(doc, bytes) : JSON.stringify(doc);
}
