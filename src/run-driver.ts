/**
 * The run's I/O loop: workspace → configuration version → upload → exactly one run →
 * follow it → confirm when asked → settle; or an existing run (`run-id`) followed,
 * confirmed or discarded. What each answer means is decided elsewhere (workspace-check.ts,
 * existing-run.ts, configuration-source.ts, run-facts.ts, outcome.ts, discard-step.ts);
 * this file only asks, waits and logs (the plan and apply logs: run-logs.ts). The driver
 * owns the facts it learns and hands out read-only snapshots.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  MAX_COPIED_ARCHIVE_BYTES,
  copyReason,
  refusesForeignConfiguration,
  sourceNotFound,
  sourceRefusal
} from './configuration-source.js';
import { createOnce } from './create-once.js';
import { discardStep } from './discard-step.js';
import { existingRunRefusal } from './existing-run.js';
import { formatBytes, formatDuration } from './format.js';
import type { Inputs } from './inputs.js';
import {
  type NextStep,
  type Outcome,
  type RunView,
  decisionWarning,
  nextStep,
  settledOutcome
} from './outcome.js';
import { type Clock, defaultRetryPolicy } from './retry.js';
import { type RunFacts, factsFromRun } from './run-facts.js';
import {
  DEFAULT_POLL_POLICY,
  type PollPolicy,
  afterRunRead,
  pollDelay,
  startRunReads
} from './poll-schedule.js';
import { type Phase, RunLogs } from './run-logs.js';
import { log } from './safe-log.js';
import { runCreateAttributes } from './run-options.js';
import { findRunOf, stopRun } from './run-stop.js';
import { StepBudget } from './step-budget.js';
import { isFinalRunStatus, runActions, runUrl } from './run-status.js';
import { JobCancelledError, RunRefusedError } from './step-errors.js';
import type { TfeApi } from './tfe/api.js';
import { TfeApiError } from './tfe/errors.js';
import {
  type ConfigurationVersionAttributes,
  type Document,
  type Resource,
  type RunAttributes,
  relatedId
} from './tfe/types.js';
import { checkWorkspace } from './workspace-check.js';

export interface DriverDeps {
  readonly api: TfeApi;
  readonly clock: Clock;
  /** Aborts when the job is cancelled (SIGINT/SIGTERM). */
  readonly signal: AbortSignal;
  /** The step's time, shared with the API client; by default one made from `signal`. */
  readonly budget?: StepBudget;
  /**
   * Called whenever facts change, with whether a run exists that must be stopped if the
   * main step dies (for the post step's state).
   */
  readonly onProgress?: (facts: RunFacts, stopOnExit: boolean) => void;
  /** When to read the run and its log again (src/poll-schedule.ts); tests change it. */
  readonly poll?: Partial<PollPolicy>;
  /**
   * Asked once, just before the driver would confirm the apply. A refusal discards the run
   * and ends the step with that failure (require-reviewed-plan); so does an error.
   */
  readonly beforeConfirm?: (facts: RunFacts) => Promise<ConfirmVerdict>;
}

/** Whether the apply may be confirmed; a refusal says why, for the log and the report. */
export type ConfirmVerdict =
  | { readonly allow: true; readonly note?: string }
  | { readonly allow: false; readonly headline: string; readonly reason: string };

/** How often an unchanged status is repeated in the log. */
const HEARTBEAT_MS = 30_000;

export class RunDriver {
  private readonly api: TfeApi;
  private readonly clock: Clock;
  private readonly poll: PollPolicy;
  /** Bounds every wait and request: from the start, then again from the run's creation. */
  private readonly budget: StepBudget;
  private current: RunFacts = Object.freeze({});
  private stopOnExit = false;
  private workspaceAutoApply = false;
  /** This step confirmed the apply: it then owns stopping the run, even one it did not create. */
  private confirmedHere = false;
  /** The run as last read, for the report (no second read of a settled run). */
  private lastRunRead: Resource<RunAttributes> | undefined;

