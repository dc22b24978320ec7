// The workspace's current Terraform outputs as the state-version-outputs
// endpoints serve them (docs/tfe-api-notes.md §11): sensitive values nulled in the list,
// readable one by one, and a 503 window while a new state is processed.
import { json, error, notFound, paginate } from './http-util.js';
import { newId } from './store.js';
import { typeOf } from './hcl-literal.js';

/**
 * @typedef {import('./hcl-literal.js').TerraformType} TerraformType
 * @typedef {import('./store.js').Store} Store
 * @typedef {import('./store.js').Workspace} Workspace
 * @typedef {import('./api-routes.js').Call} Call
 *
 * @typedef {object} OutputSpec an output as a test (or the configuration) gives it
 * @property {string} name
 * @property {unknown} value
 * @property {boolean} [sensitive]
 * @property {TerraformType} [type] Terraform's type expression (`detailed-type`); from the value when absent
 * @property {string} [kind] the coarse `type` attribute; from the type when absent
 *
 * @typedef {object} StateOutput
 * @property {string} id `wsout-…`
 * @property {string} name
 * @property {unknown} value
 * @property {boolean} sensitive
 * @property {TerraformType} detailedType
 * @property {string} kind
 */

/**
 * The coarse `type` attribute. The API documents `string` and `array`; the
 * other names follow JSON, so a client should read `detailed-type` instead.
 * @param {TerraformType} type
 */
export function coarseKind(type) {
  const name = Array.isArray(type) ? type[0] : type;
  if (name === 'bool') return 'boolean';
  if (name === 'tuple' || name === 'list' || name === 'set') return 'array';
  if (name === 'object' || name === 'map') return 'object';
  if (name === 'dynamic') return 'null';
  return String(name);
}

/**
 * Makes `specs` the workspace's current outputs (a new state version: new
 * IDs; the old ones stay readable, as old state versions do).
 * @param {Store} store
 * @param {Workspace} ws
 * @param {OutputSpec[] | null} specs null = no state at all
 * @param {number | { ms: number }} [pending] how long the list answers 503
 */
export function publishOutputs(store, ws, specs, pending) {
  if (specs === null) {
    ws.outputs = null;
    ws.outputsPending = null;
    return;
  }
  ws.outputs = specs.map(spec => {
    const detailedType = spec.type ?? typeOf(spec.value);
    /** @type {StateOutput} */
    const output = {
      id: newId('wsout'),
      name: spec.name,
      value: spec.value,
      sensitive: spec.sensitive === true,
      detailedType,
      kind: spec.kind ?? coarseKind(detailedType)
    };
    store.stateOutputs.set(output.id, { ...output, workspaceId: ws.id });
    return output;
  });
  if (typeof pending === 'number') ws.outputsPending = { left: pending, until: 0 };
  else if (pending && typeof pending.ms === 'number')
    ws.outputsPending = { left: 0, until: Date.now() + pending.ms };
  else ws.outputsPending = null;
}

/**
 * @param {StateOutput} output
 * @param {boolean} reveal whether a sensitive value is shown
 */
function outputResource(output, reveal) {
  return {
    id: output.id,
    type: 'state-version-outputs',
    attributes: {
      name: output.name,
      sensitive: output.sensitive,
      type: output.kind,
      value: output.sensitive && !reveal ? null : output.value,
      'detailed-type': output.detailedType
    },
    links: { self: `/api/v2/state-version-outputs/${output.id}` }
  };
}

/**
 * `GET /workspaces/:id/current-state-version-outputs`: 404 without a state,
 * 503 while the newest one is processed, sensitive values always null.
 * @param {Call} call
 */
export function currentStateVersionOutputs(call) {
  const ws = call.core.store.workspaces.get(call.params.id);
  if (!ws || ws.outputs === null || ws.permissions['can-read-state-outputs'] === false) {
    return notFound();
  }
  const pending = ws.outputsPending;
  if (pending && (pending.left > 0 || Date.now() < pending.until)) {
    if (pending.left > 0) pending.left--;
    return error(
      503,
      'service unavailable',
      'State version outputs are being processed and are not ready. Retry the request.'
    );
  }
  ws.outputsPending = null;
  const { page, links, meta } = paginate(
    ws.outputs,
    call.query,
    `/api/v2/workspaces/${ws.id}/current-state-version-outputs`
  );
  return json(200, { data: page.map(o => outputResource(o, false)), links, meta });
}

/**
 * `GET /state-version-outputs/:id`: one output with its value, sensitive or
 * not; it needs read access to the state itself.
 * @param {Call} call
 */
export function showStateVersionOutput(call) {
  const { store } = call.core;
  const output = store.stateOutputs.get(call.params.id);
  const ws = output ? store.workspaces.get(output.workspaceId) : undefined;
  if (!output || !ws || ws.permissions['can-read-state-versions'] === false) return notFound();
  return json(200, { data: outputResource(output, true) });
}
