/**
 * The run sequence: workspace → configuration version → upload → exactly one run →
 * follow it → confirm when asked → settle. Everything learnt on the way goes into
 * `RunFacts`, so outputs and the summary can say how far the run got on any path.
 */
import * as core from '@actions/core';
import type { Inputs } from './inputs.js';
import type { PlanCounts } from './report/types.js';
import { type Clock, backoffDelay, defaultRetryPolicy } from './retry.js';
import { PhaseLog } from './run-log.js';
import {
  APPLY_STARTED,
  FINAL_PHASE,
  RUN_APPLYING,
  WAITS_FOR_PERSON,
  countsSentence,
  failedPolicyNames,
  formatBytes,
  formatDuration,
  isFinalRunStatus,
  runActions,
  runUrl
} from './run-status.js';
import type { TfeClient } from './tfe/client.js';
import { TfeApiError, TfeNetworkError } from './tfe/errors.js';
import {
  type ConfigurationVersionAttributes,
  type Document,
  type PhaseAttributes,
  type Resource,
  type RunAttributes,
  type RunCreateAttributes,
  type WorkspaceAttributes,
  relatedId
} from './tfe/types.js';

/** What is known about the run so far; filled in as the run goes. */
export interface RunFacts {
  organization?: string;
  workspaceName?: string;
  workspaceId?: string;
  configurationVersionId?: string;
  runId?: string;
  runUrl?: string;
  runStatus?: string;
  planId?: string;
  planStatus?: string;
  applyId?: string;
  hasChanges?: boolean;
  counts?: PlanCounts;
  logTail?: string;
  policyFailures?: string[];
  /** True while a run exists that this step must stop if the job is cancelled. */
  stopOnExit?: boolean;
}

export interface DriveResult {
  readonly outcome: 'success' | 'failure';
  /** One sentence for the log, the summary and the PR comment. */
  readonly headline: string;
}

export interface DriverDeps {
  readonly client: TfeClient;
  readonly clock: Clock;
  /** Aborts when the job is cancelled (SIGINT/SIGTERM). */
  readonly signal: AbortSignal;
  /** Called whenever facts change that the post step needs (run ID, stop-on-exit). */
  readonly onFacts?: (facts: RunFacts) => void;
  /** Milliseconds between polls: first value, growth factor, ceiling. */
  readonly poll?: { readonly firstMs: number; readonly factor: number; readonly maxMs: number };
}

/** How often an unchanged status is repeated in the log. */
const HEARTBEAT_MS = 30_000;

export class RunTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunTimeoutError';
  }
}

export class JobCancelledError extends Error {
  constructor() {
    super('The job was cancelled while the action waited for the run.');
    this.name = 'JobCancelledError';
  }
}

/** The action's own refusal: a workspace or run state that makes going on wrong. */
export class RunRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunRefusedError';
  }
}

export class RunDriver {
  private readonly client: TfeClient;
  private readonly clock: Clock;
  private readonly deadline: number;
  private readonly poll: { firstMs: number; factor: number; maxMs: number };
  private workspaceAutoApply = false;

  constructor(
    private readonly inputs: Inputs,
    private readonly facts: RunFacts,
    private readonly deps: DriverDeps
  ) {
    this.client = deps.client;
    this.clock = deps.clock;
    this.deadline = deps.clock.now() + inputs.timeoutMs;
    // Fast at first (a short speculative plan settles in seconds), never slower than 2 s
    // (one GET every 2 s is far below the 30 requests/second limit).
    this.poll = deps.poll ?? { firstMs: 400, factor: 1.3, maxMs: 2000 };
  }

