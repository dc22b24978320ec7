// Raw bytes a scenario plants in a plan or apply log (`planLog`, `applyLog`):
// whatever a hostile configuration could make Terraform print, byte for byte
// (workflow commands, lone CR, ANSI, invalid UTF-8, STX/ETX). The CLI text
// stays a string; planted bytes are kept apart with the offset they go at.

/**
 * Written verbatim, in order; nothing is added (no newline).
 * @typedef {string | Buffer | (string | Buffer)[]} Planted
 * @typedef {import('./store.js').Log} Log
 */

/**
 * Plants the bytes at the current end of the log.
 * @param {Log} log
 * @param {Planted | undefined} planted
 */
export function plantLog(log, planted) {
  if (planted === undefined) return;
  const parts = Array.isArray(planted) ? planted : [planted];
  log.started = true;
  log.planted ??= [];
  for (const part of parts) {
    const bytes = Buffer.isBuffer(part) ? part : Buffer.from(String(part), 'utf8');
    log.planted.push({ at: log.text.length, bytes });
  }
}

/**
 * The log's text with the planted bytes in place, as bytes.
 * @param {Log} log
 */
export function logText(log) {
  if (!log.planted || log.planted.length === 0) return Buffer.from(log.text, 'utf8');
  /** @type {Buffer[]} */
  const parts = [];
  let from = 0;
  for (const { at, bytes } of log.planted) {
    parts.push(Buffer.from(log.text.slice(from, at), 'utf8'), bytes);
    from = at;
  }
  parts.push(Buffer.from(log.text.slice(from), 'utf8'));
  return Buffer.concat(parts);
}