  constructor(
    private readonly inputs: Inputs,
    private readonly deps: DriverDeps
  ) {
    this.api = deps.api;
    this.clock = deps.clock;
    this.budget = deps.budget ?? new StepBudget(deps.clock, deps.signal, inputs.timeoutMs);
    this.poll = { ...DEFAULT_POLL_POLICY, ...deps.poll };
  }

  /** What is known so far: a frozen snapshot. */
  get facts(): RunFacts {
    return this.current;
  }

  /** The run as the driver last read it (undefined before any read). */
  get lastRun(): Resource<RunAttributes> | undefined {
    return this.lastRunRead;
  }

  /** When the step's timeout ends (epoch ms): reads after the run must not wait past it. */
  get deadlineAt(): number {
    return this.budget.deadline;
  }

  /** Finds the workspace and refuses states in which no run could (or should) start. */
  async resolveWorkspace(): Promise<void> {
    const { inputs } = this;
    const workspace = inputs.workspaceIsId
      ? await this.api.getWorkspaceById(inputs.workspace)
      : await this.api.getWorkspaceByName(inputs.organization ?? '', inputs.workspace);
    const attributes = workspace.attributes ?? {};
    this.workspaceAutoApply = attributes['auto-apply'] === true;
    const name = attributes.name ?? inputs.workspace;
    this.update({
      workspaceId: workspace.id,
      workspaceName: name,
      // The organization relationship's ID is the organization's name.
      organization: relatedId(workspace, 'organization') ?? inputs.organization
    });
    log.info(`Workspace ${this.current.organization}/${name} (${workspace.id})`);
    const verdict = checkWorkspace(name, attributes, inputs);
    if (verdict.refusal) throw new RunRefusedError(verdict.refusal);
    for (const warning of verdict.warnings) log.warning(warning);
  }

  /** Creates the configuration version, uploads the archive and waits until it is usable. */
  async uploadConfiguration(archive: { path: string; size: number }): Promise<string> {
    const workspaceId = this.requireFact('workspaceId');
    const started = this.clock.now();
    const cv = await createOnce({
      ...this.createOptions('the configuration version'),
      create: () =>
        this.api.createConfigurationVersion(workspaceId, {
          speculative: this.inputs.speculative,
          provisional: this.inputs.savePlan
        }),
      findExisting: () => this.findLostConfigurationVersion(workspaceId, started)
    });
    this.update({ configurationVersionId: cv.id });
    const uploadUrl = cv.attributes?.['upload-url'];
    if (!uploadUrl) {
      throw new RunRefusedError(
        `The server gave no upload URL for configuration version ${cv.id}.`
      );
    }
    log.info(`Configuration version ${cv.id}: uploading ${formatBytes(archive.size)}`);
    await this.api.uploadArchive(uploadUrl, archive.path, archive.size);
    await this.waitForConfiguration(cv.id);
    return cv.id;
  }

  /**
   * Creates the one run of this step (adopting it when the answer to the create was lost).
   * `shared`: the configuration version was not made by this step, so other runs may use
   * it too: only a run that was not there before the create may be adopted, and the post
   * step (which looks runs up by configuration version) learns of the run only once known.
   */
  async createRun(
    configurationVersionId: string,
    options: { shared?: boolean } = {}
  ): Promise<Resource<RunAttributes>> {
    const workspaceId = this.requireFact('workspaceId');
    const earlier = options.shared
      ? new Set((await this.api.listRuns(workspaceId)).map(run => run.id))
      : new Set<string>();
    // From here on a run may exist even if this process dies before it hears of it: the
    // post step then finds it by its configuration version.
    if (!options.shared) this.setStopOnExit(this.inputs.wait);
    const run = await createOnce({
      ...this.createOptions('the run'),
      create: () =>
        this.api.createRun(workspaceId, configurationVersionId, runCreateAttributes(this.inputs)),
      findExisting: async () => {
        const found = await findRunOf(this.api, workspaceId, configurationVersionId);
        return found && !earlier.has(found.id) ? found : undefined;
      }
    });
    this.setStopOnExit(this.inputs.wait);
    // "Longest wait for the run": counted from the run's creation, not from packing.
    this.budget.runCreated();
    const { organization, workspaceName } = this.current;
    this.update({
      runId: run.id,
      runStatus: run.attributes?.status,
      planId: relatedId(run, 'plan'),
      runUrl: runUrl(this.inputs.baseUrl, organization, workspaceName, run.id)
    });
    log.notice(`Run ${run.id}: ${this.current.runUrl}`, { title: 'Terraform run' });
    return run;
  }