  /** Finds the workspace and refuses states in which no run could (or should) start. */
  async resolveWorkspace(): Promise<Resource<WorkspaceAttributes>> {
    const { inputs, facts } = this;
    const workspace = inputs.workspaceIsId
      ? await this.client.getWorkspaceById(inputs.workspace)
      : await this.client.getWorkspaceByName(inputs.organization ?? '', inputs.workspace);
    const attributes = workspace.attributes ?? {};
    this.workspaceAutoApply = attributes['auto-apply'] === true;
    facts.workspaceId = workspace.id;
    facts.workspaceName = attributes.name ?? inputs.workspace;
    // The organization relationship's ID is the organization's name.
    facts.organization = relatedId(workspace, 'organization') ?? inputs.organization;
    this.publish();
    core.info(`Workspace ${facts.organization}/${facts.workspaceName} (${workspace.id})`);

    const label = `Workspace "${facts.workspaceName}"`;
    if (attributes['execution-mode'] === 'local') {
      throw new RunRefusedError(
        `${label} uses the local execution mode: HCP Terraform only stores its state and cannot run plans. Set its execution mode to remote or agent.`
      );
    }
    if (attributes['vcs-repo'] && !inputs.speculative) {
      throw new RunRefusedError(
        `${label} is connected to a VCS repository, so its runs must come from that repository; API-driven runs that can be applied would bypass it. Use speculative: true for plan previews, or disconnect the workspace from VCS.`
      );
    }
    const permissions = attributes.permissions ?? {};
    // Missing keys mean "unknown" (OTF sends fewer), only an explicit false refuses.
    if (permissions['can-queue-run'] === false) {
      throw new RunRefusedError(`The token may not queue runs in ${label.toLowerCase()}.`);
    }
    if (
      inputs.apply &&
      permissions['can-queue-apply'] === false &&
      permissions['can-update'] !== true
    ) {
      throw new RunRefusedError(
        `The token may not apply runs in ${label.toLowerCase()} (apply: true).`
      );
    }
    if (inputs.isDestroy && permissions['can-queue-destroy'] === false) {
      throw new RunRefusedError(`The token may not queue destroy runs in ${label.toLowerCase()}.`);
    }
    if (inputs.isDestroy && attributes['allow-destroy-plan'] === false) {
      throw new RunRefusedError(
        `${label} does not allow destroy plans (its "Allow destroy plans" setting is off).`
      );
    }
    if (attributes.locked && !inputs.speculative) {
      core.warning(
        `${label} is locked: the run will stay pending until someone unlocks it (or the timeout of the action ends).`
      );
    }
    return workspace;
  }

  /** Creates the configuration version, uploads the archive and waits until it is usable. */
  async uploadConfiguration(archive: { path: string; size: number }): Promise<string> {
    const workspaceId = this.facts.workspaceId!;
    const started = this.clock.now();
    const cv = await this.createOnce(
      'the configuration version',
      () =>
        this.client.createConfigurationVersion(workspaceId, {
          speculative: this.inputs.speculative,
          provisional: this.inputs.savePlan
        }),
      () => this.findLostConfigurationVersion(workspaceId, started)
    );
    this.facts.configurationVersionId = cv.id;
    this.publish();
    const uploadUrl = cv.attributes?.['upload-url'];
    if (!uploadUrl) {
      throw new RunRefusedError(
        `The server gave no upload URL for configuration version ${cv.id}.`
      );
    }
    core.info(`Configuration version ${cv.id}: uploading ${formatBytes(archive.size)}`);
    await this.client.uploadArchive(uploadUrl, archive.path, archive.size);
    await this.waitForConfiguration(cv.id);
    return cv.id;
  }

  /** Creates the one run of this step (adopting it when the answer to the create was lost). */
  async createRun(configurationVersionId: string): Promise<Resource<RunAttributes>> {
    const { inputs, facts } = this;
    const attributes: RunCreateAttributes = {
      message: inputs.message,
      ...(inputs.speculative ? { 'plan-only': true } : {}),
      ...(inputs.isDestroy ? { 'is-destroy': true } : {}),
      ...(inputs.refresh ? {} : { refresh: false }),
      ...(inputs.refreshOnly ? { 'refresh-only': true } : {}),
      ...(inputs.savePlan ? { 'save-plan': true } : {}),
      ...(inputs.targets.length ? { 'target-addrs': [...inputs.targets] } : {}),
      ...(inputs.replace.length ? { 'replace-addrs': [...inputs.replace] } : {}),
      ...(inputs.variables.length
        ? { variables: inputs.variables.map(({ key, value }) => ({ key, value })) }
        : {}),
      ...(inputs.terraformVersion ? { 'terraform-version': inputs.terraformVersion } : {})
    };
    const workspaceId = facts.workspaceId!;
    // From here on a run may exist even if this process dies before it hears of it: the
    // post step then finds it by its configuration version.
    facts.stopOnExit = inputs.wait;
    this.publish();
    const run = await this.createOnce(
      'the run',
      () => this.client.createRun(workspaceId, configurationVersionId, attributes),
      () => this.findRunOf(configurationVersionId)
    );
    facts.runId = run.id;
    facts.runStatus = run.attributes?.status;
    facts.planId = relatedId(run, 'plan');
    facts.runUrl = runUrl(this.inputs.baseUrl, facts.organization, facts.workspaceName, run.id);
    this.publish();
    core.notice(`Run ${run.id}: ${facts.runUrl}`, { title: 'Terraform run' });
    return run;
  }

