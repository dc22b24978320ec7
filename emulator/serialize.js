// Turns records into JSON:API resource objects (docs/tfe-api-notes.md §1.4, §4-§11).
import { runActions, isFinal } from './run-status.js';

/**
 * @typedef {import('./store.js').Store} Store
 * @typedef {import('./store.js').Workspace} Workspace
 * @typedef {import('./store.js').ConfigurationVersion} ConfigurationVersion
 * @typedef {import('./store.js').Run} Run
 * @typedef {import('./store.js').Phase} Phase
 * @typedef {{ store: Store, blobUrl: string, otf?: boolean, sparse?: boolean }} Context
 */

const API = '/api/v2';

/**
 * @param {string} type
 * @param {string | null | undefined} id
 */
function rel(type, id) {
  return { data: id ? { id, type } : null };
}

export const DEFAULT_WORKSPACE_PERMISSIONS = Object.freeze({
  'can-update': true,
  'can-destroy': true,
  'can-queue-run': true,
  'can-queue-apply': true,
  'can-queue-destroy': true,
  'can-read-variable': true,
  'can-update-variable': true,
  'can-read-state-versions': true,
  'can-read-state-outputs': true,
  'can-create-state-versions': true,
  'can-lock': true,
  'can-unlock': true,
  'can-force-unlock': true,
  'can-read-settings': true,
  'can-manage-tags': true,
  'can-manage-run-tasks': true,
  'can-force-delete': true
});

/**
 * @param {Workspace} ws
 * @param {Context} ctx
 */
export function workspaceResource(ws, ctx) {
  const runs = ctx.store.runs.filter(r => r.workspaceId === ws.id);
  const current = [...runs].reverse().find(r => !r.planOnly);
  const latestCv = [...ctx.store.configurationVersions]
    .reverse()
    .find(cv => cv.workspaceId === ws.id);
  return {
    id: ws.id,
    type: 'workspaces',
    attributes: {
      name: ws.name,
      'auto-apply': ws.autoApply,
      'auto-apply-run-trigger': false,
      'allow-destroy-plan': ws.allowDestroyPlan,
      locked: ws.locked,
      'execution-mode': ws.executionMode,
      operations: ws.executionMode !== 'local',
      'working-directory': ws.workingDirectory,
      'terraform-version': ws.terraformVersion,
      'vcs-repo': ws.vcsRepo,
      'structured-run-output-enabled': false,
      'resource-count': ws.state.size,
      'created-at': ws.createdAt,
      'updated-at': ws.createdAt,
      source: 'tfe-api',
      'tag-names': [],
      permissions: { ...DEFAULT_WORKSPACE_PERMISSIONS, ...ws.permissions },
      actions: { 'is-destroyable': true },
      'setting-overwrites': { 'execution-mode': true, 'agent-pool': true }
    },
    relationships: {
      organization: rel('organizations', ws.organization),
      'current-run': rel('runs', current?.id),
      'current-configuration-version': rel('configuration-versions', latestCv?.id),
      'locked-by': ws.locked ? rel('users', 'user-emulator') : rel('users', null)
    },
    links: {
      self: `${API}/workspaces/${ws.id}`,
      'self-html': `/app/${ws.organization}/workspaces/${ws.name}`
    }
  };
}

/**
 * @param {ConfigurationVersion} cv
 * @param {Context} ctx
 * @param {boolean} withUploadUrl only the create response carries it (§5.1)
 */
export function cvResource(cv, ctx, withUploadUrl = false) {
  return {
    id: cv.id,
    type: 'configuration-versions',
    attributes: {
      'auto-queue-runs': cv.autoQueueRuns,
      speculative: cv.speculative,
      provisional: cv.provisional,
      status: cv.status,
      source: 'tfe-api',
      error: cv.errorMessage ? 'unprocessable' : null,
      'error-message': cv.errorMessage,
      'status-timestamps': cv.statusTimestamps,
      'upload-url': withUploadUrl ? `${ctx.blobUrl}/upload/${cv.uploadPath}` : null
    },
    relationships: {
      'ingress-attributes': rel('ingress-attributes', null)
    },
    links: {
      self: `${API}/configuration-versions/${cv.id}`,
      download: `${API}/configuration-versions/${cv.id}/download`
    }
  };
}

/**
 * How many unfinished runs of the workspace are ahead of a pending run.
 * @param {Run} run
 * @param {Context} ctx
 */
