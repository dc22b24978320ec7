// In-memory records of everything the emulator serves, and their IDs.
import { randomBytes } from 'node:crypto';
import { TaskStageRecords } from './task-records.js';

/**
 * @typedef {import('./terraform-config.js').OutputBlock} OutputBlock
 * @typedef {import('./archive.js').ArchiveContent} ArchiveContent
 * @typedef {import('./plan.js').PlanResult} PlanResult
 *
 * @typedef {object} Scenario
 * @property {boolean} [planError]
 * @property {boolean} [applyError]
 * @property {boolean} [policySoftFail]
 * @property {boolean} [policyPass] a passing policy check stage
 * @property {boolean | import('./cost-estimates.js').CostKnob} [costEstimate]
 * @property {import('./policy-checks.js').PolicySpec[]} [policies] Sentinel policies and their results
 * @property {boolean | string} [policyError] the policy check ends errored
 * @property {'organization' | 'workspace'} [policyScope]
 * @property {import('./task-records.js').StageSpec[]} [taskStages] run tasks and policy evaluations
 * @property {import('./state-outputs.js').OutputSpec[]} [outputs] what an apply leaves as outputs
 * @property {number | { ms: number }} [outputsPending] 503s of the outputs list after an apply
 * @property {string} [holdStatus]
 * @property {'ok' | 'forbidden' | 'not-found'} [planJson]
 * @property {boolean | string} [cvError] a string is used as the error message
 * @property {boolean} [ignoreCancel] a requested cancel never takes effect (force-cancel does)
 * @property {'accept' | 'not-found' | 'invalid'} [foreignCv] how `POST /runs` on this
 *   workspace answers a configuration version of another workspace of the organization
 * @property {import('./planted-log.js').Planted} [planLog] raw bytes written into the plan log
 * @property {import('./planted-log.js').Planted} [applyLog] raw bytes written into the apply log
 * @property {number} [planJsonBytes] the JSON plan is padded to exactly this many bytes
 *
 * @typedef {object} Workspace
 * @property {string} id
 * @property {string} organization
 * @property {string} name
 * @property {boolean} autoApply
 * @property {boolean} locked
 * @property {string | null} lockReason
 * @property {string} executionMode
 * @property {string | null} workingDirectory
 * @property {string} terraformVersion
 * @property {object | null} vcsRepo
 * @property {boolean} allowDestroyPlan
 * @property {Record<string, boolean>} permissions
 * @property {Map<string, string>} state applied address -> block hash
 * @property {import('./state-outputs.js').StateOutput[] | null} outputs null while nothing was applied
 * @property {{ left: number, until: number } | null} [outputsPending] the list answers 503 meanwhile
 * @property {Scenario} scenario
 * @property {string} createdAt
 *
 * @typedef {object} ConfigurationVersion
 * @property {string} id
 * @property {string} workspaceId
 * @property {string} status
 * @property {boolean} autoQueueRuns
 * @property {boolean} speculative
 * @property {boolean} provisional
 * @property {string} uploadPath secret path on the blob host
 * @property {string | null} errorMessage
 * @property {Record<string, string>} statusTimestamps
 * @property {string} createdAt
 * @property {Buffer | null} body
 * @property {ArchiveContent | null} archive
 *
 * @typedef {{ text: string, started: boolean, final: boolean, planted?: { at: number, bytes: Buffer }[] }} Log
 *   `planted`: raw bytes inserted at character offsets of `text` (scenario `planLog`/`applyLog`)
 *
 * @typedef {object} Phase a plan or an apply
 * @property {string} id
 * @property {string} runId
 * @property {string} status
 * @property {Record<string, string>} statusTimestamps
 * @property {import('./plan.js').PlanCounts | null} counts
 * @property {boolean} hasChanges
 * @property {Log} log
 * @property {string} logPath secret path on the blob host
 *
 * @typedef {import('./policy-checks.js').PolicyCheck} PolicyCheck
 * @typedef {import('./cost-estimates.js').CostEstimate} CostEstimate
 *
 * @typedef {object} Run
 * @property {string} id
 * @property {string} workspaceId
 * @property {string} cvId
 * @property {string} status
 * @property {Record<string, unknown>} attrs echoed request attributes (kebab-case)
 * @property {boolean} planOnly
 * @property {boolean} isDestroy
 * @property {boolean} refreshOnly
 * @property {boolean} savePlan
 * @property {boolean} autoApply
 * @property {boolean} allowEmptyApply
 * @property {string[]} targetAddrs
 * @property {string[]} replaceAddrs
 * @property {string} terraformVersion
 * @property {string} source
 * @property {string} createdAt
 * @property {Record<string, string>} statusTimestamps
 * @property {Scenario} scenario snapshot taken at creation
 * @property {string | null} hold status the run stops in until released
 * @property {string} planId
 * @property {string} applyId
 * @property {string | null} costEstimateId
 * @property {string[]} policyCheckIds
 * @property {string[]} taskStageIds
 * @property {boolean} cancelRequested
 * @property {boolean} paused waiting for a human (confirm, override)
 * @property {number} ticks ticks spent in the current status
 * @property {boolean} [ending] its phase's log ended; the phase ends `logLeadMs` later
 * @property {PlanResult | null} plan
 * @property {ActionCall[]} actionCalls
 *
 * @typedef {object} ActionCall a `POST /runs/:id/actions/:action` the API received
 * @property {string} action `apply`, `discard`, `cancel` or `force-cancel`
 * @property {string | null} comment the body's `comment`, when it is a string
 * @property {number} status what the server answered (202, 409, 422)
 * @property {string} at arrival time (ISO 8601)
 *
 * @typedef {ArchiveContent & { bytes: Buffer, sha256: string }} Upload an accepted upload:
 *   its content and the exact bytes received
 */

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * An opaque ID with the type prefix the real API uses (`ws-`, `run-`, ...).
 * @param {string} prefix
 * @param {number} [length]
 */