  /** The run made from `configurationVersionId`, if any (one list call: 30/min limit). */
  async findRunOf(configurationVersionId: string): Promise<Resource<RunAttributes> | undefined> {
    return (await this.client.listRuns(this.facts.workspaceId!)).find(
      candidate => relatedId(candidate, 'configuration-version') === configurationVersionId
    );
  }

  /**
   * Follows the run until it settles: confirms the apply when asked (once), streams the
   * logs, and decides the step's result as interface.md lists it.
   */
  async follow(runId: string): Promise<DriveResult> {
    const { inputs, facts } = this;
    const planLog = new PhaseLog(this.client, line => core.info(line), core.debug);
    const applyLog = new PhaseLog(this.client, line => core.info(line), core.debug);
    let confirmed = false;
    let announcedWait = '';
    let lastStatus = '';
    let statusSince = this.clock.now();
    let lastHeartbeat = statusSince;
    for (let poll = 0; ; poll++) {
      this.checkAborted();
      const document = await this.client.getRun(runId);
      const run = document.data;
      const status = run.attributes?.status ?? 'unknown';
      const { plan, apply } = await this.phases(document);
      this.record(run, plan, apply);
      await this.streamLog(planLog, plan, 'Plan');
      if (apply && APPLY_STARTED.has(apply.attributes?.status ?? '')) {
        await this.streamLog(applyLog, apply, 'Apply');
      }
      if (status !== lastStatus) {
        core.info(`Run status: ${status}`);
        lastStatus = status;
        statusSince = this.clock.now();
        lastHeartbeat = statusSince;
      } else if (this.clock.now() - lastHeartbeat >= HEARTBEAT_MS) {
        // A run queued behind others or a lock can sit for long: show that we still watch.
        lastHeartbeat = this.clock.now();
        const waited = formatDuration(Math.round((lastHeartbeat - statusSince) / 1000) * 1000);
        core.info(`Run status: ${status} (for ${waited})`);
      }

      if (isFinalRunStatus(status)) {
        if (status === 'policy_soft_failed' || status === 'errored') {
          await this.collectPolicyFailures(runId);
        }
        // Catch the last lines of the log, which may land just after the status changed.
        await this.finishLogs(planLog, plan, applyLog, apply);
        facts.stopOnExit = false;
        this.publish();
        return this.settle(status, plan, apply, planLog, applyLog);
      }

      const actions = runActions(run.attributes);
      const autoApply = run.attributes?.['auto-apply'] ?? this.workspaceAutoApply;
      if (actions.confirmable && !run.attributes?.['plan-only'] && !confirmed) {
        const hasChanges = run.attributes?.['has-changes'] ?? facts.hasChanges;
        if (inputs.apply && hasChanges && !autoApply) {
          await this.finishLogs(planLog, plan);
          core.info('Plan has changes and apply: true: confirming the apply.');
          // A 409 means our call applied nothing (the run moved on): read it again and decide
          // again, so a confirmation is never sent twice for one pause.
          confirmed = await this.client.runAction(
            runId,
            'apply',
            'Confirmed by tfe-run-action (apply: true)'
          );
          if (!confirmed)
            core.info('The run could not be confirmed just now (409): reading it again.');
        } else if (!autoApply) {
          await this.finishLogs(planLog, plan);
          // Waiting for confirmation is this step's goal without apply: true; the run stays
          // for someone to confirm in the UI, so the post step must not discard it.
          facts.stopOnExit = false;
          this.publish();
          return {
            outcome: 'success',
            headline: inputs.apply
              ? `Plan awaits confirmation but reports no changes, so it was not confirmed: ${countsSentence(facts.counts)}`
              : `Plan finished and awaits confirmation: ${countsSentence(facts.counts)} Confirm it in the UI, or set apply: true.`
          };
        }
      }
      if (WAITS_FOR_PERSON.has(status) && announcedWait !== status) {
        announcedWait = status;
        await this.collectPolicyFailures(runId);
        core.warning(
          `Run ${runId} is ${status.replace(/_/g, ' ')}: it waits for someone to override or discard it in the UI (${facts.runUrl}). The action keeps waiting until the timeout.`
        );
      }
      await this.pause(poll);
    }
  }

