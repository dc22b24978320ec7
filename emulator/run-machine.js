// The run status machine (docs/tfe-api-notes.md §6.4, §8.2, §9, §10): every `stepMs` each
// active run moves one step, so clients see the same sequences of statuses,
// `actions` flags and progressively written logs as on the real service.
import { finishCostEstimate } from './cost-estimates.js';
import { finishPolicyCheck } from './policy-checks.js';
import { publishOutputs } from './state-outputs.js';
import {
  pendingStage,
  currentStage,
  startStage,
  settleStage,
  overrideStage,
  endStages
} from './task-stages.js';
import { now } from './store.js';
import { isFinal, mark } from './run-status.js';
import { readConfig } from './terraform-config.js';
import {
  computePlan,
  applyPlan,
  planChangeLines,
  planSummaryLine,
  applyChangeLines,
  applySummaryLine
} from './plan.js';
import { plantLog } from './planted-log.js';

/**
 * @typedef {import('./store.js').Store} Store
 * @typedef {import('./store.js').Run} Run
 * @typedef {import('./store.js').Phase} Phase
 * @typedef {import('./store.js').Workspace} Workspace
 */

/**
 * @param {Phase} phase
 * @param {string} status
 * @param {string} stamp
 */
function markPhase(phase, status, stamp) {
  phase.status = status;
  phase.statusTimestamps[stamp] = now();
}

/**
 * @param {Phase} phase
 * @param {string[]} lines
 */
function writeLog(phase, lines) {
  phase.log.started = true;
  for (const line of lines) phase.log.text += `${line}\n`;
}

/** @param {Phase} phase */
function closeLog(phase) {
  phase.log.started = true;
  phase.log.final = true;
}

