// Tokens that see only some organizations, as a user token sees only the
// organizations its user belongs to: everything of another organization answers
// 404, exactly like something that does not exist (docs/tfe-api-notes.md §1.2).
// Checked on the resources a path names by ID (organizations, workspaces,
// configuration versions with their downloads, runs, plans, applies) and on the
// workspace and configuration version a `POST /runs` names.

/**
 * @typedef {import('./store.js').Store} Store
 */

/**
 * The organization of the resource the path names, if the path names one.
 * @param {Store} store
 * @param {string} path relative to `/api/v2`
 * @returns {string | undefined | null} null when the path names nothing scoped
 */
function organizationOfPath(store, path) {
  const [, kind, id] = path.split('/');
  const ofWorkspace = (/** @type {string | undefined} */ wsId) =>
    wsId === undefined ? undefined : store.workspaces.get(wsId)?.organization;
  const ofRun = (/** @type {string | undefined} */ runId) =>
    runId === undefined ? undefined : ofWorkspace(store.run(runId)?.workspaceId);
  switch (kind) {
    case 'organizations':
      return decodeURIComponent(id ?? '');
    case 'workspaces':
      return ofWorkspace(id);
    case 'configuration-versions':
      return ofWorkspace(store.cv(id ?? '')?.workspaceId);
    case 'runs':
      return id === undefined ? null : ofRun(id);
    case 'plans':
      return ofRun(store.plans.get(id ?? '')?.runId);
    case 'applies':
      return ofRun(store.applies.get(id ?? '')?.runId);
    default:
      return null;
  }
}

/**
 * The organizations a `POST /runs` body names through its workspace and
 * configuration version (unknown IDs are left to the handler's own 404).
 * @param {Store} store
 * @param {Buffer} body
 * @returns {string[]}
 */
function organizationsOfRunCreate(store, body) {
  let doc;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return [];
  }
  const relationships = doc?.data?.relationships ?? {};
  const wsId = relationships.workspace?.data?.id;
  const cvId = relationships['configuration-version']?.data?.id;
  const found = [];
  const ws = typeof wsId === 'string' ? store.workspaces.get(wsId) : undefined;
  if (ws) found.push(ws.organization);
  const cv = typeof cvId === 'string' ? store.cv(cvId) : undefined;
  const owner = cv ? store.workspaces.get(cv.workspaceId) : undefined;
  if (owner) found.push(owner.organization);
  return found;
}

/**
 * True when a token limited to `organizations` may not see what the request names.
 * @param {Store} store
 * @param {{ method: string, path: string, body: Buffer }} req
 * @param {readonly string[]} organizations
 */
export function outOfScope(store, req, organizations) {
  const visible = (/** @type {string} */ org) => organizations.includes(org);
  if (req.method === 'POST' && req.path === '/runs') {
    return organizationsOfRunCreate(store, req.body).some(org => !visible(org));
  }
  const organization = organizationOfPath(store, req.path);
  return typeof organization === 'string' && !visible(organization);
}