export function newId(prefix, length = 16) {
  const bytes = randomBytes(length);
  let id = '';
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return `${prefix}-${id}`;
}

/** An unguessable path segment for pre-signed style blob URLs. */
export function newSecret() {
  return randomBytes(24).toString('base64url');
}

export function now() {
  return new Date().toISOString();
}

/** @returns {Log} */
export function emptyLog() {
  return { text: '', started: false, final: false };
}

export class Store {
  constructor() {
    /** @type {Map<string, Workspace>} */
    this.workspaces = new Map();
    /** @type {ConfigurationVersion[]} */
    this.configurationVersions = [];
    /** @type {Run[]} */
    this.runs = [];
    /** @type {Map<string, Phase>} */
    this.plans = new Map();
    /** @type {Map<string, Phase>} */
    this.applies = new Map();
    /** Run task stages and what hangs off them (docs/tfe-api-notes.md §10.3). */
    this.taskStages = new TaskStageRecords();
    /** @type {Map<string, import('./state-outputs.js').StateOutput & { workspaceId: string }>} */
    this.stateOutputs = new Map();
    /** The OTF flavor has no policy checks or task stages (docs/tfe-api-notes.md §13). */
    this.otf = false;
    /** @type {Map<string, PolicyCheck>} */
    this.policyChecks = new Map();
    /** @type {Map<string, CostEstimate>} */
    this.costEstimates = new Map();
    /** @type {Map<string, Upload>} */
    this.uploads = new Map();
    /**
     * Secret blob-host paths -> what they serve.
     * @type {Map<string, { kind: 'upload' | 'log' | 'json' | 'download' | 'policy', id: string }>}
     */
    this.blobs = new Map();
  }

  /**
   * @param {string} organization
   * @param {string} name
   */
  workspaceByName(organization, name) {
    for (const ws of this.workspaces.values()) {
      if (ws.organization === organization && ws.name === name) return ws;
    }
    return undefined;
  }

  /** @param {string} idOrName a `ws-` ID or a workspace name */
  findWorkspace(idOrName) {
    const byId = this.workspaces.get(idOrName);
    if (byId) return byId;
    for (const ws of this.workspaces.values()) if (ws.name === idOrName) return ws;
    return undefined;
  }

  /** @param {string} id */
  cv(id) {
    return this.configurationVersions.find(cv => cv.id === id);
  }

  /** @param {string} id */
  run(id) {
    return this.runs.find(run => run.id === id);
  }

  /** @param {string} organization */
  hasOrganization(organization) {
    for (const ws of this.workspaces.values()) if (ws.organization === organization) return true;
    return false;
  }
}
