// Injected faults: answer with an error (`reject`), take effect but lose the
// answer (`lost`, a create whose response never arrived), or drop the
// connection before reading the request (`refuse`).
import { STATUS_CODES } from 'node:http';

/**
 * @typedef {object} Fault
 * @property {string} [method] any method when absent
 * @property {string | RegExp} path path after `/api/v2` without the query (blob host: the whole path)
 * @property {number} [status]
 * @property {number} [times]
 * @property {Record<string, string>} [headers]
 * @property {unknown} [body] an object is sent as JSON
 * @property {'reject' | 'lost' | 'refuse'} [mode]
 */

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

/**
 * The answer of a `reject` fault: its status, headers and body (an object is
 * sent as JSON; by default a JSON:API error).
 * @param {Fault} fault
 * @returns {import('./http-util.js').Reply}
 */
export function faultReply(fault) {
  const status = fault.status ?? 503;
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