  /**
   * Creates the run from the `configuration-version` input: directly, or, when the server
   * refuses another workspace's configuration version (or it is speculative and the run
   * must not be), from a byte-for-byte copy uploaded to this workspace. Never repacks.
   */
  async createRunFromConfigurationVersion(sourceId: string): Promise<Resource<RunAttributes>> {
    let source: Resource<ConfigurationVersionAttributes>;
    try {
      source = await this.api.getConfigurationVersion(sourceId);
    } catch (error) {
      if (error instanceof TfeApiError && error.status === 404) {
        throw new RunRefusedError(sourceNotFound(sourceId));
      }
      throw error;
    }
    const attributes = source.attributes ?? {};
    const refusal = sourceRefusal(sourceId, attributes);
    if (refusal) throw new RunRefusedError(refusal);
    this.update({ sourceConfigurationVersionId: sourceId, configurationVersionId: sourceId });
    const reason = copyReason(attributes, this.inputs);
    if (!reason) {
      try {
        log.info(`Configuration version ${sourceId}: creating the run from it.`);
        return await this.createRun(sourceId, { shared: true });
      } catch (error) {
        if (!refusesForeignConfiguration(error)) throw error;
        log.info(`The server does not let this workspace use ${sourceId} (${error.message}).`);
      }
    } else {
      log.info(`Configuration version ${sourceId} is not used directly: ${reason}.`);
    }
    return this.createRun(await this.copyConfiguration(sourceId));
  }

  /** Downloads the archive to a temporary file and uploads the same bytes to this workspace. */
  private async copyConfiguration(sourceId: string): Promise<string> {
    const base = process.env.RUNNER_TEMP || os.tmpdir();
    const directory = await fs.promises.mkdtemp(path.join(base, 'tfe-run-copy-'));
    try {
      const file = path.join(directory, 'configuration.tar.gz');
      log.info(`Copying configuration version ${sourceId} into this workspace.`);
      const saved = await this.api.downloadConfigurationVersion(
        sourceId,
        file,
        MAX_COPIED_ARCHIVE_BYTES
      );
      log.info(`Downloaded ${formatBytes(saved.size)} (sha256 ${saved.sha256}).`);
      const copyId = await this.uploadConfiguration({ path: file, size: saved.size });
      log.info(`Configuration version ${copyId} is a byte-for-byte copy of ${sourceId}.`);
      return copyId;
    } finally {
      await fs.promises.rm(directory, { recursive: true, force: true });
    }
  }

  /**
   * Takes the `run-id` input's run as this step's run: reads it and its workspace, and
   * refuses before any action call when the step must not act on it.
   */
  async adoptRun(runId: string): Promise<Resource<RunAttributes>> {
    const { inputs } = this;
    const document = await this.readRun(runId);
    const run = document.data;
    const workspaceId = relatedId(run, 'workspace');
    const workspace = workspaceId ? await this.api.getWorkspaceById(workspaceId) : undefined;
    const organization = workspace ? relatedId(workspace, 'organization') : undefined;
    const workspaceName = workspace?.attributes?.name;
    this.workspaceAutoApply = workspace?.attributes?.['auto-apply'] === true;
    const { plan, apply } = await this.phases(document);
    this.update({
      ...factsFromRun(this.current, run, plan, apply),
      workspaceId,
      workspaceName,
      organization,
      configurationVersionId: relatedId(run, 'configuration-version'),
      planOnly: run.attributes?.['plan-only'] === true,
      isDestroy: run.attributes?.['is-destroy'] === true,
      runUrl: runUrl(inputs.baseUrl, organization, workspaceName, run.id)
    });
    log.info(
      `Run ${run.id} of workspace ${organization ?? '?'}/${workspaceName ?? '?'} (${workspaceId ?? '?'}): ${run.attributes?.status ?? 'unknown'}`
    );
    const refusal = existingRunRefusal(
      run.attributes ?? {},
      { id: workspaceId, name: workspaceName, organization },
      {
        runId,
        workspace: inputs.workspace,
        workspaceIsId: inputs.workspaceIsId,
        organization: inputs.organization,
        apply: inputs.apply,
        discard: inputs.discard
      }
    );
    if (refusal) throw new RunRefusedError(refusal);
    log.notice(`Run ${run.id}: ${this.current.runUrl}`, { title: 'Terraform run' });
    // The timeout counts from here, as it does from a created run's creation.
    this.budget.runCreated();
    return run;
  }

