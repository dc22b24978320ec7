// Starts the emulator: an API host and a separate blob host (so a client that
// leaks its token to blob URLs is caught), the request log and the object
// tests drive (workspaces, scenarios, human actions, faults).
import http from 'node:http';
import { Store, newId, now } from './store.js';
import { RunMachine } from './run-machine.js';
import { runActions, isFinal } from './run-status.js';
import { UploadProcessor } from './upload-processor.js';
import { handleApi } from './api-routes.js';
import { handleBlob } from './blob-routes.js';
import { readBody, error, json } from './http-util.js';
import { Faults, faultReply, faultMode, answersItself } from './faults.js';
import { ReplyWriter } from './reply-writer.js';
import { RateLimiter } from './rate-limiter.js';
import { publishOutputs } from './state-outputs.js';
import { checkStageSpecs } from './task-records.js';

/**
 * @typedef {import('./store.js').Scenario} Scenario
 * @typedef {import('./store.js').Workspace} Workspace
 * @typedef {import('./http-util.js').Reply} Reply
 *
 * @typedef {object} EmulatorOptions
 * @property {string} [host]
 * @property {number} [port]
 * @property {string} [blobHost]
 * @property {boolean} [sharedHost] serve blobs on the API host under `/_archivist`, as TFE does
 * @property {'tfc' | 'otf'} [flavor] `otf` answers like leg100/otf (docs/tfe-api-notes.md §13)
 * @property {boolean} [sparse] a minimal TFE-compatible server: runs carry no `actions`
 *   flags and no `has-changes` (clients must read the status and the plan)
 * @property {number} [blobPort]
 * @property {string} [token]
 * @property {number} [stepMs]
 * @property {number} [logLeadMs] a phase's log ends (ETX) this long before the phase and the run change status
 * @property {{ limit: number }} [rateLimit]
 * @property {string | null} [appName]
 *
 * @typedef {import('./faults.js').Fault} Fault
 *
 * @typedef {object} RecordedRequest
 * @property {'api' | 'blob'} host
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} query
 * @property {string | undefined} authorization
 * @property {string | undefined} contentType
 * @property {number | undefined} contentLength
 * @property {number} status 0 when the socket was destroyed without an answer
 * @property {number} time ms since the epoch, at arrival
 * @property {import('./faults.js').FaultMode} [fault]
 *
 * @typedef {object} WorkspaceOptions
 * @property {string} [organization]
 * @property {string} name
 * @property {boolean} [autoApply]
 * @property {boolean} [locked]
 * @property {string} [executionMode]
 * @property {string | null} [workingDirectory]
 * @property {string} [terraformVersion]
 * @property {object | null} [vcsRepo]
 * @property {boolean} [allowDestroyPlan]
 * @property {Record<string, boolean>} [permissions]
 * @property {string[]} [state] addresses already applied
 */

/** @param {http.Server} server @param {number} port @param {string} host */
function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
}

/** @param {http.Server} server @param {string} host */
function origin(server, host) {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://${host}:${port}`;
}

/** Where blob paths live when the API host serves them (TFE's archivist prefix). */
const ARCHIVIST = '/_archivist';

export class Emulator {
  /** @param {EmulatorOptions} options */
  constructor(options) {
    this.host = options.host ?? '127.0.0.1';
    this.blobHost = options.blobHost ?? '127.0.0.2';
    this.token = options.token ?? 'emulator-token';
    /** @type {Map<string, readonly string[]>} */
    this.scopedTokens = new Map();
    this.stepMs = options.stepMs ?? 20;
    this.rateLimit = options.rateLimit ?? null;
    this.otf = options.flavor === 'otf';
    this.sparse = options.sparse ?? false;
    this.appName =
      options.appName === undefined ? (this.otf ? null : 'HCP Terraform') : options.appName;
    this.store = new Store();
    this.store.otf = this.otf;
    this.machine = new RunMachine(this.store, this.stepMs, options.logLeadMs ?? 0);
    this.uploadProcessor = new UploadProcessor(this.store, this.stepMs);
    /** @type {RecordedRequest[]} */
    this.requests = [];
    this.faults = new Faults();
    this.writer = new ReplyWriter();
    /** @type {string | null} */
    this.advertisedBlobUrl = null;
    // OTF has no rate limiting and sends no rate-limit headers.
    this.limiter = this.rateLimit && !this.otf ? new RateLimiter(this.rateLimit.limit) : null;
    this.url = '';
    this.blobUrl = '';
    this.sharedHost = options.sharedHost ?? this.otf;
    this.apiServer = http.createServer((req, res) => void this.serve('api', req, res));
    this.blobServer = http.createServer((req, res) => void this.serve('blob', req, res));
  }

