// Injected faults. What the server does with the request: answer with the
// fault instead (`reject`, `huge`, `echo-auth`), take effect but lose the
// answer (`lost`, a create whose response never arrived), drop the connection
// before reading it (`refuse`), or never answer (`stall`). How it delivers an
// answer: `cut` short, `trickle`d byte by byte, or headers then silence
// (`stall-headers`); see reply-writer.js.
import { STATUS_CODES } from 'node:http';
import { filler } from './huge-bodies.js';

/**
 * @typedef {'reject' | 'lost' | 'refuse' | 'cut' | 'stall' | 'stall-headers' | 'trickle' | 'huge' | 'echo-auth'} FaultMode
 *
 * @typedef {object} Fault
 * @property {string} [method] any method when absent
 * @property {string | RegExp} path path after `/api/v2` without the query (blob host: the whole path)
 * @property {number} [status]
 * @property {number} [times]
 * @property {Record<string, string>} [headers]
 * @property {unknown} [body] an object is sent as JSON; with `cut`, `trickle` or
 *   `stall-headers` it replaces the real answer (the request is then not processed)
 * @property {FaultMode} [mode] `reject` when absent
 * @property {number} [cutAfter] `cut`: body bytes sent before the socket is destroyed (default: half)
 * @property {number} [intervalMs] `trickle`: pause between writes (default 20)
 * @property {number} [chunkBytes] `trickle`: bytes per write (default 1)
 * @property {number} [limitMs] `stall`, `stall-headers`, `trickle`: the socket is
 *   destroyed after this long at the latest (default 60000)
 * @property {number} [size] `huge`: body bytes (default 64 MiB)
 * @property {string | Buffer} [fill] `huge`: repeated to fill the body (default a text line)
 * @property {string | Buffer} [prefix] `huge`: sent first (e.g. `'\x02'` for a log)
 */

/** Modes whose answer replaces the real one without processing the request. */
const OWN_ANSWER = new Set(['reject', 'huge', 'echo-auth']);
/** Modes that deliver the real answer in their way, unless the fault brings a body. */
const DELIVERY = new Set(['cut', 'trickle', 'stall-headers']);

export class Faults {
  constructor() {
    /** @type {(Fault & { times: number })[]} */
    this.list = [];
  }

  /** @param {Fault} fault */
  add(fault) {
    this.list.push({ ...fault, times: fault.times ?? 1 });
  }

  /**
   * Finds and consumes the first matching fault; API paths are compared
   * without their `/api/v2` prefix.
   * @param {'api' | 'blob'} host
   * @param {string} method
   * @param {string} path
   */
  take(host, method, path) {
    const faultPath = host === 'api' ? path.replace(/^\/api\/v2(?=\/|$)/, '') : path;
    const fault = this.list.find(
      f =>
        f.times > 0 &&
        (!f.method || f.method.toUpperCase() === method) &&
        (typeof f.path === 'string' ? f.path === faultPath : f.path.test(faultPath))
    );
    if (fault) fault.times--;
    return fault;
  }
}

/** @param {Fault} fault */
export function faultMode(fault) {
  return fault.mode ?? 'reject';
}

/**
 * Whether the fault answers by itself, so the request is not processed.
 * @param {Fault} fault
 */
export function answersItself(fault) {
  const mode = faultMode(fault);
  return OWN_ANSWER.has(mode) || (DELIVERY.has(mode) && fault.body !== undefined);
}

/**
 * @param {number} status
 * @param {Record<string, unknown>[]} errors
 * @param {Fault} fault
 * @returns {import('./http-util.js').Reply}
 */
function errorsReply(status, errors, fault) {
  return {
    status,
    headers: { 'Content-Type': 'application/vnd.api+json', ...(fault.headers ?? {}) },
    body: JSON.stringify({ errors })
  };
}

/**
 * A JSON:API error that repeats the request's credentials, as a careless
 * server might: the header as sent, base64 of the header and of the token,
 * and the header URL-encoded, one `detail` each.
 * @param {Fault} fault
 * @param {string | undefined} authorization
 */
function echoAuth(fault, authorization) {
  const status = fault.status ?? 401;
  const title = (STATUS_CODES[status] ?? 'error').toLowerCase();
  const header = authorization ?? '';
  const token = header.replace(/^Bearer\s+/i, '');
  const b64 = (/** @type {string} */ s) => Buffer.from(s, 'utf8').toString('base64');
  return errorsReply(
    status,
    [
      { status: String(status), title, detail: `invalid credentials: ${header}` },
      { status: String(status), title, detail: `credentials (base64): ${b64(header)}` },
      { status: String(status), title, detail: `token (base64): ${b64(token)}` },
      {
        status: String(status),
        title,
        detail: `credentials (url-encoded): ${encodeURIComponent(header)}`
      }
    ],
    fault
  );
}

/**
 * The answer of a fault that answers by itself: its status, headers and body
 * (an object is sent as JSON; by default a JSON:API error).
 * @param {Fault} fault
 * @param {string | undefined} [authorization] the request's header, for `echo-auth`
 * @returns {import('./http-util.js').Reply}
 */
export function faultReply(fault, authorization) {
  const mode = faultMode(fault);
  if (mode === 'echo-auth') return echoAuth(fault, authorization);
  if (mode === 'huge') {
    return {
      status: fault.status ?? 200,
      headers: { 'Content-Type': 'text/plain', ...(fault.headers ?? {}) },
      body: filler(fault.size ?? 64 * 1024 * 1024, fault.fill, fault.prefix)
    };
  }
  // A body delivered `cut`, `trickle` or `stall-headers` is most often a success.
  const status = fault.status ?? (mode === 'reject' ? 503 : 200);
  const title = (STATUS_CODES[status] ?? 'error').toLowerCase();
  /** @type {string | Buffer} */
  let body;
  if (fault.body === undefined)
    body = JSON.stringify({ errors: [{ status: String(status), title }] });
  else if (typeof fault.body === 'string' || Buffer.isBuffer(fault.body)) body = fault.body;
  else body = JSON.stringify(fault.body);
  return {
    status,
    headers: { 'Content-Type': 'application/vnd.api+json', ...(fault.headers ?? {}) },
    body
  };
}
