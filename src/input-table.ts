/**
 * Every input of the action, declared once: its default (exactly as action.yml has it), its
 * kind and its parser; then the rules between inputs. getInputs() reads this table, and the
 * tests check action.yml and the README against it. Adding an input is one entry here, one
 * in action.yml and one row in the README (the tests say when one is missing).
 */
import {
  InputError,
  checkToken,
  type InputProblem,
  type RunVariable,
  WORKSPACE_ID_PATTERN,
  parseAddresses,
  parseBoolean,
  parseConfigurationVersionId,
  parseDirectory,
  parseDuration,
  parseHostname,
  parseOrganization,
  parseRunId,
  parseTerraformVersion,
  parseVariables,
  parseWorkspace
} from './input-parsers.js';

export type InputKind = 'boolean' | 'text' | 'lines' | 'secret' | 'duration';

export interface InputSpec<T> {
  /** The default exactly as action.yml declares it ('' when it declares none). */
  readonly default: string;
  /**
   * What an empty value means when the runner did not evaluate the default (tests, the
   * demo): the default itself, unless it is an expression only the runner can evaluate.
   */
  readonly emptyMeans?: string;
  readonly kind: InputKind;
  /** action.yml's `required: true`. */
  readonly required?: boolean;
  /** Turns the raw value (empty already replaced) into the typed value, or throws InputError. */
  readonly parse: (raw: string, name: string) => T;
  /**
   * The input shapes a run the action creates: with `run-id` (an existing run) a value
   * other than the default is an input error.
   */
  readonly newRunOnly?: boolean;
}

const boolean = (value: 'true' | 'false'): InputSpec<boolean> => ({
  default: value,
  kind: 'boolean',
  parse: parseBoolean
});
const text = (value: string): InputSpec<string> => ({
  default: value,
  kind: 'text',
  parse: raw => raw
});
const checked = <T>(value: string, parse: (raw: string, name: string) => T): InputSpec<T> => ({
  default: value,
  kind: 'text',
  parse
});
const lines = <T>(parse: (raw: string, name: string) => T): InputSpec<T> => ({
  default: '',
  kind: 'lines',
  parse
});
const newRun = <T>(spec: InputSpec<T>): InputSpec<T> => ({ ...spec, newRunOnly: true });

export const INPUTS = {
  // getInputs reads TF_API_TOKEN when the input is empty, and masks the value first.
  token: { default: '', kind: 'secret', parse: checkToken },
  hostname: checked('app.terraform.io', parseHostname),
  organization: checked('', parseOrganization),
  workspace: checked('', parseWorkspace),
  directory: newRun(checked('.', parseDirectory)),
  speculative: newRun(boolean('false')),
  apply: boolean('false'),
  'is-destroy': newRun(boolean('false')),
  message: newRun(text('')),
  targets: newRun(lines(parseAddresses)),
  replace: newRun(lines(parseAddresses)),
  variables: newRun(lines<RunVariable[]>(parseVariables)),
  wait: boolean('true'),
  timeout: { default: '60m', kind: 'duration', parse: parseDuration },
  'cancel-on-timeout': boolean('true'),
  'save-plan': newRun(boolean('false')),
  refresh: newRun(boolean('true')),
  'refresh-only': newRun(boolean('false')),
  'terraform-version': newRun(checked('', parseTerraformVersion)),
  'github-token': {
    default: '${{ github.token }}',
    emptyMeans: '',
    kind: 'secret',
    parse: (raw: string) => raw
  },
  'comment-on-pr': boolean('true'),
  'run-id': checked('', parseRunId),
  discard: boolean('false'),
  comment: text(''),
  'configuration-version': newRun(checked('', parseConfigurationVersionId)),
  // inputs.ts reads it as false on pull request events, where the action writes previews.
  'require-reviewed-plan': boolean('false'),
  'sensitive-outputs': boolean('false')
} as const satisfies Record<string, InputSpec<unknown>>;

export type InputName = keyof typeof INPUTS;

/** Every input's parsed value, by its action.yml name. */
export type InputValues = {
  readonly [K in InputName]: ReturnType<(typeof INPUTS)[K]['parse']>;
};

/** The names of the boolean inputs, derived from the table. */
export const BOOLEAN_INPUTS = (Object.keys(INPUTS) as InputName[]).filter(
  name => INPUTS[name].kind === 'boolean'
);

/** A rule between inputs: `broken` says when the combination is refused, `message` why. */
export interface InputRule {
  /** The input the error names first. */
  readonly input: InputName;
  /** Every input the rule reads: it is checked only when all of them parsed. */
  readonly reads: readonly InputName[];
  readonly broken: (values: InputValues) => boolean;
  readonly message: string;
}

/** What an input's value is when it is left out. */
function defaultValue(name: InputName): unknown {
  const spec: InputSpec<unknown> = INPUTS[name];
  return spec.parse(spec.emptyMeans ?? spec.default, name);
}

/** True when the input was given a value that differs from leaving it out. */
function differsFromDefault(name: InputName, value: unknown): boolean {
  return JSON.stringify(value) !== JSON.stringify(defaultValue(name));
}

/** With `run-id` nothing is created: every input that shapes a new run is refused. */
const NEW_RUN_ONLY_RULES: readonly InputRule[] = (Object.keys(INPUTS) as InputName[])
  .filter(name => (INPUTS[name] as InputSpec<unknown>).newRunOnly === true)
  .map(name => ({
    input: name,
    reads: ['run-id', name],
    broken: v => v['run-id'] !== '' && differsFromDefault(name, v[name]),
    message: `Input "${name}" cannot be used with "run-id": it shapes a new run, and with run-id the action acts on an existing run (nothing is packed, uploaded or created). Leave "${name}" out.`
  }));

