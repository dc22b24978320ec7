// The `/api/v2` router: authentication, the JSON:API content-type rule and the
// route table (docs/tfe-api-notes.md §1.2, §1.3, §14).
import { JSON_API, empty, error, notFound } from './http-util.js';
import * as ws from './workspace-handlers.js';
import * as runs from './run-handlers.js';
import { REPORT_ROUTES, NOT_IN_OTF } from './report-handlers.js';
import { outOfScope } from './token-scope.js';

/**
 * What handlers may use.
 * @typedef {object} Core
 * @property {import('./store.js').Store} store
 * @property {import('./run-machine.js').RunMachine} machine
 * @property {string} blobUrl
 * @property {string} token
 * @property {Map<string, readonly string[]>} [scopedTokens] more tokens, each seeing only these organizations
 * @property {boolean} otf answer like OTF where it differs (§13)
 * @property {boolean} [sparse] leave `actions` and `has-changes` out of runs
 *
 * @typedef {{ core: Core, params: Record<string, string>, query: URLSearchParams, body: Buffer, method: string }} Call
 * @typedef {(call: Call) => import('./http-util.js').Reply} Handler
 */

/** @type {[string, string, Handler][]} */
const ROUTES = [
  ['GET', '/organizations/:org/workspaces/:name', ws.showWorkspaceByName],
  ['GET', '/workspaces/:id', ws.showWorkspace],
  ['POST', '/workspaces/:id/actions/:action', ws.lockAction],
  ['GET', '/workspaces/:id/configuration-versions', ws.listConfigurationVersions],
  ['POST', '/workspaces/:id/configuration-versions', ws.createConfigurationVersion],
  ['GET', '/workspaces/:id/runs', runs.listRuns],
  ['GET', '/configuration-versions/:id', ws.showConfigurationVersion],
  ['GET', '/configuration-versions/:id/download', ws.downloadConfigurationVersion],
  ['GET', '/runs/:runId/configuration-version/download', ws.downloadConfigurationVersion],
  ['POST', '/runs', runs.createRun],
  ['GET', '/runs/:id', runs.showRun],
  ['POST', '/runs/:id/actions/:action', runs.runAction],
  ['GET', '/runs/:runId/plan', runs.showPlan],
  ['GET', '/runs/:runId/plan/json-output', runs.planJsonOutput],
  ['GET', '/runs/:runId/apply', runs.showApply],
  ['GET', '/plans/:id', runs.showPlan],
  ['GET', '/plans/:id/json-output', runs.planJsonOutput],
  ['GET', '/applies/:id', runs.showApply],
  ...REPORT_ROUTES
];

const COMPILED = ROUTES.map(([method, pattern, handler]) => {
  /** @type {string[]} */
  const names = [];
  const source = pattern.replace(/:([A-Za-z]+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  return { method, re: new RegExp(`^${source}$`), names, handler };
});

/**
 * The organizations the request's token sees: null = all (the main token), undefined = an
 * unknown token.
 * @param {Core} core
 * @param {string | undefined} authorization
 * @returns {readonly string[] | null | undefined}
 */
function tokenScope(core, authorization) {
  if (authorization === `Bearer ${core.token}`) return null;
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
  return token === undefined ? undefined : core.scopedTokens?.get(token);
}

/**
 * Answers one API request; `path` is relative to `/api/v2`.
 * @param {Core} core
 * @param {{ method: string, path: string, query: URLSearchParams, body: Buffer, authorization?: string, contentType?: string }} req
 */
export function handleApi(core, req) {
  if (req.path === '/ping' && req.method === 'GET') return empty(204);
  const scope = tokenScope(core, req.authorization);
  if (scope === undefined) return error(401, 'unauthorized');
  if (scope !== null && outOfScope(core.store, req, scope)) return notFound();
  let pathMatched = false;
  for (const route of COMPILED) {
    const m = route.re.exec(req.path);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== req.method) continue;
    // OTF has no policy-check, cost-estimate or task-stage endpoints.
    if (core.otf && NOT_IN_OTF.test(req.path)) {
      return notFound();
    }
    if (req.method !== 'GET' && !(req.contentType ?? '').toLowerCase().startsWith(JSON_API)) {
      // go-tfe v2 grew a middleware for exactly this: mutating calls need the type even without a body.
      return error(415, 'unsupported media type', `Content-Type must be ${JSON_API}`);
    }
    /** @type {Record<string, string>} */
    const params = {};
    route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])));
    return route.handler({ core, params, query: req.query, body: req.body, method: req.method });
  }
  return pathMatched ? error(405, 'method not allowed') : notFound();
}
