/**
 * A scripted TfeApi for the driver's decisions where an emulator round trip adds nothing:
 * each getRun answers the next scripted run (the last one repeats), and every call is kept.
 * With a clock, the run and its logs can follow the clock instead (`runAt`, `logAt`), and
 * `timeline` keeps when each run and log read came.
 */
import type { PlanJsonResult, RunActionName, TfeApi } from '../../src/tfe/api.js';
import type {
  ConfigurationVersionAttributes,
  Document,
  PhaseAttributes,
  PolicyCheckAttributes,
  Resource,
  RunAttributes,
  RunCreateAttributes,
  WorkspaceAttributes
} from '../../src/tfe/types.js';

export interface ScriptedRun {
  readonly run: RunAttributes;
  readonly plan?: PhaseAttributes;
  readonly apply?: PhaseAttributes;
}

export interface FakeHooks {
  readonly onUpload?: () => void;
  /** The time `timeline`, `runAt` and `logAt` go by. */
  readonly clock?: { now(): number };
  /** The run at this time, instead of the script. */
  readonly runAt?: (now: number) => ScriptedRun;
  /** The whole log at `url` as written by this time (the fake serves the asked slice). */
  readonly logAt?: (url: string, now: number) => Buffer;
}

export class FakeApi implements TfeApi {
  readonly calls: string[] = [];
  /** Run and log reads with their times (with a clock only). */
  readonly timeline: { readonly at: number; readonly call: string }[] = [];
  private step = 0;

  constructor(
    private readonly script: readonly ScriptedRun[],
    private readonly hooks: FakeHooks = {}
  ) {}

  /** When the run was read, in the clock's time. */
  runReads(): number[] {
    return this.timeline.filter(entry => entry.call.startsWith('get run')).map(e => e.at);
  }

  getWorkspaceByName(organization: string, name: string): Promise<Resource<WorkspaceAttributes>> {
    this.calls.push(`workspace ${organization}/${name}`);
    return Promise.resolve({
      id: 'ws-fake',
      type: 'workspaces',
      attributes: { name },
      relationships: { organization: { data: { id: organization, type: 'organizations' } } }
    });
  }

  getWorkspaceById(id: string): Promise<Resource<WorkspaceAttributes>> {
    return this.getWorkspaceByName('acme', id);
  }

  createConfigurationVersion(): Promise<Resource<ConfigurationVersionAttributes>> {
    this.calls.push('create cv');
    return Promise.resolve({
      id: 'cv-fake',
      type: 'configuration-versions',
      attributes: { status: 'pending', 'upload-url': 'https://blob.invalid/upload' }
    });
  }

  getConfigurationVersion(id: string): Promise<Resource<ConfigurationVersionAttributes>> {
    return Promise.resolve({
      id,
      type: 'configuration-versions',
      attributes: { status: 'uploaded' }
    });
  }

  listConfigurationVersions(): Promise<readonly Resource<ConfigurationVersionAttributes>[]> {
    return Promise.resolve([]);
  }

  uploadArchive(): Promise<void> {
    this.calls.push('upload');
    this.hooks.onUpload?.();
    return Promise.resolve();
  }

  downloadConfigurationVersion(id: string): Promise<{ size: number; sha256: string }> {
    this.calls.push(`download ${id}`);
    return Promise.reject(new Error('the fake API has no archives'));
  }

  createRun(
    _ws: string,
    _cv: string,
    attributes: RunCreateAttributes
  ): Promise<Resource<RunAttributes>> {
    this.calls.push(`create run ${JSON.stringify(attributes)}`);
    return Promise.resolve(this.resource());
  }

  getRun(): Promise<Document<RunAttributes>> {
    const now = this.hooks.clock?.now();
    const scripted =
      this.hooks.runAt && now !== undefined
        ? this.hooks.runAt(now)
        : this.script[Math.min(this.step, this.script.length - 1)];
    this.step++;
    this.calls.push(`get run ${scripted.run.status}`);
    if (now !== undefined) this.timeline.push({ at: now, call: `get run ${scripted.run.status}` });
    const included: Resource<Record<string, unknown>>[] = [];
    if (scripted.plan)
      included.push({ id: 'plan-fake', type: 'plans', attributes: { ...scripted.plan } });
    if (scripted.apply)
      included.push({ id: 'apply-fake', type: 'applies', attributes: { ...scripted.apply } });
    return Promise.resolve({ data: this.resource(scripted.run), included });
  }

  listRuns(): Promise<readonly Resource<RunAttributes>[]> {
    return Promise.resolve([]);
  }

  runAction(id: string, action: RunActionName): Promise<boolean> {
    this.calls.push(`action ${action}`);
    const now = this.hooks.clock?.now();
    if (now !== undefined) this.timeline.push({ at: now, call: `action ${action}` });
    return Promise.resolve(true);
  }

  getPlan(id: string): Promise<Resource<PhaseAttributes>> {
    return Promise.resolve({ id, type: 'plans', attributes: {} });
  }

  getApply(id: string): Promise<Resource<PhaseAttributes>> {
    return Promise.resolve({ id, type: 'applies', attributes: {} });
  }

  getPlanJson<T>(): Promise<PlanJsonResult<T>> {
    return Promise.resolve({ available: false, status: 404 });
  }

  readLogChunk(url: string, offset: number, limit: number): Promise<Buffer> {
    const now = this.hooks.clock?.now();
    if (now === undefined || !this.hooks.logAt) return Promise.resolve(Buffer.alloc(0));
    this.timeline.push({ at: now, call: `log ${url} ${offset}` });
    return Promise.resolve(this.hooks.logAt(url, now).subarray(offset, offset + limit));
  }

  listPolicyChecks(): Promise<readonly Resource<PolicyCheckAttributes>[]> {
    return Promise.resolve([]);
  }

  private resource(attributes: RunAttributes = { status: 'pending' }): Resource<RunAttributes> {
    return {
      id: 'run-fake',
      type: 'runs',
      attributes,
      relationships: {
        plan: { data: { id: 'plan-fake', type: 'plans' } },
        apply: { data: { id: 'apply-fake', type: 'applies' } }
      }
    };
  }
}
