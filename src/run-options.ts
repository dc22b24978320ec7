/**
 * The attributes of the run this step creates (docs/tfe-api-notes.md §6.1), from the
 * inputs. The combinations the API refuses are input rules (src/input-table.ts), checked
 * before any request; this only maps what is left.
 */
import type { Inputs } from './inputs.js';
import type { RunCreateAttributes } from './tfe/types.js';

/** The inputs that shape the run itself. */
export type RunOptions = Pick<
  Inputs,
  | 'message'
  | 'speculative'
  | 'isDestroy'
  | 'refresh'
  | 'refreshOnly'
  | 'savePlan'
  | 'targets'
  | 'replace'
  | 'variables'
  | 'terraformVersion'
>;

/** Only what differs from the API's defaults is sent, so older servers see fewer fields. */
export function runCreateAttributes(options: RunOptions): RunCreateAttributes {
  return {
    message: options.message,
    ...(options.speculative ? { 'plan-only': true } : {}),
    ...(options.isDestroy ? { 'is-destroy': true } : {}),
    ...(options.refresh ? {} : { refresh: false }),
    ...(options.refreshOnly ? { 'refresh-only': true } : {}),
    ...(options.savePlan ? { 'save-plan': true } : {}),
    ...(options.targets.length ? { 'target-addrs': [...options.targets] } : {}),
    ...(options.replace.length ? { 'replace-addrs': [...options.replace] } : {}),
    ...(options.variables.length
      ? { variables: options.variables.map(({ key, value }) => ({ key, value })) }
      : {}),
    ...(options.terraformVersion ? { 'terraform-version': options.terraformVersion } : {})
  };
}