function queuePosition(run, ctx) {
  if (run.status !== 'pending' || run.planOnly || run.savePlan) return 0;
  const index = ctx.store.runs.indexOf(run);
  return ctx.store.runs
    .slice(0, index)
    .filter(r => r.workspaceId === run.workspaceId && !r.planOnly && !r.savePlan && !isFinal(r))
    .length;
}

/**
 * @param {Run} run
 * @param {Context} ctx
 */
export function runResource(run, ctx) {
  const perms = ctx.store.workspaces.get(run.workspaceId)?.permissions ?? {};
  const may = (/** @type {string} */ key) => perms[key] !== false;
  const a = run.attrs;
  const list = (/** @type {unknown} */ v) => (Array.isArray(v) && v.length > 0 ? v : null);
  return {
    id: run.id,
    type: 'runs',
    attributes: {
      status: run.status,
      'status-timestamps': run.statusTimestamps,
      message: a.message ?? 'Queued manually via the Terraform Enterprise API',
      'is-destroy': run.isDestroy,
      refresh: a.refresh ?? true,
      'refresh-only': run.refreshOnly,
      'plan-only': run.planOnly,
      'save-plan': run.savePlan,
      'auto-apply': run.autoApply,
      'allow-empty-apply': run.allowEmptyApply,
      'allow-config-generation': a['allow-config-generation'] ?? false,
      'debugging-mode': a['debugging-mode'] ?? false,
      'target-addrs': list(a['target-addrs']),
      'replace-addrs': list(a['replace-addrs']),
      'invoke-action-addrs': list(a['invoke-action-addrs']),
      variables: a.variables ?? [],
      'terraform-version': run.terraformVersion,
      ...(ctx.sparse ? {} : { 'has-changes': run.plan?.hasChanges ?? false }),
      source: run.source,
      'trigger-reason': 'manual',
      'created-at': run.createdAt,
      'canceled-at': run.statusTimestamps['canceled-at'] ?? null,
      'position-in-queue': queuePosition(run, ctx),
      ...(ctx.sparse ? {} : { actions: runActions(run) }),
      permissions: {
        'can-apply': may('can-queue-apply'),
        'can-cancel': may('can-queue-run'),
        'can-comment': true,
        'can-discard': may('can-queue-apply'),
        'can-force-execute': may('can-queue-apply'),
        'can-force-cancel': may('can-queue-run'),
        'can-override-policy-check': true
      }
    },
    relationships: {
      workspace: rel('workspaces', run.workspaceId),
      'configuration-version': rel('configuration-versions', run.cvId),
      plan: {
        ...rel('plans', run.planId),
        links: { related: `${API}/runs/${run.id}/plan` }
      },
      apply: {
        ...rel('applies', run.applyId),
        links: { related: `${API}/runs/${run.id}/apply` }
      },
      'cost-estimate': rel('cost-estimates', run.costEstimateId),
      'policy-checks': {
        data: run.policyCheckIds.map(id => ({ id, type: 'policy-checks' })),
        links: { related: `${API}/runs/${run.id}/policy-checks` }
      },
      'task-stages': {
        data: run.taskStageIds.map(id => ({ id, type: 'task-stages' })),
        links: { related: `${API}/runs/${run.id}/task-stages` }
      }
    },
    links: { self: `${API}/runs/${run.id}` }
  };
}

/**
 * @param {Phase} phase
 * @param {'plans' | 'applies'} type
 * @param {Context} ctx
 */
export function phaseResource(phase, type, ctx) {
  const c = phase.counts;
  return {
    id: phase.id,
    type,
    attributes: {
      status: phase.status,
      'status-timestamps': phase.statusTimestamps,
      'has-changes': phase.hasChanges,
      'resource-additions': c ? c.additions : null,
      'resource-changes': c ? c.changes : null,
      'resource-destructions': c ? c.destructions : null,
      // OTF and older TFE releases do not report imports.
      ...(ctx.otf ? {} : { 'resource-imports': c ? c.imports : null }),
      'log-read-url': `${ctx.blobUrl}/logs/${phase.logPath}`,
      'execution-details': { mode: 'remote' },
      ...(type === 'plans' ? { 'generated-configuration': false } : {})
    },
    relationships: { run: rel('runs', phase.runId) },
    links:
      type === 'plans'
        ? {
            self: `${API}/plans/${phase.id}`,
            'json-output': `${API}/plans/${phase.id}/json-output`
          }
        : { self: `${API}/applies/${phase.id}` }
  };
}