  /** Whether a timeout or cancellation should stop the run: our own, or one we confirmed. */
  get ownsRun(): boolean {
    return this.inputs.runId === undefined || this.confirmedHere;
  }

  /**
   * Follows the run until it settles or the step's goal is reached: confirms the apply when
   * asked (once), or with `discard: true` discards or cancels it; streams the logs, and
   * returns the step's outcome.
   */
  async follow(runId: string): Promise<Outcome> {
    const logs = new RunLogs(
      this.api,
      log.debug,
      this.clock,
      this.poll,
      this.budget,
      this.deps.signal
    );
    let confirmed = false;
    let allowed = false;
    let stopSent: 'cancel' | 'discard' | undefined;
    let announcedDecision = '';
    let lastStatus = '';
    let statusSince = this.clock.now();
    let lastHeartbeat = statusSince;
    let reads = startRunReads(this.clock.now(), this.poll);
    for (;;) {
      reads = await logs.untilNextRead(reads);
      this.checkAborted();
      const readAt = this.clock.now();
      const document = await this.readRun(runId);
      const run = document.data;
      const status = run.attributes?.status ?? 'unknown';
      reads = afterRunRead(reads, readAt, this.poll);
      const { plan, apply } = await this.phases(document);
      this.update(factsFromRun(this.current, run, plan, apply));
      await logs.afterRunRead(status, plan, apply);
      if (status !== lastStatus) {
        log.info(`Run status: ${status}`);
        lastStatus = status;
        statusSince = this.clock.now();
        lastHeartbeat = statusSince;
      } else if (this.clock.now() - lastHeartbeat >= HEARTBEAT_MS) {
        // A run queued behind others or a lock can sit for long: show that we still watch.
        lastHeartbeat = this.clock.now();
        const waited = formatDuration(Math.round((lastHeartbeat - statusSince) / 1000) * 1000);
        log.info(`Run status: ${status} (for ${waited})`);
      }

      const view: RunView = {
        status,
        actions: runActions(run.attributes),
        planOnly: run.attributes?.['plan-only'] === true,
        autoApply: run.attributes?.['auto-apply'] ?? this.workspaceAutoApply,
        hasChanges: run.attributes?.['has-changes']
      };
      const step: NextStep = this.inputs.discard
        ? discardStep(view, { sent: stopSent })
        : nextStep(view, this.current, { apply: this.inputs.apply, confirmed });
      switch (step.kind) {
        case 'settled': {
          // Catch the last lines of the log, which may land just after the status changed.
          await logs.finish('plan', 'apply');
          if (status === 'errored') {
            const failed = this.current.applyStatus === 'errored' ? 'apply' : 'plan';
            this.update({ logTail: logs.lastLines(failed) || undefined });
          }
          this.setStopOnExit(false);
          return step.outcome ?? settledOutcome(status, this.current);
        }
        case 'confirm':
          await logs.finish('plan');
          if (!allowed) {
            const verdict = await this.askBeforeConfirm();
            if (!verdict.allow) return this.refuseApply(runId, verdict);
            if (verdict.note) log.info(verdict.note);
            allowed = true;
          }
          log.info('Plan has changes and apply: true: confirming the apply.');
          // A 409 means our call applied nothing (the run moved on): read it again and decide
          // again, so a confirmation is never sent twice for one pause.
          confirmed = await this.api.runAction(runId, 'apply', this.inputs.comment);
          if (confirmed) {
            // The run is confirmed now: its apply log is the one to follow.
            logs.confirmed();
            this.confirmedHere = true;
            // From now on a killed step must not leave an apply running unwatched.
            this.setStopOnExit(true);
          } else {
            log.info('The run could not be confirmed just now (409): reading it again.');
          }
          break;
        case 'stop': {
          log.info(
            `discard: true: ${step.action === 'cancel' ? 'canceling' : 'discarding'} the run (${status}).`
          );
          const accepted = await this.api.runAction(runId, step.action, this.inputs.comment);
          if (!accepted) {
            log.info(`The run could not be stopped just now (409): reading it again.`);
          } else {
            stopSent = step.action;
            if (!this.inputs.wait) {
              return {
                outcome: 'success',
                headline: `The run's ${step.action} was requested; not waiting for it (wait: false).`
              };
            }
          }
          break;
        }
        case 'stop-waiting':
          await logs.finish('plan');
          // The run stays for someone to confirm in the UI: the post step must not discard it.
          this.setStopOnExit(false);
          return step.outcome;
        case 'wait':
          if (step.pausedForDecision && announcedDecision !== status) {
            announcedDecision = status;
            log.warning(decisionWarning(runId, status, this.current.runUrl));
          }
          break;
      }
    }
  }