  /** @param {EmulatorOptions} options */
  async listen(options) {
    await listen(this.apiServer, options.port ?? 0, this.host);
    this.url = origin(this.apiServer, this.host);
    if (this.sharedHost) {
      this.blobUrl = `${this.url}${ARCHIVIST}`;
    } else {
      await listen(this.blobServer, options.blobPort ?? 0, this.blobHost);
      this.blobUrl = origin(this.blobServer, this.blobHost);
    }
  }

  /** @returns {import('./api-routes.js').Core & { onUpload: (cvId: string, body: Buffer) => void }} */
  get core() {
    return {
      store: this.store,
      machine: this.machine,
      blobUrl: this.advertisedBlobUrl ?? this.blobUrl,
      token: this.token,
      scopedTokens: this.scopedTokens,
      otf: this.otf,
      sparse: this.sparse,
      onUpload: (cvId, body) => this.uploadProcessor.receive(cvId, body)
    };
  }

  get configurationVersions() {
    return this.store.configurationVersions;
  }

  get runs() {
    return this.store.runs;
  }

  get uploads() {
    return this.store.uploads;
  }

  /**
   * @param {WorkspaceOptions} options
   * @returns {Workspace}
   */
  addWorkspace(options) {
    const organization = options.organization ?? 'acme';
    if (!/^[A-Za-z0-9_-]+$/.test(options.name))
      throw new Error(`invalid workspace name ${options.name}`);
    if (this.store.workspaceByName(organization, options.name)) {
      throw new Error(`workspace ${organization}/${options.name} exists`);
    }
    /** @type {Workspace} */
    const ws = {
      id: newId('ws'),
      organization,
      name: options.name,
      autoApply: options.autoApply ?? false,
      locked: options.locked ?? false,
      lockReason: null,
      executionMode: options.executionMode ?? 'remote',
      workingDirectory: options.workingDirectory ?? null,
      terraformVersion: options.terraformVersion ?? '1.9.5',
      vcsRepo: options.vcsRepo ?? null,
      allowDestroyPlan: options.allowDestroyPlan ?? true,
      permissions: { ...(options.permissions ?? {}) },
      // Pre-existing resources get a hash no configuration block has, so a
      // plan shows them as updated unless the test applies them first.
      state: new Map((options.state ?? []).map(address => [address, 'preexisting'])),
      outputs: options.state && options.state.length > 0 ? [] : null,
      scenario: {},
      createdAt: now()
    };
    this.store.workspaces.set(ws.id, ws);
    return ws;
  }

  /**
   * Accepts another API token that sees only `organizations`, like a user's token:
   * what belongs to another organization answers 404 (see token-scope.js).
   * @param {string} token
   * @param {{ organizations: readonly string[] }} scope
   */
  addToken(token, scope) {
    if (!token || /\s/.test(token) || token === this.token) throw new Error('invalid token');
    this.scopedTokens.set(token, [...scope.organizations]);
  }

  /** @param {string} nameOrId */
  workspace(nameOrId) {
    const ws = this.store.findWorkspace(nameOrId);
    if (!ws) throw new Error(`no workspace ${nameOrId}`);
    return ws;
  }

