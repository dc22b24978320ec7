/**
 * The plan and apply logs of the run the driver follows: printed as they grow, read between
 * run reads while their phase is queued or runs, and finished once the phase is over. When
 * to read what is decided in poll-schedule.ts; this file only reads and waits.
 */
import {
  type PollPolicy,
  type RunReads,
  afterEndMarker,
  followedPhase,
  logReadDelay,
  nextRunReadAt,
  runLook
} from './poll-schedule.js';
import type { Clock } from './retry.js';
import { PhaseLog } from './run-log.js';
import { isFinalPhase, phaseStatusMeaning, runStatusMeaning } from './run-status.js';
import type { StepBudget } from './step-budget.js';
import type { TfeApi } from './tfe/api.js';
import type { PhaseAttributes, Resource } from './tfe/types.js';

export type Phase = Resource<PhaseAttributes> | undefined;
type PhaseName = 'plan' | 'apply';

const TITLES: Record<PhaseName, string> = { plan: 'Plan', apply: 'Apply' };

/** The log of the phase that runs now or comes next, read between run reads. */
interface OpenLog {
  readonly log: PhaseLog;
  readonly url: string;
  readonly title: string;
}

export class RunLogs {
  private readonly logs: Record<PhaseName, PhaseLog>;
  private phases: Record<PhaseName, Phase> = { plan: undefined, apply: undefined };
  private open: OpenLog | undefined;

  constructor(
    api: Pick<TfeApi, 'readLogChunk'>,
    debug: (line: string) => void,
    private readonly clock: Clock,
    private readonly policy: PollPolicy,
    /** The step's time: waits end at its deadline, and with its signal after the wait. */
    private readonly budget: StepBudget,
    /** The job's cancellation. */
    private readonly signal: AbortSignal
  ) {
    this.logs = { plan: new PhaseLog(api, debug), apply: new PhaseLog(api, debug) };
  }

  /**
   * The run was just read (`status`, with its plan and apply): prints what the logs of
   * running or finished phases added, and picks the log to follow until the next read.
   */
  async afterRunRead(status: string, plan: Phase, apply: Phase): Promise<void> {
    this.phases = { plan, apply };
    await this.stream('plan');
    if (phaseStatusMeaning(apply?.attributes?.status).started) await this.stream('apply');
    this.open = this.toFollow(status);
  }

  /** The run was confirmed: its apply log is the one to follow now. */
  confirmed(): void {
    this.open = this.toFollow('confirmed');
  }

  /** The last lines the phase printed, for the report of an errored run. */
  lastLines(phase: PhaseName): string {
    return this.logs[phase].lastLines();
  }

  /**
   * A few quick reads per finished phase: the end marker usually comes right after. A phase
   * that never ran (no log URL, `unreachable`, or nothing to read once it is over) is not
   * waited for, and there is no wait after the last read.
   */
  async finish(...names: PhaseName[]): Promise<void> {
    for (const name of names) {
      const phase = this.phases[name];
      const phaseLog = this.logs[name];
      if (!phase) continue;
      const status = phase.attributes?.status;
      if (!phase.attributes?.['log-read-url'] || status === 'unreachable') continue;
      for (let i = 0; !phaseLog.done && isFinalPhase(status); i++) {
        await this.stream(name);
        if (phaseLog.done || i === 2 || (phaseLog.bytesRead === 0 && status !== 'finished')) {
          break;
        }
        await this.clock.sleep(200, this.budget.signal);
      }
      phaseLog.flush();
    }
  }

  /**
   * Waits until the run may be read again, reading the followed log meanwhile: new bytes
   * print at once, and an end marker brings the next run read forward (as far as the bucket
   * of run reads allows, so a log that prints ETX bytes cannot raise the rate).
   */
  async untilNextRead(reads: RunReads): Promise<RunReads> {
    const open = this.open;
    let emptyReads = 0;
    for (;;) {
      const look = runLook(open?.log);
      const due = nextRunReadAt(reads, look, this.policy);
      const now = this.clock.now();
      if (now >= due) return reads;
      const left = this.budget.deadline - now;
      if (left <= 0) throw this.budget.expired();
      const following = (look === 'following' || look === 'starting') && open !== undefined;
      const logWait = following
        ? logReadDelay(emptyReads, open.log.bytesRead > 0, this.policy)
        : due - now;
      await this.clock.sleep(Math.min(logWait, due - now, left), this.signal);
      if (!following || this.clock.now() >= due) continue;
      const before = open.log.bytesRead;
      // The phase may be queued still: its log starts when it runs, and ends before it does.
      await open.log.pump(open.url, `${open.title} log:`, false);
      if (open.log.bytesRead === before) {
        emptyReads++;
      } else {
        emptyReads = 0;
        if (open.log.endMarkerSeen) reads = afterEndMarker(reads);
      }
    }
  }

  private async stream(name: PhaseName): Promise<void> {
    const phase = this.phases[name];
    const phaseLog = this.logs[name];
    const url = phase?.attributes?.['log-read-url'];
    const status = phase?.attributes?.status;
    if (!url || phaseLog.done || status === 'unreachable') return;
    if (status !== 'running' && !isFinalPhase(status)) return;
    await phaseLog.pump(url, `${TITLES[name]} log:`, isFinalPhase(status));
  }

  /** The log to follow between run reads (see followedPhase), when it can be read. */
  private toFollow(status: string): OpenLog | undefined {
    const meaning = runStatusMeaning(status);
    const phaseMeaning = (phase: Phase) =>
      phase ? phaseStatusMeaning(phase.attributes?.status) : undefined;
    const which = followedPhase(
      {
        settled: meaning.settled !== undefined,
        pause: meaning.pause !== undefined,
        applying: meaning.applying === true
      },
      phaseMeaning(this.phases.plan),
      phaseMeaning(this.phases.apply)
    );
    if (!which) return undefined;
    const phaseLog = this.logs[which];
    const url = this.phases[which]?.attributes?.['log-read-url'];
    return url && !phaseLog.done ? { log: phaseLog, url, title: TITLES[which] } : undefined;
  }
}