  /** Cancels (or discards) the run this step started, as far as the run allows. */
  async stopRun(reason: string): Promise<void> {
    const runId = this.current.runId;
    if (!runId) return;
    const comment = `${this.inputs.comment} (${reason})`;
    const result = await stopRun(this.api, runId, comment, this.clock);
    this.update({ runStatus: result.status ?? this.current.runStatus });
    if (result.action) {
      log.warning(
        `Run ${runId}: ${result.action === 'cancel' ? 'canceled' : 'discarded'} (${reason}).`
      );
      this.setStopOnExit(false);
    } else if (!isFinalRunStatus(result.status)) {
      log.warning(
        `Run ${runId} could not be canceled or discarded; check it at ${this.current.runUrl}`
      );
    }
  }

  /** After a stop: waits a little for the final status, for the outputs and summary. */
  async awaitFinal(maxMs: number): Promise<void> {
    const runId = this.current.runId;
    if (!runId) return;
    const until = this.clock.now() + maxMs;
    while (this.clock.now() < until) {
      const document = await this.readRun(runId);
      const { plan, apply } = await this.phases(document);
      this.update(factsFromRun(this.current, document.data, plan, apply));
      if (isFinalRunStatus(document.data.attributes?.status)) return;
      await this.clock.sleep(500);
    }
  }

  // ---- pieces --------------------------------------------------------------------------

  /** The beforeConfirm hook's verdict; an error of the hook refuses (never confirms). */
  private async askBeforeConfirm(): Promise<ConfirmVerdict> {
    const hook = this.deps.beforeConfirm;
    if (!hook) return { allow: true };
    try {
      return await hook(this.current);
    } catch (error) {
      this.checkAborted();
      const message = error instanceof Error ? error.message : String(error);
      return {
        allow: false,
        headline: 'Not applied: the check before confirming failed.',
        reason: `The check before confirming the apply failed: ${message}`
      };
    }
  }

  /** Discards a run the hook refused, so nothing is applied, and ends the step failed. */
  private async refuseApply(
    runId: string,
    verdict: Extract<ConfirmVerdict, { allow: false }>
  ): Promise<Outcome> {
    log.info(`${verdict.headline} Discarding run ${runId}.`);
    try {
      const comment = `${this.inputs.comment} (require-reviewed-plan: not the plan reviewed on the pull request)`;
      const result = await stopRun(this.api, runId, comment, this.clock);
      this.update({ runStatus: result.status ?? this.current.runStatus });
      if (result.action || isFinalRunStatus(result.status)) {
        this.setStopOnExit(false);
        await this.awaitFinal(10_000);
      } else {
        log.warning(
          `Run ${runId} could not be discarded; it still awaits confirmation: discard it at ${this.current.runUrl}`
        );
      }
    } catch (error) {
      this.checkAborted();
      log.warning(`Discarding run ${runId} failed: ${(error as Error).message}`);
    }
    return { outcome: 'failure', headline: verdict.headline, error: verdict.reason };
  }