  /**
   * Replaces the workspace's scenario for runs (and uploads) from now on. Holds
   * are the exception: unfinished runs of the workspace drop their old hold and
   * take the new `holdStatus` (none = released).
   * @param {string} nameOrId
   * @param {Scenario} scenario
   */
  setScenario(nameOrId, scenario) {
    const ws = this.workspace(nameOrId);
    // Refused here: a run created from an upload has no caller to tell.
    checkStageSpecs(scenario.taskStages ?? []);
    ws.scenario = { ...scenario };
    for (const run of this.store.runs) {
      if (run.workspaceId === ws.id && !isFinal(run)) run.hold = scenario.holdStatus ?? null;
    }
  }

  /** @param {string} runId */
  getRun(runId) {
    const run = this.store.run(runId);
    if (!run) throw new Error(`no run ${runId}`);
    return run;
  }

  /** @param {string} runId */
  release(runId) {
    this.machine.release(this.getRun(runId));
  }

  /**
   * Overrides a soft-failed policy check as a human would in the UI.
   * @param {string} runId
   */
  overridePolicy(runId) {
    const run = this.getRun(runId);
    if (run.status !== 'policy_override') throw new Error(`run ${runId} is ${run.status}`);
    this.machine.overridePolicy(run);
  }

  /**
   * Overrides the task stage a run waits in (failed mandatory run tasks or
   * policy evaluations), as a human would in the UI.
   * @param {string} runId
   */
  overrideTaskStage(runId) {
    if (!this.machine.overrideTaskStage(this.getRun(runId))) {
      throw new Error(`run ${runId} has no task stage awaiting an override`);
    }
  }

  /**
   * Archives an uploaded configuration version, as HCP Terraform does once its runs
   * finished (docs/tfe-api-notes.md §5.3): its files are gone, the download answers 404
   * and no run can start from it.
   * @param {string} cvId
   */
  archiveConfigurationVersion(cvId) {
    const cv = this.store.cv(cvId);
    if (!cv || cv.status !== 'uploaded')
      throw new Error(`configuration version ${cvId} is not uploaded`);
    cv.status = 'archived';
    cv.statusTimestamps['archived-at'] = now();
  }

  /**
   * Replaces the workspace's current outputs at once, as a new state would;
   * null removes the state (the list answers 404).
   * @param {string} nameOrId
   * @param {import('./state-outputs.js').OutputSpec[] | null} outputs
   */
  setOutputs(nameOrId, outputs) {
    publishOutputs(this.store, this.workspace(nameOrId), outputs);
  }

  /** @param {string} runId */
  discardRun(runId) {
    const run = this.getRun(runId);
    if (!runActions(run)['is-discardable']) throw new Error(`run ${runId} is not discardable`);
    this.machine.discard(run);
  }

  /** @param {string} runId */
  cancelRun(runId) {
    const run = this.getRun(runId);
    if (isFinal(run)) throw new Error(`run ${runId} is final`);
    this.machine.cancel(run);
  }

  /**
   * The run actions the API received for the run, in order, refused ones included.
   * @param {string} runId
   * @returns {import('./store.js').ActionCall[]}
   */
  actionCalls(runId) {
    return this.getRun(runId).actionCalls.map(call => ({ ...call }));
  }

  /**
   * Just the action names of `actionCalls(runId)`, e.g. `['cancel']`.
   * @param {string} runId
   */
  actionNames(runId) {
    return this.getRun(runId).actionCalls.map(call => call.action);
  }

  /** @param {Fault} fault */
  addFault(fault) {
    this.faults.add(fault);
  }

  /**
   * Hands out blob URLs (upload, log, JSON plan, download, policy output) under
   * `origin` instead of the blob host, e.g. `ftp://127.0.0.2` or `file:///tmp`,
   * so a client's scheme and host checks can be tested; null restores them.
   * @param {string | null} origin
   */
  setBlobOrigin(origin) {
    this.advertisedBlobUrl = origin === null ? null : origin.replace(/\/+$/, '');
  }

