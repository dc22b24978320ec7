// Runs from a configuration version of another workspace (docs/tfe-api-notes.md §6.1:
// the Runs API accepts "a pre-existing configuration version, even one from
// another workspace", which is how a staging archive gets promoted). The
// `foreignCv` scenario knob of the run's workspace plays a server that refuses
// it, so a client's download-and-re-upload fallback can be tested.
import { notFound, invalid } from './http-util.js';

/**
 * @typedef {import('./store.js').Store} Store
 * @typedef {import('./store.js').Workspace} Workspace
 * @typedef {import('./store.js').ConfigurationVersion} ConfigurationVersion
 */

/**
 * The error reply for a configuration version the run may not use, or null.
 * @param {Store} store
 * @param {Workspace} ws the run's workspace
 * @param {ConfigurationVersion | undefined} cv
 * @returns {import('./http-util.js').Reply | null}
 */
export function foreignCvRefusal(store, ws, cv) {
  if (!cv) return notFound();
  if (cv.workspaceId === ws.id) return null;
  const owner = store.workspaces.get(cv.workspaceId);
  // Another organization's configuration is invisible, whatever the token may see.
  if (!owner || owner.organization !== ws.organization) return notFound();
  const mode = ws.scenario.foreignCv ?? 'accept';
  if (mode === 'not-found') return notFound();
  if (mode === 'invalid') {
    return invalid(
      'Configuration version belongs to another workspace',
      '/data/relationships/configuration-version'
    );
  }
  return null;
}