  /** Cancels (or discards) the run this step started, as far as the run allows. */
  async stopRun(reason: string): Promise<string | undefined> {
    const runId = this.facts.runId;
    if (!runId) return undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const run = (await this.client.getRun(runId)).data;
      const status = run.attributes?.status;
      const actions = runActions(run.attributes);
      this.facts.runStatus = status;
      if (isFinalRunStatus(status)) return status;
      const action = actions.cancelable ? 'cancel' : actions.discardable ? 'discard' : undefined;
      if (action) {
        // 409 means the run moved on meanwhile: read it again and decide again.
        if (await this.client.runAction(runId, action, `tfe-run-action: ${reason}`)) {
          core.warning(
            `Run ${runId}: ${action === 'cancel' ? 'canceled' : 'discarded'} (${reason}).`
          );
          this.facts.stopOnExit = false;
          this.publish();
          return status;
        }
      }
      await this.clock.sleep(500);
    }
    core.warning(
      `Run ${runId} could not be canceled or discarded; check it at ${this.facts.runUrl}`
    );
    return this.facts.runStatus;
  }

  /** After a stop: waits a little for the final status, for the outputs and summary. */
  async awaitFinal(maxMs: number): Promise<void> {
    const runId = this.facts.runId;
    if (!runId) return;
    const until = this.clock.now() + maxMs;
    while (this.clock.now() < until) {
      const document = await this.client.getRun(runId);
      const { plan, apply } = await this.phases(document);
      this.record(document.data, plan, apply);
      if (isFinalRunStatus(document.data.attributes?.status)) return;
      await this.clock.sleep(500);
    }
  }

  // ---- pieces --------------------------------------------------------------------------

  private settle(
    status: string,
    plan: Resource<PhaseAttributes> | undefined,
    apply: Resource<PhaseAttributes> | undefined,
    planLog: PhaseLog,
    applyLog: PhaseLog
  ): DriveResult {
    const { facts } = this;
    const counts = countsSentence(facts.counts);
    switch (status) {
      case 'applied':
        return {
          outcome: 'success',
          headline: `Apply finished: ${countsSentence(facts.counts, true)}`
        };
      case 'planned_and_finished':
        return {
          outcome: 'success',
          headline:
            facts.hasChanges === false ? 'Plan finished: no changes.' : `Plan finished: ${counts}`
        };
      case 'planned_and_saved':
        return { outcome: 'success', headline: `Plan saved, to be applied later: ${counts}` };
      case 'errored': {
        const applyFailed = apply?.attributes?.status === 'errored';
        facts.logTail = (applyFailed ? applyLog : planLog).lastLines() || undefined;
        const phase = applyFailed
          ? 'Apply'
          : plan?.attributes?.status === 'errored'
            ? 'Plan'
            : 'Run';
        return { outcome: 'failure', headline: `${phase} errored.` };
      }
      case 'policy_soft_failed':
        return {
          outcome: 'failure',
          headline: 'A soft-mandatory policy check failed and was not overridden.'
        };
      case 'discarded':
        return { outcome: 'failure', headline: 'The run was discarded.' };
      default:
        return { outcome: 'failure', headline: `The run was ${status.replace(/_/g, ' ')}.` };
    }
  }

  /** Plan and apply from `included`, or fetched one by one when the server ignores includes. */
  private async phases(document: Document<RunAttributes>): Promise<{
    plan: Resource<PhaseAttributes> | undefined;
    apply: Resource<PhaseAttributes> | undefined;
  }> {
    const find = async (
      name: string,
      type: string
    ): Promise<Resource<PhaseAttributes> | undefined> => {
      const id = relatedId(document.data, name);
      if (!id) return undefined;
      const included = document.included?.find(item => item.type === type && item.id === id);
      if (included) return included;
      try {
        return await (type === 'plans' ? this.client.getPlan(id) : this.client.getApply(id));
      } catch (error) {
        // The run decides the result; a server without these endpoints costs only counts.
        if (!(error instanceof TfeApiError) || error.status >= 500) throw error;
        core.debug(`${type} ${id}: ${error.message}`);
        return undefined;
      }
    };
    return { plan: await find('plan', 'plans'), apply: await find('apply', 'applies') };
  }

  private record(
    run: Resource<RunAttributes>,
    plan: Resource<PhaseAttributes> | undefined,
    apply: Resource<PhaseAttributes> | undefined
  ): void {
    const { facts } = this;
    facts.runStatus = run.attributes?.status ?? facts.runStatus;
    if (plan) {
      facts.planId = plan.id;
      facts.planStatus = plan.attributes?.status;
      const a = plan.attributes ?? {};
      if (typeof a['resource-additions'] === 'number') {
        facts.counts = {
          additions: a['resource-additions'],
          changes: a['resource-changes'] ?? 0,
          destructions: a['resource-destructions'] ?? 0,
          // Older TFE and OTF have no imports count.
          imports: a['resource-imports'] ?? 0
        };
      }
      if (typeof a['has-changes'] === 'boolean') {
        facts.hasChanges = a['has-changes'];
      } else if (facts.counts && FINAL_PHASE.has(facts.planStatus ?? '')) {
        // Older servers: the counts say it too.
        const { additions, changes, destructions, imports } = facts.counts;
        facts.hasChanges = additions + changes + destructions + imports > 0;
      }
    }
    if (
      typeof run.attributes?.['has-changes'] === 'boolean' &&
      FINAL_PHASE.has(facts.planStatus ?? '')
    ) {
      facts.hasChanges = run.attributes['has-changes'];
    }
    // The apply resource exists from the start; it only counts once an apply began, which
    // its own status tells, or else the run's (for servers whose apply says little).
    const applyId = apply?.id ?? relatedId(run, 'apply');
    if (
      applyId &&
      (APPLY_STARTED.has(apply?.attributes?.status ?? '') ||
        RUN_APPLYING.has(run.attributes?.status ?? ''))
    ) {
      facts.applyId = applyId;
    }
    this.publish();
  }

  private async streamLog(
    log: PhaseLog,
    phase: Resource<PhaseAttributes> | undefined,
    title: string
  ): Promise<void> {
    const url = phase?.attributes?.['log-read-url'];
    const status = phase?.attributes?.status ?? '';
    if (!url || log.done || !(status === 'running' || FINAL_PHASE.has(status))) return;
    if (status === 'unreachable') return;
    await log.pump(url, `${title} log:`);
  }

  private async finishLogs(
    planLog: PhaseLog,
    plan: Resource<PhaseAttributes> | undefined,
    applyLog?: PhaseLog,
    apply?: Resource<PhaseAttributes>
  ): Promise<void> {
    for (const [log, phase, title] of [
      [planLog, plan, 'Plan'],
      [applyLog, apply, 'Apply']
    ] as const) {
      if (!log || !phase) continue;
      // A few quick reads: the end marker usually arrives with or right after the status.
      for (let i = 0; i < 3 && !log.done && FINAL_PHASE.has(phase.attributes?.status ?? ''); i++) {
        await this.streamLog(log, phase, title);
        if (!log.done) await this.clock.sleep(200);
      }
      log.flush();
    }
  }

  private async collectPolicyFailures(runId: string): Promise<void> {
    try {
      const checks = await this.client.listPolicyChecks(runId);
      const failures = checks
        .filter(check =>
          ['soft_failed', 'hard_failed', 'errored'].includes(check.attributes?.status ?? '')
        )
        .map(check => {
          const result = check.attributes?.result ?? {};
          const names = failedPolicyNames(result.sentinel);
          const counts = `${result['soft-failed'] ?? 0} soft-mandatory, ${result['hard-failed'] ?? 0} hard-mandatory, ${result['advisory-failed'] ?? 0} advisory failed`;
          const status = (check.attributes?.status ?? '').replace('_', ' ');
          return `${check.attributes?.scope ?? 'policy'} check ${check.id}: ${status} (${counts})${names.length ? `: ${names.join(', ')}` : ''}`;
        });
      if (failures.length) this.facts.policyFailures = failures;
    } catch (error) {
      core.debug(`policy checks: ${(error as Error).message}`);
    }
  }

  private async waitForConfiguration(id: string): Promise<void> {
    for (let poll = 0; ; poll++) {
      this.checkAborted();
      const cv = await this.client.getConfigurationVersion(id);
      const status = cv.attributes?.status;
      if (status === 'uploaded') return;
      if (status === 'errored' || status === 'archived' || status?.startsWith('backing_data')) {
        const reason = cv.attributes?.['error-message'] ?? cv.attributes?.error ?? status;
        throw new RunRefusedError(`Configuration version ${id} could not be processed: ${reason}`);
      }
      await this.pause(poll);
    }
  }

  /**
   * A create whose answer is uncertain (no answer, or a 5xx) may have happened: look for
   * what it made before creating again, so a lost answer never makes a second one.
   */
  private async createOnce<T extends { id: string }>(
    what: string,
    create: () => Promise<T>,
    findExisting: () => Promise<T | undefined>
  ): Promise<T> {
    const attempts = defaultRetryPolicy.maxAttempts;
    for (let attempt = 1; ; attempt++) {
      this.checkAborted();
      try {
        return await create();
      } catch (error) {
        if (!isUncertain(error) || attempt >= attempts) throw error;
        core.warning(
          `Creating ${what} got no clear answer (${(error as Error).message}); checking whether it was created before trying again.`
        );
      }
      await this.clock.sleep(backoffDelay(attempt, defaultRetryPolicy, () => this.clock.random()));
      const existing = await findExisting();
      if (existing) {
        core.info(
          `Found ${what} ${existing.id} made by the request whose answer was lost: using it.`
        );
        return existing;
      }
    }
  }

  /**
   * The configuration version a lost create may have made. Its upload URL is only ever in
   * the create answer, so it can be adopted only where the server repeats it; otherwise it
   * stays pending and unused (harmless: it has no run) and a new one is made.
   */
  private async findLostConfigurationVersion(
    workspaceId: string,
    since: number
  ): Promise<Resource<ConfigurationVersionAttributes> | undefined> {
    const recent = (await this.client.listConfigurationVersions(workspaceId)).filter(cv => {
      const created = Date.parse(cv.attributes?.['created-at'] ?? '');
      // Allow for clock skew between the runner and the server.
      return (
        cv.attributes?.status === 'pending' && (Number.isNaN(created) || created >= since - 120_000)
      );
    });
    const usable = recent.find(cv => cv.attributes?.['upload-url']);
    if (!usable && recent.length) {
      core.warning(
        `Configuration version ${recent[0].id} was probably created by the lost request, but the server gives its upload URL only once; it stays pending and unused.`
      );
    }
    return usable;
  }

  private async pause(poll: number): Promise<void> {
    const delay = Math.min(this.poll.maxMs, this.poll.firstMs * this.poll.factor ** poll);
    const left = this.deadline - this.clock.now();
    if (left <= 0) {
      throw new RunTimeoutError(
        `The run did not settle within the timeout (${formatDuration(this.inputs.timeoutMs)}).`
      );
    }
    await this.clock.sleep(Math.min(delay, left), this.deps.signal).catch(error => {
      if (this.deps.signal.aborted) throw new JobCancelledError();
      throw error;
    });
  }

  private checkAborted(): void {
    if (this.deps.signal.aborted) throw new JobCancelledError();
  }

  private publish(): void {
    this.deps.onFacts?.(this.facts);
  }
}

/** No answer, or a server error: the request may or may not have been processed. */
function isUncertain(error: unknown): boolean {
  if (error instanceof TfeNetworkError) return !error.notSent;
  return error instanceof TfeApiError && error.status >= 500;
}
