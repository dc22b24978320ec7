// Small HTTP and JSON:API helpers shared by the API and blob hosts. Handlers
// return a Reply instead of writing to the socket, so the server can decide to
// send it, or to lose it (fault mode `lost`).
import { STATUS_CODES } from 'node:http';

/**
 * @typedef {{ status: number, headers?: Record<string, string>, body?: string | Buffer | import('./huge-bodies.js').StreamBody }} Reply
 */

export const JSON_API = 'application/vnd.api+json';

/**
 * @param {number} status
 * @param {unknown} doc
 * @param {Record<string, string>} [headers]
 * @returns {Reply}
 */
export function json(status, doc, headers = {}) {
  return { status, headers: { 'Content-Type': JSON_API, ...headers }, body: JSON.stringify(doc) };
}

/**
 * @param {number} status
 * @param {Record<string, string>} [headers]
 * @returns {Reply}
 */
export function empty(status, headers = {}) {
  return { status, headers };
}

/**
 * A JSON:API error document; string `status` and lower-case titles as TFC sends.
 * @param {number} status
 * @param {string} [title]
 * @param {string} [detail]
 * @param {string} [pointer]
 * @returns {Reply}
 */
export function error(status, title, detail, pointer) {
  /** @type {Record<string, unknown>} */
  const err = {
    status: String(status),
    title: title ?? (STATUS_CODES[status] ?? 'error').toLowerCase()
  };
  if (detail !== undefined) err.detail = detail;
  if (pointer !== undefined) err.source = { pointer };
  return json(status, { errors: [err] });
}

export const notFound = () => error(404, 'not found');

/**
 * @param {string} detail
 * @param {string} pointer
 */
export const invalid = (detail, pointer) => error(422, 'invalid attribute', detail, pointer);

/**
 * Reads the whole request body.
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<Buffer>}
 */
export function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (/** @type {Buffer} */ c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Slices a list the JSON:API way (docs/tfe-api-notes.md §1.5): `page[number]`, `page[size]` (max 100).
 * @template T
 * @param {T[]} items
 * @param {URLSearchParams} query
 * @param {string} selfPath
 */
export function paginate(items, query, selfPath) {
  const size = Math.min(Math.max(Number(query.get('page[size]') ?? 20) || 20, 1), 100);
  const total = Math.max(Math.ceil(items.length / size), 1);
  const number = Math.max(Number(query.get('page[number]') ?? 1) || 1, 1);
  const link = (/** @type {number} */ n) =>
    `${selfPath}?page%5Bnumber%5D=${n}&page%5Bsize%5D=${size}`;
  return {
    page: items.slice((number - 1) * size, number * size),
    links: {
      self: link(number),
      first: link(1),
      prev: number > 1 ? link(number - 1) : null,
      next: number < total ? link(number + 1) : null,
      last: link(total)
    },
    meta: {
      pagination: {
        'current-page': number,
        'page-size': size,
        'prev-page': number > 1 ? number - 1 : null,
        'next-page': number < total ? number + 1 : null,
        'total-pages': total,
        'total-count': items.length
      }
    }
  };
}