/** Combinations the API rejects, or that the action could not carry out. */
export const INPUT_RULES: readonly InputRule[] = [
  {
    input: 'workspace',
    reads: ['workspace', 'run-id'],
    broken: v => v.workspace === '' && v['run-id'] === '',
    message:
      'Input "workspace" is required (unless "run-id" is given): a workspace name (letters, digits, - and _) or a workspace ID such as ws-abc123.'
  },
  {
    input: 'organization',
    reads: ['organization', 'workspace', 'run-id'],
    broken: v =>
      v.organization === '' &&
      v.workspace !== '' &&
      !isWorkspaceId(v.workspace) &&
      v['run-id'] === '',
    message:
      'Input "organization" is required when "workspace" is a name (it may be omitted only with a workspace ID such as ws-abc123, or with "run-id").'
  },
  {
    input: 'apply',
    reads: ['speculative', 'apply'],
    broken: v => v.speculative && v.apply,
    message:
      'Inputs "speculative" and "apply" cannot both be true: a speculative plan can never be applied.'
  },
  {
    input: 'save-plan',
    reads: ['save-plan', 'apply'],
    broken: v => v['save-plan'] && v.apply,
    message:
      'Inputs "save-plan" and "apply" cannot both be true: a saved plan is applied later from the UI or API.'
  },
  {
    input: 'save-plan',
    reads: ['save-plan', 'speculative'],
    broken: v => v['save-plan'] && v.speculative,
    message:
      'Inputs "save-plan" and "speculative" cannot both be true: choose a saved plan or a speculative plan.'
  },
  {
    input: 'refresh-only',
    reads: ['refresh-only', 'is-destroy'],
    broken: v => v['refresh-only'] && v['is-destroy'],
    message:
      'Inputs "refresh-only" and "is-destroy" cannot both be true: a refresh-only run changes no resources.'
  },
  {
    input: 'refresh-only',
    reads: ['refresh-only', 'refresh'],
    broken: v => v['refresh-only'] && !v.refresh,
    message:
      'Input "refresh-only" cannot be true while "refresh" is false: a refresh-only run without a refresh does nothing.'
  },
  {
    input: 'terraform-version',
    reads: ['terraform-version', 'speculative'],
    broken: v => v['terraform-version'] !== '' && !v.speculative,
    message:
      'Input "terraform-version" needs "speculative: true": the API accepts a Terraform version only on speculative (plan-only) runs.'
  },
  {
    input: 'require-reviewed-plan',
    reads: ['require-reviewed-plan', 'apply'],
    broken: v => v['require-reviewed-plan'] && !v.apply,
    message:
      'Input "require-reviewed-plan" needs "apply: true": it decides whether the action may confirm an apply (on pull request events it is ignored).'
  },
  {
    input: 'apply',
    reads: ['apply', 'wait'],
    broken: v => v.apply && !v.wait,
    message:
      'Input "apply" cannot be true while "wait" is false: the action must wait for the plan before it can confirm the apply.'
  },
  ...NEW_RUN_ONLY_RULES,
  {
    input: 'discard',
    reads: ['discard', 'run-id'],
    broken: v => v.discard && v['run-id'] === '',
    message:
      'Input "discard" needs "run-id": it discards an existing run (e.g. the run-id output of the plan job).'
  },
  {
    input: 'discard',
    reads: ['discard', 'apply'],
    broken: v => v.discard && v.apply,
    message: 'Inputs "discard" and "apply" cannot both be true: choose one.'
  },
  {
    input: 'configuration-version',
    reads: ['configuration-version', 'directory'],
    broken: v => v['configuration-version'] !== '' && differsFromDefault('directory', v.directory),
    message:
      'Input "configuration-version" cannot be used with a "directory" other than ".": the run uses that configuration version, and nothing is packed. Leave "directory" out.'
  }
];

export function isWorkspaceId(workspace: string): boolean {
  return WORKSPACE_ID_PATTERN.test(workspace);
}

/**
 * Reads and parses `names` (all inputs by default) with `read` (core.getInput), then checks
 * the rules whose inputs all parsed. Returns the values and every problem found, in
 * reading order: one run of the step shows all that is wrong.
 */
export function readInputTable(
  read: (name: string) => string,
  names: readonly InputName[] = Object.keys(INPUTS) as InputName[]
): { values: Partial<InputValues>; problems: InputProblem[] } {
  const values: Record<string, unknown> = {};
  const problems: InputProblem[] = [];
  for (const name of names) {
    const spec: InputSpec<unknown> = INPUTS[name];
    const raw = read(name) || (spec.emptyMeans ?? spec.default);
    try {
      values[name] = spec.parse(raw, name);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
    }
  }
  for (const rule of INPUT_RULES) {
    if (!rule.reads.every(name => name in values)) continue;
    if (rule.broken(values as InputValues)) {
      problems.push({ input: rule.input, message: rule.message });
    }
  }
  // Reading order of the table, whatever found the problem: the first one is named first.
  const order = Object.keys(INPUTS);
  problems.sort((a, b) => order.indexOf(a.input) - order.indexOf(b.input));
  return { values: values, problems };
}