export class RunMachine {
  /**
   * @param {Store} store
   * @param {number} stepMs
   * @param {number} [logLeadMs] how long a phase's log ends (ETX) before the phase does
   */
  constructor(store, stepMs, logLeadMs = 0) {
    this.store = store;
    this.stepMs = stepMs;
    this.logLeadMs = logLeadMs;
    /** @type {NodeJS.Timeout | null} */
    this.timer = setInterval(() => this.tick(), stepMs);
    this.timer.unref();
    /** @type {Set<NodeJS.Timeout>} phases whose log ended, waiting to end themselves */
    this.ending = new Set();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const timer of this.ending) clearTimeout(timer);
    this.ending.clear();
  }

  /**
   * Ends a phase's log with `lines`, then the phase with `finish`: at once, or `logLeadMs`
   * later, as on TFE, where the worker closes the log before it reports the phase's end.
   * @param {Run} run
   * @param {Phase} phase
   * @param {string[]} lines
   * @param {() => void} finish
   */
  endPhase(run, phase, lines, finish) {
    writeLog(phase, lines);
    closeLog(phase);
    if (this.logLeadMs <= 0) {
      finish();
      return;
    }
    run.ending = true;
    const timer = setTimeout(() => {
      this.ending.delete(timer);
      run.ending = false;
      // A cancel that came in between ended the run already.
      if (!isFinal(run) && !run.cancelRequested) finish();
    }, this.logLeadMs);
    timer.unref();
    this.ending.add(timer);
  }

  /**
   * Lifts a hold: the run continues from the status it stopped in.
   * @param {Run} run
   */
  release(run) {
    run.hold = null;
  }

  /**
   * `POST /runs/:id/actions/apply`; the caller checked `is-confirmable`.
   * @param {Run} run
   */
  confirm(run) {
    run.paused = false;
    this.setStatus(run, 'confirmed');
  }

  /** @param {Run} run */
  discard(run) {
    run.paused = false;
    this.setStatus(run, 'discarded');
    this.endPhases(run, 'unreachable');
  }

  /** @param {Run} run */
  cancel(run) {
    // Like SIGINT to Terraform: the run ends on the next step, not at once.
    run.cancelRequested = true;
    run.statusTimestamps['cancel-requested-at'] = now();
  }

  /** @param {Run} run */
  forceCancel(run) {
    run.paused = false;
    this.setStatus(run, 'force_canceled');
    this.endPhases(run, 'canceled');
  }

  /**
   * Overrides the soft-failed policy check of a run waiting in `policy_override`
   * (or the failed policy evaluation of the task stage it waits in).
   * @param {Run} run
   */
  overridePolicy(run) {
    if (this.overrideTaskStage(run)) return;
    for (const id of run.policyCheckIds) {
      const pc = this.store.policyChecks.get(id);
      if (pc && pc.status === 'soft_failed') mark(pc, 'overridden');
    }
    if (run.status === 'policy_override') this.enterStage(run, 'policy_checked');
  }

  /**
   * Overrides the task stage the run waits in; it goes on at the next step.
   * @param {Run} run
   * @returns {boolean} false when no stage of the run waits for an override
   */
  overrideTaskStage(run) {
    const stage = currentStage(this.store, run);
    if (!stage || !overrideStage(this.store, stage)) return false;
    run.paused = false;
    return true;
  }

  /**
   * @param {Run} run
   * @param {string} status
   */
  setStatus(run, status) {
    run.ticks = 0;
    mark(run, status);
  }

  /**
   * Ends every unfinished sub-resource of a run that stopped early.
   * @param {Run} run
   * @param {'canceled' | 'unreachable'} how
   */
  endPhases(run, how) {
    const plan = this.store.plans.get(run.planId);
    const apply = this.store.applies.get(run.applyId);
    for (const phase of [plan, apply]) {
      if (!phase || ['finished', 'errored', 'canceled', 'unreachable'].includes(phase.status)) {
        continue;
      }
      const started = phase.status === 'running' || phase.status === 'queued';
      const status = how === 'canceled' && started ? 'canceled' : 'unreachable';
      if (phase.status === 'running' && !phase.log.final)
        writeLog(phase, ['', 'Interrupt received. Gracefully shutting down...']);
      markPhase(phase, status, `${status}-at`);
      if (phase.log.started) closeLog(phase);
    }
    const ce = run.costEstimateId ? this.store.costEstimates.get(run.costEstimateId) : undefined;
    if (ce && ['pending', 'queued'].includes(ce.status)) mark(ce, how);
    for (const id of run.policyCheckIds) {
      const pc = this.store.policyChecks.get(id);
      if (pc && ['pending', 'queued'].includes(pc.status)) mark(pc, 'unreachable');
    }
    endStages(this.store, run, how);
  }

  tick() {
    for (const run of this.store.runs) {
      if (isFinal(run)) continue;
      // A cancel ends the run on the next step, even a held one, unless the
      // scenario makes Terraform ignore it (then only force-cancel helps).
      if (run.cancelRequested && run.scenario.ignoreCancel) continue;
      if (run.cancelRequested) {
        this.setStatus(run, 'canceled');
        this.endPhases(run, 'canceled');
        continue;
      }
      if (run.paused || run.hold === run.status || run.ending) continue;
      run.ticks++;
      this.step(run);
    }
  }

  /**
   * A non-plan-only run starts only when the workspace is not manually locked
   * and every earlier run of the workspace that holds the queue is final.
   * @param {Run} run
   */
  mayStart(run) {
    if (run.planOnly || run.savePlan) return true;
    const ws = this.store.workspaces.get(run.workspaceId);
    if (!ws || ws.locked) return false;
    for (const other of this.store.runs) {
      if (other === run) return true;
      if (
        other.workspaceId === run.workspaceId &&
        !other.planOnly &&
        !other.savePlan &&
        !isFinal(other)
      ) {
        return false;
      }
    }
    return true;
  }

  /** @param {Run} run */
  step(run) {
    const plan = /** @type {Phase} */ (this.store.plans.get(run.planId));
    const apply = /** @type {Phase} */ (this.store.applies.get(run.applyId));
    switch (run.status) {
      case 'pending':
        if (!this.mayStart(run)) return;
        run.statusTimestamps['plan-queueable-at'] = now();
        if (this.startTaskStage(run, 'pre_plan')) return;
        this.setStatus(run, 'plan_queued');
        markPhase(plan, 'queued', 'queued-at');
        return;
      case 'pre_plan_completed':
        this.setStatus(run, 'plan_queued');
        markPhase(plan, 'queued', 'queued-at');
        return;
      case 'plan_queued':
        this.setStatus(run, 'planning');
        markPhase(plan, 'running', 'started-at');
        writeLog(plan, [
          `Terraform v${run.terraformVersion}`,
          'on linux_amd64',
          'Initializing plugins and modules...'
        ]);
        run.plan = this.computeRunPlan(run);
        return;
      case 'planning':
        return this.stepPlanning(run, plan);
      case 'planned':
      case 'cost_estimated':
      case 'policy_checked':
      case 'post_plan_completed':
        return this.continueAfter(run, run.status);
      // A run waiting for an override (the last four) steps only once overridden.
      case 'pre_plan_running':
      case 'post_plan_running':
      case 'pre_apply_running':
      case 'post_apply_running':
      case 'policy_override':
      case 'pre_plan_awaiting_decision':
      case 'post_plan_awaiting_decision':
      case 'pre_apply_awaiting_decision':
        return this.finishTaskStage(run);
      case 'cost_estimating':
        return this.finishCostEstimate(run);
      case 'policy_checking':
        return this.finishPolicyCheck(run);
      case 'confirmed':
        if (this.startTaskStage(run, 'pre_apply')) return;
        this.setStatus(run, 'apply_queued');
        markPhase(apply, 'queued', 'queued-at');
        return;
      case 'pre_apply_completed':
        this.setStatus(run, 'apply_queued');
        markPhase(apply, 'queued', 'queued-at');
        return;
      case 'post_apply_completed':
        this.setStatus(run, 'applied');
        return;
      case 'apply_queued':
        this.setStatus(run, 'applying');
        markPhase(apply, 'running', 'started-at');
        writeLog(apply, [
          `Terraform v${run.terraformVersion}`,
          'on linux_amd64',
          'Initializing plugins and modules...'
        ]);
        return;
      case 'applying':
        return this.stepApplying(run, apply);
      default:
        return;
    }
  }

  /** @param {Run} run */
  computeRunPlan(run) {
    const ws = /** @type {Workspace} */ (this.store.workspaces.get(run.workspaceId));
    const archive = this.store.uploads.get(run.cvId);
    const config = readConfig(archive?.files ?? new Map(), ws.workingDirectory);
    return {
      ...computePlan(config, ws.state, {
        isDestroy: run.isDestroy,
        refreshOnly: run.refreshOnly,
        targetAddrs: run.targetAddrs,
        replaceAddrs: run.replaceAddrs
      }),
      outputs: config.outputs
    };
  }

  /**
   * Planning takes two steps so that a reader sees the log grow.
   * @param {Run} run
   * @param {Phase} plan
   */
  stepPlanning(run, plan) {
    const result = /** @type {import('./plan.js').PlanResult} */ (run.plan);
    if (run.ticks === 1) {
      if (!run.scenario.planError) writeLog(plan, ['', ...planChangeLines(result)]);
      plantLog(plan.log, run.scenario.planLog);
      return;
    }
    if (run.scenario.planError) {
      const error = [
        '',
        'Error: Unsupported argument',
        '',
        '  on main.tf line 3, in resource:',
        '   3:   unknown_argument = true',
        '',
        'An argument named "unknown_argument" is not expected here.'
      ];
      this.endPhase(run, plan, error, () => {
        markPhase(plan, 'errored', 'errored-at');
        this.setStatus(run, 'errored');
        this.endPhases(run, 'unreachable');
      });
      return;
    }
    this.endPhase(run, plan, ['', planSummaryLine(result)], () => this.planFinished(run, plan));
  }

  /**
   * @param {Run} run
   * @param {Phase} plan
   */
  planFinished(run, plan) {
    const result = /** @type {import('./plan.js').PlanResult} */ (run.plan);
    plan.counts = result.counts;
    plan.hasChanges = result.hasChanges;
    markPhase(plan, 'finished', 'finished-at');
    if (run.planOnly) {
      this.continueAfter(run, 'planned');
    } else if (!result.hasChanges && !run.allowEmptyApply) {
      this.setStatus(run, 'planned_and_finished');
      this.endPhases(run, 'unreachable');
    } else if (run.savePlan) {
      this.setStatus(run, 'planned_and_saved');
      run.paused = true;
    } else {
      this.enterStage(run, 'planned');
    }
  }

  /**
   * The next stage after `status`, or null when the checks are over.
   * @param {Run} run
   * @param {string} status
   */
  nextStage(run, status) {
    const at = ['planned', 'cost_estimated', 'policy_checked', 'post_plan_completed'].indexOf(
      status
    );
    if (at < 1 && run.costEstimateId) return 'cost_estimating';
    if (at < 2 && run.policyCheckIds.length > 0) return 'policy_checking';
    if (at < 3 && pendingStage(this.store, run, 'post_plan')) return 'post_plan_running';
    return null;
  }

  /**
   * Enters a stage-end status; pauses there if it is the last one and the
   * run needs a human confirmation.
   * @param {Run} run
   * @param {string} status
   */
  enterStage(run, status) {
    this.setStatus(run, status);
    run.paused = !run.planOnly && !run.autoApply && this.nextStage(run, status) === null;
  }

  /**
   * @param {Run} run
   * @param {string} status the stage just completed
   */
  continueAfter(run, status) {
    const next = this.nextStage(run, status);
    if (next === 'cost_estimating') {
      const ce = this.store.costEstimates.get(/** @type {string} */ (run.costEstimateId));
      if (ce) mark(ce, run.targetAddrs.length > 0 ? 'skipped_due_to_targeting' : 'queued');
      this.setStatus(run, next);
    } else if (next === 'policy_checking') {
      for (const id of run.policyCheckIds) {
        const pc = this.store.policyChecks.get(id);
        if (pc) mark(pc, 'queued');
      }
      this.setStatus(run, next);
    } else if (next === 'post_plan_running') {
      this.startTaskStage(run, 'post_plan');
    } else if (run.planOnly) {
      this.setStatus(run, 'planned_and_finished');
      this.endPhases(run, 'unreachable');
    } else {
      this.confirm(run);
    }
  }

  /**
   * Starts the run's task stage `name` if it has one.
   * @param {Run} run
   * @param {import('./task-records.js').StageName} name
   */
  startTaskStage(run, name) {
    const stage = pendingStage(this.store, run, name);
    if (!stage) return false;
    startStage(this.store, stage);
    this.setStatus(run, `${name}_running`);
    return true;
  }

  /**
   * Ends the task stage in progress: the run completes the stage, waits for
   * an override, or fails.
   * @param {Run} run
   */
  finishTaskStage(run) {
    const stage = currentStage(this.store, run);
    if (!stage) return;
    const settled = settleStage(this.store, run, stage);
    if (settled.kind === 'completed') {
      const done = `${stage.stage}_completed`;
      // Post-plan completion may be where an applyable run waits to be confirmed.
      if (stage.stage === 'post_plan' && !run.planOnly) this.enterStage(run, done);
      else this.setStatus(run, done);
    } else if (settled.kind === 'wait') {
      this.setStatus(run, settled.runStatus);
      run.paused = true;
    } else {
      this.setStatus(run, settled.runStatus);
      this.endPhases(run, 'unreachable');
    }
  }

  /** @param {Run} run */
  finishCostEstimate(run) {
    const ce = this.store.costEstimates.get(/** @type {string} */ (run.costEstimateId));
    if (ce) finishCostEstimate(ce, run.plan?.changes.length ?? 0);
    if (run.planOnly) {
      this.setStatus(run, 'cost_estimated');
    } else {
      this.enterStage(run, 'cost_estimated');
    }
  }

  /** @param {Run} run */
  finishPolicyCheck(run) {
    const checks = run.policyCheckIds.flatMap(id => this.store.policyChecks.get(id) ?? []);
    for (const pc of checks) finishPolicyCheck(pc);
    const softFailed = checks.some(pc => pc.status === 'soft_failed');
    if (checks.some(pc => pc.status === 'hard_failed' || pc.status === 'errored')) {
      // A hard-mandatory failure cannot be overridden: the run ends (§10.1).
      this.setStatus(run, 'errored');
      this.endPhases(run, 'unreachable');
    } else if (!softFailed) {
      if (run.planOnly) this.setStatus(run, 'policy_checked');
      else this.enterStage(run, 'policy_checked');
    } else if (run.planOnly) {
      this.setStatus(run, 'policy_soft_failed');
      this.endPhases(run, 'unreachable');
    } else {
      // An applyable run waits for someone to override or discard (§10.1).
      this.setStatus(run, 'policy_override');
      run.paused = true;
    }
  }

  /**
   * @param {Run} run
   * @param {Phase} apply
   */
  stepApplying(run, apply) {
    const result =
      /** @type {import('./plan.js').PlanResult & { outputs: import('./terraform-config.js').OutputBlock[] }} */ (
        run.plan
      );
    if (run.ticks === 1) {
      writeLog(apply, ['', ...result.changes.flatMap(applyChangeLines)]);
      plantLog(apply.log, run.scenario.applyLog);
      return;
    }
    if (run.scenario.applyError) {
      const error = [
        '',
        'Error: creating resource: operation error: api error AccessDenied: not authorized',
        '',
        '  with the first resource in main.tf'
      ];
      this.endPhase(run, apply, error, () => {
        markPhase(apply, 'errored', 'errored-at');
        this.setStatus(run, 'errored');
      });
      return;
    }
    this.endPhase(run, apply, ['', applySummaryLine(result.counts)], () => {
      const ws = /** @type {Workspace} */ (this.store.workspaces.get(run.workspaceId));
      applyPlan(result, ws.state);
      publishOutputs(
        this.store,
        ws,
        run.isDestroy ? [] : (run.scenario.outputs ?? result.outputs),
        run.scenario.outputsPending
      );
      apply.counts = result.counts;
      apply.hasChanges = result.hasChanges;
      markPhase(apply, 'finished', 'finished-at');
      if (!this.startTaskStage(run, 'post_apply')) this.setStatus(run, 'applied');
    });
  }
}