  /**
   * @param {'api' | 'blob'} host
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   */
  async serve(host, req, res) {
    const url = new URL(req.url ?? '/', 'http://emulator');
    // TFE layout: blob paths live on the API host; they are blob requests all the same.
    const archivist = this.sharedHost && url.pathname.startsWith(`${ARCHIVIST}/`);
    if (archivist) host = 'blob';
    const blobPath = archivist ? url.pathname.slice(ARCHIVIST.length) : url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const length = req.headers['content-length'];
    /** @type {RecordedRequest} */
    const entry = {
      host,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      contentLength: length === undefined ? undefined : Number(length),
      status: 0,
      time: Date.now()
    };
    this.requests.push(entry);
    const fault = this.faults.take(host, method, host === 'blob' ? blobPath : url.pathname);
    if (fault) entry.fault = faultMode(fault);
    if (fault?.mode === 'refuse') {
      req.socket.destroy();
      return;
    }
    if (fault?.mode === 'stall') {
      await this.writer.stall(res, fault);
      return;
    }
    /** @type {Reply} */
    let reply;
    try {
      const body = await readBody(req);
      reply = this.answer(host, method, url, blobPath, body, req, fault);
    } catch (err) {
      reply = error(500, 'internal server error', String(err));
    }
    if (host === 'api') {
      reply.headers = {
        'TFP-API-Version': '2.5',
        ...(this.otf ? {} : { 'X-RateLimit-Limit': String(this.rateLimit?.limit ?? 30) }),
        ...(this.appName ? { 'TFP-AppName': this.appName } : {}),
        ...reply.headers
      };
    }
    if (fault?.mode === 'lost') {
      // The request took effect; only the answer is lost.
      entry.status = 0;
      req.socket.destroy();
      return;
    }
    entry.status = reply.status;
    try {
      await this.writer.send(res, reply, fault);
    } catch {
      // e.g. a fault with a header value Node refuses: drop the connection
      // rather than crash the process that hosts the tests.
      if (!res.headersSent) entry.status = 0;
      req.socket.destroy();
    }
  }

  /**
   * @param {'api' | 'blob'} host
   * @param {string} method
   * @param {URL} url
   * @param {string} blobPath the path without the `/_archivist` prefix of a shared host
   * @param {Buffer} body
   * @param {http.IncomingMessage} req
   * @param {Fault | undefined} fault
   * @returns {Reply}
   */
  answer(host, method, url, blobPath, body, req, fault) {
    if (fault && answersItself(fault)) return faultReply(fault, req.headers.authorization);
    if (host === 'blob') {
      return handleBlob(this.core, { method, path: blobPath, query: url.searchParams, body });
    }
    const limited = this.limiter?.check();
    if (limited) return limited;
    if (url.pathname === '/.well-known/terraform.json' && method === 'GET') {
      // Terraform's service discovery, for clients that locate the API this way.
      return json(
        200,
        { 'tfe.v2': '/api/v2/', 'tfe.v2.1': '/api/v2/', 'tfe.v2.2': '/api/v2/' },
        {
          'Content-Type': 'application/json'
        }
      );
    }
    if (url.pathname !== '/api/v2' && !url.pathname.startsWith('/api/v2/')) {
      return error(404, 'not found');
    }
    return handleApi(this.core, {
      method,
      path: url.pathname.slice('/api/v2'.length) || '/',
      query: url.searchParams,
      body,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type']
    });
  }

  /** Closes both servers, their connections and every timer. */
  async close() {
    this.machine.stop();
    this.uploadProcessor.stop();
    this.writer.stop();
    const servers = this.sharedHost ? [this.apiServer] : [this.apiServer, this.blobServer];
    const closing = servers.map(
      server =>
        new Promise(resolve => {
          server.close(() => resolve(undefined));
          server.closeAllConnections();
        })
    );
    await Promise.all(closing);
  }
}

/**
 * Starts an emulator on loopback addresses; see emulator/README.md.
 * @param {EmulatorOptions} [options]
 * @returns {Promise<Emulator>}
 */
export async function startEmulator(options = {}) {
  const emulator = new Emulator(options);
  try {
    await emulator.listen(options);
  } catch (err) {
    await emulator.close();
    throw err;
  }
  return emulator;
}