  /** Plan and apply from `included`, or fetched one by one when the server ignores includes. */
  private async phases(document: Document<RunAttributes>): Promise<{ plan: Phase; apply: Phase }> {
    const find = async (name: string, type: 'plans' | 'applies'): Promise<Phase> => {
      const id = relatedId(document.data, name);
      if (!id) return undefined;
      const included = document.included?.find(item => item.type === type && item.id === id);
      if (included) return included;
      try {
        return await (type === 'plans' ? this.api.getPlan(id) : this.api.getApply(id));
      } catch (error) {
        // The run decides the result; a server without these endpoints costs only counts.
        if (!(error instanceof TfeApiError) || error.status >= 500) throw error;
        log.debug(`${type} ${id}: ${error.message}`);
        return undefined;
      }
    };
    return { plan: await find('plan', 'plans'), apply: await find('apply', 'applies') };
  }

  private async waitForConfiguration(id: string): Promise<void> {
    // Processing an upload takes the server moments: look again soon, then less often.
    for (let poll = 0; ; poll++) {
      this.checkAborted();
      const cv = await this.api.getConfigurationVersion(id);
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
   * The configuration version a lost create may have made. Its upload URL is only ever in
   * the create answer, so it can be adopted only where the server repeats it; otherwise it
   * stays pending and unused (harmless: it has no run) and a new one is made.
   */
  private async findLostConfigurationVersion(
    workspaceId: string,
    since: number
  ): Promise<Resource<ConfigurationVersionAttributes> | undefined> {
    const recent = (await this.api.listConfigurationVersions(workspaceId)).filter(cv => {
      const created = Date.parse(cv.attributes?.['created-at'] ?? '');
      // Allow for clock skew between the runner and the server.
      return (
        cv.attributes?.status === 'pending' && (Number.isNaN(created) || created >= since - 120_000)
      );
    });
    const usable = recent.find(cv => cv.attributes?.['upload-url']);
    if (!usable && recent.length) {
      log.warning(
        `Configuration version ${recent[0].id} was probably created by the lost request, but the server gives its upload URL only once; it stays pending and unused.`
      );
    }
    return usable;
  }

  private createOptions(what: string) {
    return {
      what,
      clock: this.clock,
      policy: defaultRetryPolicy,
      signal: this.budget.signal,
      warn: log.warning,
      info: log.info
    };
  }

  private async pause(poll: number): Promise<void> {
    const left = this.budget.deadline - this.clock.now();
    if (left <= 0) throw this.budget.expired();
    await this.clock.sleep(Math.min(pollDelay(poll, this.poll), left), this.deps.signal);
  }

  /** Every read of the run goes here: the report reuses the last one. */
  private async readRun(runId: string): Promise<Document<RunAttributes>> {
    const document = await this.api.getRun(runId);
    this.lastRunRead = document.data;
    return document;
  }

  private checkAborted(): void {
    if (this.deps.signal.aborted) throw new JobCancelledError();
    if (this.budget.signal.aborted) throw this.budget.signal.reason as Error;
  }

  private requireFact(name: 'workspaceId'): string {
    const value = this.current[name];
    if (!value) throw new Error(`internal: ${name} is not known yet`);
    return value;
  }

  private update(patch: Partial<RunFacts>): void {
    this.current = Object.freeze({ ...this.current, ...patch });
    this.deps.onProgress?.(this.current, this.stopOnExit);
  }

  private setStopOnExit(value: boolean): void {
    this.stopOnExit = value;
    this.deps.onProgress?.(this.current, value);
  }
}
