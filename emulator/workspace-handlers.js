// Workspaces, locks and configuration versions (docs/tfe-api-notes.md §4, §5).
import { json, error, notFound, invalid, paginate } from './http-util.js';
import { workspaceResource, cvResource } from './serialize.js';
import { newId, newSecret, now } from './store.js';

/**
 * @typedef {import('./api-routes.js').Call} Call
 * @typedef {import('./http-util.js').Reply} Reply
 */

/**
 * Parses a JSON request body; an empty body is `null`.
 * @param {Buffer} body
 * @returns {{ doc: any } | { reply: Reply }}
 */
export function parseJson(body) {
  if (body.length === 0) return { doc: null };
  try {
    return { doc: JSON.parse(body.toString('utf8')) };
  } catch {
    return { reply: invalid('request body is not valid JSON', '/data') };
  }
}

/** @param {Call} call */
export function showWorkspaceByName(call) {
  const ws = call.core.store.workspaceByName(call.params.org, call.params.name);
  return ws ? json(200, { data: workspaceResource(ws, call.core) }) : notFound();
}

/** @param {Call} call */
export function showWorkspace(call) {
  const ws = call.core.store.workspaces.get(call.params.id);
  return ws ? json(200, { data: workspaceResource(ws, call.core) }) : notFound();
}

/** @param {Call} call */
export function lockAction(call) {
  const ws = call.core.store.workspaces.get(call.params.id);
  if (!ws) return notFound();
  const action = call.params.action;
  if (action === 'lock') {
    if (ws.locked)
      return error(409, 'conflict', 'Unable to lock workspace. The workspace is already locked.');
    const parsed = parseJson(call.body);
    if ('reply' in parsed) return parsed.reply;
    ws.locked = true;
    ws.lockReason = typeof parsed.doc?.reason === 'string' ? parsed.doc.reason : '';
  } else if (action === 'unlock' || action === 'force-unlock') {
    if (!ws.locked)
      return error(409, 'conflict', 'Unable to unlock workspace. The workspace is not locked.');
    ws.locked = false;
    ws.lockReason = null;
  } else {
    return notFound();
  }
  return json(200, { data: workspaceResource(ws, call.core) });
}

/** @param {Call} call */
export function createConfigurationVersion(call) {
  const { store } = call.core;
  const ws = store.workspaces.get(call.params.id);
  if (!ws || ws.permissions['can-queue-run'] === false) return notFound();
  const parsed = parseJson(call.body);
  if ('reply' in parsed) return parsed.reply;
  const data = parsed.doc?.data ?? { type: 'configuration-versions', attributes: {} };
  if (typeof data !== 'object' || data === null || data.type !== 'configuration-versions') {
    return invalid('data.type must be "configuration-versions"', '/data/type');
  }
  /** @type {Record<string, unknown>} */
  const attrs = data.attributes ?? {};
  if (typeof attrs !== 'object' || Array.isArray(attrs)) {
    return invalid('attributes must be an object', '/data/attributes');
  }
  for (const key of ['auto-queue-runs', 'speculative', 'provisional']) {
    if (key in attrs && typeof attrs[key] !== 'boolean') {
      return invalid(`${key} must be a boolean`, `/data/attributes/${key}`);
    }
  }
  const cv = {
    id: newId('cv'),
    workspaceId: ws.id,
    status: 'pending',
    // The real default: uploading queues a run by itself unless the client says false.
    autoQueueRuns: attrs['auto-queue-runs'] !== false,
    speculative: attrs.speculative === true,
    provisional: attrs.provisional === true,
    uploadPath: newSecret(),
    errorMessage: null,
    statusTimestamps: { 'pending-at': now() },
    createdAt: now(),
    body: null,
    archive: null
  };
  store.configurationVersions.push(cv);
  store.blobs.set(cv.uploadPath, { kind: 'upload', id: cv.id });
  return json(201, { data: cvResource(cv, call.core, true) });
}

/** @param {Call} call */
export function showConfigurationVersion(call) {
  const cv = call.core.store.cv(call.params.id);
  return cv ? json(200, { data: cvResource(cv, call.core) }) : notFound();
}

/** @param {Call} call */
export function listConfigurationVersions(call) {
  const { store } = call.core;
  const ws = store.workspaces.get(call.params.id);
  if (!ws) return notFound();
  const cvs = store.configurationVersions.filter(cv => cv.workspaceId === ws.id).reverse();
  const { page, links, meta } = paginate(
    cvs,
    call.query,
    `/api/v2/workspaces/${ws.id}/configuration-versions`
  );
  return json(200, { data: page.map(cv => cvResource(cv, call.core)), links, meta });
}

/**
 * `GET /configuration-versions/:id/download` (and the run form): 302 to a
 * fresh pre-signed path on the blob host.
 * @param {Call} call
 */
export function downloadConfigurationVersion(call) {
  const { store } = call.core;
  const cvId = call.params.runId ? store.run(call.params.runId)?.cvId : call.params.id;
  const cv = cvId ? store.cv(cvId) : undefined;
  if (!cv || cv.status !== 'uploaded') return notFound();
  const secret = newSecret();
  store.blobs.set(secret, { kind: 'download', id: cv.id });
  return { status: 302, headers: { Location: `${call.core.blobUrl}/download/${secret}` } };
}
