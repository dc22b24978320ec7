import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { INPUTS, type InputSpec } from '../src/input-table.js';
import { deriveComment, getInputs, getPostInputs, InputError, type Inputs } from '../src/inputs.js';

const TOKEN = 'tok3n.atlasv1.s3cr3t-value';

let savedEnv: NodeJS.ProcessEnv;
let workspace: string;
let stdout: string;
let realStdoutWrite: typeof process.stdout.write;

/** Sets INPUT_<NAME> as the runner does: upper case, hyphens kept. */
function setInputs(inputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(inputs)) {
    process.env[`INPUT_${name.toUpperCase()}`] = value;
  }
}

/** The inputs every valid invocation needs. */
function setRequired(extra: Record<string, string> = {}): void {
  setInputs({ token: TOKEN, organization: 'acme', workspace: 'infra', ...extra });
}

/** Runs getInputs and returns the InputError it must throw. */
function inputError(): InputError {
  try {
    getInputs();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('getInputs() did not throw');
}

function expectInputError(input: string, pattern: RegExp): InputError {
  const error = inputError();
  expect(error.input).toBe(input);
  expect(error.message).toMatch(pattern);
  expect(error.message).toContain(`"${input}"`);
  expect(error.message).not.toContain(TOKEN);
  return error;
}

beforeEach(() => {
  savedEnv = { ...process.env };
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('INPUT_') || name.startsWith('GITHUB_') || name === 'TF_API_TOKEN') {
      delete process.env[name];
    }
  }
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'inputs-test-'));
  process.env.GITHUB_WORKSPACE = workspace;
  // core.setSecret writes ::add-mask:: to stdout: keep it for assertions, out of the test log.
  stdout = '';
  realStdoutWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array): boolean => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
});

afterEach(() => {
  process.stdout.write = realStdoutWrite;
  for (const name of Object.keys(process.env)) {
    if (!(name in savedEnv)) delete process.env[name];
  }
  Object.assign(process.env, savedEnv);
  fs.rmSync(workspace, { recursive: true, force: true });
});

describe('defaults', () => {
  const expectDefaults = (inputs: Inputs) => {
    const root = fs.realpathSync(workspace);
    expect(inputs).toEqual({
      token: TOKEN,
      baseUrl: 'https://app.terraform.io',
      organization: 'acme',
      workspace: 'infra',
      workspaceIsId: false,
      directory: root,
      workspaceRoot: root,
      speculative: false,
      apply: false,
      isDestroy: false,
      message: 'Triggered by GitHub Actions',
      targets: [],
      replace: [],
      variables: [],
      wait: true,
      timeoutMs: 60 * 60 * 1000,
      cancelOnTimeout: true,
      savePlan: false,
      refresh: true,
      refreshOnly: false,
      terraformVersion: '',
      githubToken: '',
      commentOnPr: true,
      runId: undefined,
      discard: false,
      comment: 'GitHub Actions',
      configurationVersion: undefined,
      requireReviewedPlan: false,
      sensitiveOutputs: false
    });
  };

  it('applies the documented defaults when optional inputs are unset', () => {
    setRequired();
    expectDefaults(getInputs());
  });

  it('applies the same defaults when optional inputs are empty strings', () => {
    setRequired();
    for (const name of [
      'hostname',
      'directory',
      'speculative',
      'apply',
      'is-destroy',
      'message',
      'targets',
      'replace',
      'variables',
      'wait',
      'timeout',
      'cancel-on-timeout',
      'save-plan',
      'refresh',
      'refresh-only',
      'terraform-version',
      'github-token',
      'comment-on-pr',
      'run-id',
      'discard',
      'comment',
      'configuration-version',
      'sensitive-outputs'
    ]) {
      setInputs({ [name]: '' });
    }
    expectDefaults(getInputs());
  });

  it('treats whitespace-only inputs as empty', () => {
    setRequired({ timeout: '  ', wait: ' \n', hostname: ' ' });
    const inputs = getInputs();
    expect(inputs.timeoutMs).toBe(3_600_000);
    expect(inputs.wait).toBe(true);
    expect(inputs.baseUrl).toBe('https://app.terraform.io');
  });

  it('returns a deeply frozen object', () => {
    setRequired({ targets: 'a.b', variables: 'x=1' });
    const inputs = getInputs();
    expect(Object.isFrozen(inputs)).toBe(true);
    expect(Object.isFrozen(inputs.targets)).toBe(true);
    expect(Object.isFrozen(inputs.replace)).toBe(true);
    expect(Object.isFrozen(inputs.variables)).toBe(true);
    expect(Object.isFrozen(inputs.variables[0])).toBe(true);
    expect(() => {
      (inputs as { apply: boolean }).apply = true;
    }).toThrow(TypeError);
    expect(() => (inputs.targets as string[]).push('c.d')).toThrow(TypeError);
    expect(inputs.apply).toBe(false);
  });
});

describe('token', () => {
  it('reads the token input and masks it at once', () => {
    setRequired();
    expect(getInputs().token).toBe(TOKEN);
    expect(stdout).toContain(`::add-mask::${TOKEN}`);
  });

  it('falls back to TF_API_TOKEN and masks it', () => {
    setRequired({ token: '' });
    process.env.TF_API_TOKEN = 'env-token-123';
    expect(getInputs().token).toBe('env-token-123');
    expect(stdout).toContain('::add-mask::env-token-123');
  });

  it('prefers the input over TF_API_TOKEN', () => {
    setRequired();
    process.env.TF_API_TOKEN = 'env-token-123';
    expect(getInputs().token).toBe(TOKEN);
  });

  it('fails naming TF_API_TOKEN when both are missing', () => {
    setRequired({ token: '' });
    expectInputError('token', /TF_API_TOKEN/);
  });

  it('rejects a token with inner whitespace without echoing it, after masking it', () => {
    const broken = 'abc.atlasv1 secretpart';
    setRequired({ token: broken });
    const error = expectInputError('token', /single word/);
    expect(error.message).not.toContain('secretpart');
    expect(stdout).toContain('::add-mask::');
  });
});

describe('hostname', () => {
  it.each([
    ['app.terraform.io', 'https://app.terraform.io'],
    ['tfe.example.com/', 'https://tfe.example.com'],
    ['tfe.example.com:8443', 'https://tfe.example.com:8443'],
    ['TFE.Example.com', 'https://tfe.example.com'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://127.0.0.1:8080///', 'http://127.0.0.1:8080'],
    ['https://tfe.example.com', 'https://tfe.example.com'],
    ['HTTPS://tfe.example.com/api/v2', 'https://tfe.example.com'],
    ['https://tfe.example.com/api/v2/', 'https://tfe.example.com'],
    ['[::1]:9000', 'https://[::1]:9000'],
    ['http://localhost:3000', 'http://localhost:3000']
  ])('%s means %s', (hostname, baseUrl) => {
    setRequired({ hostname });
    expect(getInputs().baseUrl).toBe(baseUrl);
  });

  it.each([
    ['ftp://tfe.example.com', /http and https/],
    ['tfe.example.com/prefix', /without a path/],
    ['https://tfe.example.com/api', /without a path/],
    ['https://tfe.example.com/tfe/api/v2', /without a path/],
    ['tfe example.com', /host name/],
    ['https://tfe.example.com?x=1', /query/],
    ['https://tfe.example.com#top', /fragment/],
    ['tfe.example.com:99999', /host name/],
    ['http://', /host name/],
    ['///', /host name/],
    ['tfe.example.com:', /host name/],
    ['mailto:me@example.com', /.*/]
  ])('rejects %s', (hostname, pattern) => {
    setRequired({ hostname });
    const error = expectInputError('hostname', pattern);
    expect(error.message).toMatch(/app\.terraform\.io/);
  });

  it('rejects credentials in the URL without echoing them', () => {
    setRequired({ hostname: 'https://user:hunter2@tfe.example.com' });
    const error = expectInputError('hostname', /without user or password/);
    expect(error.message).not.toContain('hunter2');
  });

  it('does not echo credentials in other hostname errors either', () => {
    setRequired({ hostname: 'https://user:hunter2@tfe.example.com/some/path' });
    const error = expectInputError('hostname', /.*/);
    expect(error.message).not.toContain('hunter2');
  });
});

describe('workspace and organization', () => {
  it('takes a ws- ID without an organization', () => {
    setRequired({ workspace: 'ws-AbC123', organization: '' });
    const inputs = getInputs();
    expect(inputs.workspace).toBe('ws-AbC123');
    expect(inputs.workspaceIsId).toBe(true);
    expect(inputs.organization).toBeUndefined();
  });

  it('keeps a valid organization given with an ID', () => {
    setRequired({ workspace: 'ws-abc', organization: 'my-org_2' });
    expect(getInputs().organization).toBe('my-org_2');
  });

  it('treats ws-prod-eu as a name, which needs an organization', () => {
    setRequired({ workspace: 'ws-prod-eu', organization: '' });
    expectInputError('organization', /required when "workspace" is a name/);
    setInputs({ organization: 'acme' });
    const inputs = getInputs();
    expect(inputs.workspaceIsId).toBe(false);
    expect(inputs.workspace).toBe('ws-prod-eu');
  });

  it('requires the workspace', () => {
    setRequired({ workspace: '' });
    expectInputError('workspace', /required \(unless "run-id" is given\)/);
  });

  it.each(['my workspace', 'a/b', 'name.with.dots', 'ws-abc/../x'])(
    'rejects the workspace %j',
    name => {
      setRequired({ workspace: name });
      expectInputError('workspace', /letters, digits, - and _/);
    }
  );

  it.each(['acme corp', 'acme/x', '../acme', 'ac%me'])('rejects the organization %j', name => {
    setRequired({ organization: name });
    expectInputError('organization', /letters, digits, - and _/);
  });

  it('validates the organization also when the workspace is an ID', () => {
    setRequired({ workspace: 'ws-abc', organization: 'a b' });
    expectInputError('organization', /letters, digits/);
  });
});

describe('booleans', () => {
  const cases: [string, keyof Inputs][] = [
    ['speculative', 'speculative'],
    ['apply', 'apply'],
    ['is-destroy', 'isDestroy'],
    ['wait', 'wait'],
    ['cancel-on-timeout', 'cancelOnTimeout'],
    ['save-plan', 'savePlan'],
    ['refresh', 'refresh'],
    ['refresh-only', 'refreshOnly'],
    ['comment-on-pr', 'commentOnPr'],
    ['sensitive-outputs', 'sensitiveOutputs']
  ];

  it.each(cases)('%s accepts true/True/TRUE and false/False/FALSE', (name, field) => {
    for (const [value, expected] of [
      ['true', true],
      ['True', true],
      ['TRUE', true],
      ['false', false],
      ['False', false],
      ['FALSE', false]
    ] as const) {
      setRequired({ [name]: value });
      expect(getInputs()[field]).toBe(expected);
    }
  });

  it.each(cases)('%s rejects other words as an InputError', name => {
    setRequired({ [name]: 'yes' });
    expectInputError(name, /must be true or false; got "yes"/);
  });

  it('reads hyphenated names from INPUT_IS-DESTROY', () => {
    setRequired();
    process.env['INPUT_IS-DESTROY'] = 'true';
    expect(getInputs().isDestroy).toBe(true);
  });
});

describe('timeout', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['1h0m15s', 3_615_000],
    ['45m30s', 2_730_000],
    ['120', 120_000],
    ['168h', 604_800_000]
  ])('%s is %d ms', (timeout, ms) => {
    setRequired({ timeout });
    expect(getInputs().timeoutMs).toBe(ms);
  });

  it.each(['abc', '1.5h', '-5m', '30 m', '10d', '30M', 'h', '1m1h', '2h 30m', 's'])(
    'rejects %j',
    timeout => {
      setRequired({ timeout });
      const error = expectInputError('timeout', /duration such as 90s, 30m/);
      expect(error.message).toContain(JSON.stringify(timeout));
    }
  );

  it.each(['0', '0s', '0h0m'])('rejects the zero duration %j', timeout => {
    setRequired({ timeout });
    expectInputError('timeout', /greater than zero/);
  });

  it('rejects durations beyond 168h', () => {
    setRequired({ timeout: '169h' });
    expectInputError('timeout', /at most 168h/);
  });
});

describe('targets and replace', () => {
  it.each(['targets', 'replace'] as const)('%s: one address per line, trimmed', name => {
    setRequired({
      [name]: '  aws_instance.web \r\n\n module.app.aws_s3_bucket.b["a b"]\n\t\naws_x.y[0]\n'
    });
    expect(getInputs()[name]).toEqual([
      'aws_instance.web',
      'module.app.aws_s3_bucket.b["a b"]',
      'aws_x.y[0]'
    ]);
  });

  it('allows an escaped quote inside a quoted key', () => {
    setRequired({ targets: 'aws_x.y["say \\"hi there\\""]' });
    expect(getInputs().targets).toEqual(['aws_x.y["say \\"hi there\\""]']);
  });

  it.each(['targets', 'replace'] as const)('%s rejects an address with a space', name => {
    setRequired({ [name]: 'aws_instance.web\n\naws_instance.a aws_instance.b' });
    expectInputError(name, /line 3 is "aws_instance\.a aws_instance\.b"/);
  });

  it('rejects an unclosed quoted key', () => {
    setRequired({ replace: 'aws_x.y["a b]' });
    expectInputError('replace', /line 1/);
  });
});

describe('variables', () => {
  it('parses key=HCL value lines and keeps the values as written', () => {
    setRequired({
      variables: [
        'replicas=2',
        '',
        '  region = "eu-west-1"  ',
        'zones=["a", "b"]',
        'tags={ env = "prod" }',
        'enabled=true',
        'note=""',
        'eq="a=b"',
        '_private-x=null'
      ].join('\n')
    });
    expect(getInputs().variables).toEqual([
      { key: 'replicas', value: '2' },
      { key: 'region', value: '"eu-west-1"' },
      { key: 'zones', value: '["a", "b"]' },
      { key: 'tags', value: '{ env = "prod" }' },
      { key: 'enabled', value: 'true' },
      { key: 'note', value: '""' },
      { key: 'eq', value: '"a=b"' },
      { key: '_private-x', value: 'null' }
    ]);
  });

  const secret = 'Sup3rS3cretValue';
  it.each([
    ['ok=1\n' + secret, /line 2 has no "="/],
    ['ok=1\n\n9lives="' + secret + '"', /line 3 must start with a variable name/],
    ['bad key="' + secret + '"', /line 1 must start with a variable name/],
    ['=' + secret, /line 1 must start with a variable name/],
    ['empty=', /line 1 \(key "empty"\) must have an HCL value/],
    ['empty=   ', /line 1 \(key "empty"\) must have an HCL value/],
    ['region=' + secret, /line 1 \(key "region"\) must have an HCL literal/],
    ['a="' + secret + '"\nb=1\na=2', /key "a" twice \(lines 1 and 3\)/]
  ])('rejects %j without printing values', (variables, pattern) => {
    setRequired({ variables });
    const error = expectInputError('variables', pattern);
    expect(error.message).not.toContain(secret);
  });
});

describe('message', () => {
  it('uses the input when given', () => {
    setRequired({ message: 'Deploy from release 1.2' });
    process.env.GITHUB_REPOSITORY = 'acme/infra';
    expect(getInputs().message).toBe('Deploy from release 1.2');
  });

  it('derives repository, full SHA, workflow and run number', () => {
    setRequired();
    const sha = '0123456789abcdef0123456789abcdef01234567';
    Object.assign(process.env, {
      GITHUB_REPOSITORY: 'acme/infra',
      GITHUB_SHA: sha,
      GITHUB_WORKFLOW: 'Terraform',
      GITHUB_RUN_NUMBER: '42',
      GITHUB_RUN_ID: '987654321'
    });
    expect(getInputs().message).toBe(
      `Triggered by GitHub Actions: acme/infra @ ${sha} (workflow "Terraform", run 42)`
    );
  });

  it('falls back to the run ID and skips what is missing', () => {
    setRequired();
    Object.assign(process.env, { GITHUB_SHA: 'abc123', GITHUB_RUN_ID: '987' });
    expect(getInputs().message).toBe('Triggered by GitHub Actions: abc123 (run id 987)');
  });

  it('names the workflow alone when nothing else is known', () => {
    setRequired();
    process.env.GITHUB_WORKFLOW = 'Plan';
    expect(getInputs().message).toBe('Triggered by GitHub Actions (workflow "Plan")');
  });
});

describe('terraform-version', () => {
  it.each(['1.9.5', '1.10.0-beta1', '1.6.0-alpha20230719', '0.12.31', '1.11.0-rc.2'])(
    'accepts %s with speculative',
    version => {
      setRequired({ 'terraform-version': version, speculative: 'true' });
      expect(getInputs().terraformVersion).toBe(version);
    }
  );

  it.each(['latest', 'v1.9.5', '1.9', '~> 1.9.0', '1.9.5 x', '1.9.5-', '1.9.5;rm'])(
    'rejects %j',
    version => {
      setRequired({ 'terraform-version': version, speculative: 'true' });
      expectInputError('terraform-version', /exact Terraform version such as 1\.9\.5/);
    }
  );
});

describe('conflicts', () => {
  it.each([
    [{ speculative: 'true', apply: 'true' }, 'apply', ['speculative', 'apply']],
    [{ 'save-plan': 'true', apply: 'true' }, 'save-plan', ['save-plan', 'apply']],
    [{ 'save-plan': 'true', speculative: 'true' }, 'save-plan', ['save-plan', 'speculative']],
    [
      { 'refresh-only': 'true', 'is-destroy': 'true' },
      'refresh-only',
      ['refresh-only', 'is-destroy']
    ],
    [{ 'refresh-only': 'true', refresh: 'false' }, 'refresh-only', ['refresh-only', 'refresh']],
    [{ 'terraform-version': '1.9.5' }, 'terraform-version', ['terraform-version', 'speculative']],
    [
      { 'terraform-version': '1.9.5', speculative: 'false' },
      'terraform-version',
      ['terraform-version', 'speculative']
    ],
    [{ apply: 'true', wait: 'false' }, 'apply', ['apply', 'wait']],
    [
      { 'require-reviewed-plan': 'true' },
      'require-reviewed-plan',
      ['require-reviewed-plan', 'apply']
    ]
  ])('%j is an InputError naming both inputs', (inputs, input, names) => {
    setRequired(inputs);
    const error = expectInputError(input, /.+/);
    for (const name of names) expect(error.message).toContain(`"${name}`);
  });

  it.each<Record<string, string>>([
    { speculative: 'true', 'is-destroy': 'true' },
    { apply: 'true', 'is-destroy': 'true' },
    { 'save-plan': 'true', wait: 'false' },
    { 'refresh-only': 'true', apply: 'true' },
    { speculative: 'true', wait: 'false' }
  ])('%j is allowed', inputs => {
    setRequired(inputs);
    expect(() => getInputs()).not.toThrow();
  });
});

describe('require-reviewed-plan', () => {
  it('is read with apply: true on a push', () => {
    process.env.GITHUB_EVENT_NAME = 'push';
    setRequired({ 'require-reviewed-plan': 'true', apply: 'true' });
    expect(getInputs().requireReviewedPlan).toBe(true);
  });

  it.each(['pull_request', 'pull_request_target'])(
    'is ignored on %s events, where previews are written, without an input error',
    event => {
      process.env.GITHUB_EVENT_NAME = event;
      setRequired({ 'require-reviewed-plan': 'true', speculative: 'true' });
      expect(getInputs().requireReviewedPlan).toBe(false);
      setRequired({ 'require-reviewed-plan': 'true', speculative: 'false', apply: 'true' });
      expect(getInputs().requireReviewedPlan).toBe(false);
    }
  );
});

describe('github-token and comment-on-pr', () => {
  it('reads and masks the GitHub token', () => {
    setRequired({ 'github-token': 'ghs_abcdef123', 'comment-on-pr': 'false' });
    const inputs = getInputs();
    expect(inputs.githubToken).toBe('ghs_abcdef123');
    expect(inputs.commentOnPr).toBe(false);
    expect(stdout).toContain('::add-mask::ghs_abcdef123');
  });
});

describe('directory', () => {
  const mkdir = (...parts: string[]) => {
    const dir = path.join(workspace, ...parts);
    fs.mkdirSync(dir, { recursive: true });
    return fs.realpathSync(dir);
  };

  it('resolves a relative directory to its real absolute path', () => {
    const infra = mkdir('infra', 'prod');
    setRequired({ directory: 'infra/prod/' });
    const inputs = getInputs();
    expect(inputs.directory).toBe(infra);
    expect(inputs.workspaceRoot).toBe(fs.realpathSync(workspace));
  });

  it('accepts an absolute path inside the workspace', () => {
    const infra = mkdir('infra');
    setRequired({ directory: path.join(workspace, 'infra') });
    expect(getInputs().directory).toBe(infra);
  });

  it('accepts ".." that stays inside', () => {
    const b = mkdir('b');
    mkdir('a');
    setRequired({ directory: 'a/../b' });
    expect(getInputs().directory).toBe(b);
  });

  it('follows a symlink that stays inside the workspace', () => {
    const real = mkdir('modules', 'net');
    fs.symlinkSync(real, path.join(workspace, 'net-link'));
    setRequired({ directory: 'net-link' });
    expect(getInputs().directory).toBe(real);
  });

  it('resolves a symlinked GITHUB_WORKSPACE to its real path', () => {
    const real = mkdir('real-root');
    const sub = mkdir('real-root', 'tf');
    const link = path.join(workspace, 'root-link');
    fs.symlinkSync(real, link);
    process.env.GITHUB_WORKSPACE = link;
    setRequired({ directory: path.join(link, 'tf') });
    const inputs = getInputs();
    expect(inputs.workspaceRoot).toBe(real);
    expect(inputs.directory).toBe(sub);
  });

  it('uses the current directory when GITHUB_WORKSPACE is unset', () => {
    delete process.env.GITHUB_WORKSPACE;
    setRequired();
    const inputs = getInputs();
    expect(inputs.workspaceRoot).toBe(fs.realpathSync(process.cwd()));
    expect(inputs.directory).toBe(fs.realpathSync(process.cwd()));
  });

  describe('outside the workspace', () => {
    let outside: string;
    beforeEach(() => {
      outside = fs.mkdtempSync(path.join(os.tmpdir(), 'inputs-outside-'));
    });
    afterEach(() => {
      fs.rmSync(outside, { recursive: true, force: true });
    });

    it('rejects an absolute path outside', () => {
      setRequired({ directory: outside });
      expectInputError('directory', /must stay inside the workspace/);
    });

    it('rejects ".." leaving the workspace', () => {
      setRequired({ directory: `../${path.basename(outside)}` });
      expectInputError('directory', /must stay inside the workspace/);
    });

    it('rejects a symlinked directory whose target leaves the workspace', () => {
      fs.symlinkSync(outside, path.join(workspace, 'escape'));
      setRequired({ directory: 'escape' });
      const error = expectInputError('directory', /symlinks resolved/);
      expect(error.message).toContain(fs.realpathSync(outside));
    });

    it('rejects a path through a symlinked parent that leaves the workspace', () => {
      fs.mkdirSync(path.join(outside, 'sub'));
      fs.symlinkSync(outside, path.join(workspace, 'escape'));
      setRequired({ directory: 'escape/sub' });
      expectInputError('directory', /must stay inside the workspace/);
    });
  });

  it.each(['.git', '.git/refs', 'sub/.git', 'git-link'])('rejects %s, inside .git', dir => {
    mkdir('.git', 'refs');
    mkdir('sub', '.git');
    fs.symlinkSync(path.join(workspace, '.git'), path.join(workspace, 'git-link'));
    setRequired({ directory: dir });
    expectInputError('directory', /\.git directory/);
  });

  it('accepts names that merely contain .git', () => {
    const dir = mkdir('.github', 'x.git');
    setRequired({ directory: '.github/x.git' });
    expect(getInputs().directory).toBe(dir);
  });

  it('rejects a missing directory', () => {
    setRequired({ directory: 'nope' });
    expectInputError('directory', /"nope" does not exist/);
  });

  it('rejects a dangling symlink', () => {
    fs.symlinkSync(path.join(workspace, 'gone'), path.join(workspace, 'dangling'));
    setRequired({ directory: 'dangling' });
    expectInputError('directory', /does not exist/);
  });

  it('rejects a file', () => {
    fs.writeFileSync(path.join(workspace, 'main.tf'), '');
    setRequired({ directory: 'main.tf' });
    expectInputError('directory', /not a file/);
  });

  it('rejects a GITHUB_WORKSPACE that does not exist', () => {
    process.env.GITHUB_WORKSPACE = path.join(workspace, 'missing');
    setRequired();
    expectInputError('directory', /GITHUB_WORKSPACE/);
  });
});

describe('every problem at once', () => {
  it('lists single values, combinations and the directory together, in reading order', () => {
    setRequired({
      organization: '',
      directory: 'does-not-exist',
      timeout: 'soon',
      speculative: 'true',
      apply: 'true'
    });
    const error = inputError();
    expect(error.problems.map(problem => problem.input)).toEqual([
      'organization',
      'apply',
      'timeout',
      'directory'
    ]);
    expect(error.input).toBe('organization');
    for (const line of [
      /"organization" is required when "workspace" is a name/,
      /"speculative" and "apply" cannot both be true/,
      /"timeout" must be a duration/,
      /"does-not-exist" does not exist/
    ]) {
      expect(error.message).toMatch(line);
    }
    expect(error.message.split('\n')).toHaveLength(4);
  });

  it('names the first bad input in reading order', () => {
    setRequired({ token: '', workspace: 'bad name', timeout: 'soon' });
    const error = expectInputError('token', /TF_API_TOKEN/);
    expect(error.problems.map(problem => problem.input)).toEqual(['token', 'workspace', 'timeout']);
  });

  it('checks a combination only when its inputs parsed', () => {
    setRequired({ speculative: 'maybe', apply: 'true' });
    const error = inputError();
    expect(error.problems.map(problem => problem.input)).toEqual(['speculative']);
  });
});

describe('run-id', () => {
  // docs/contract.md, "Existing runs and configuration versions": the inputs that only shape
  // a new run, each with a value other than its default.
  const NEW_RUN_ONLY: Record<string, string> = {
    directory: 'infra',
    speculative: 'true',
    'is-destroy': 'true',
    message: 'hello',
    targets: 'aws_vpc.main',
    replace: 'aws_vpc.main',
    variables: 'x=1',
    'save-plan': 'true',
    refresh: 'false',
    'refresh-only': 'true',
    'terraform-version': '1.9.5',
    'configuration-version': 'cv-abc123'
  };

  it("marks exactly the contract's new-run-only inputs in the table", () => {
    const marked = (Object.keys(INPUTS) as (keyof typeof INPUTS)[]).filter(
      name => (INPUTS[name] as InputSpec<unknown>).newRunOnly === true
    );
    expect(marked.sort()).toEqual(Object.keys(NEW_RUN_ONLY).sort());
  });

  it('needs neither workspace nor organization, and resolves no directory', () => {
    // Nothing is packed: a job without a checkout must work.
    process.env.GITHUB_WORKSPACE = path.join(workspace, 'missing');
    setInputs({ token: TOKEN, 'run-id': 'run-AbC123' });
    const inputs = getInputs();
    expect(inputs.runId).toBe('run-AbC123');
    expect(inputs.workspace).toBe('');
    expect(inputs.organization).toBeUndefined();
    expect(inputs.discard).toBe(false);
  });

  it('takes a workspace name without an organization', () => {
    setInputs({ token: TOKEN, 'run-id': 'run-a1', workspace: 'networking' });
    expect(getInputs().workspace).toBe('networking');
  });

  it.each(Object.entries(NEW_RUN_ONLY))('refuses %s with run-id', (name, value) => {
    setRequired({ 'run-id': 'run-a1', [name]: value });
    const error = expectInputError(name, /cannot be used with "run-id"/);
    expect(error.problems).toHaveLength(name === 'terraform-version' ? 2 : 1);
  });

  it('lists every new-run-only input at once', () => {
    setRequired({ 'run-id': 'run-a1', speculative: 'true', targets: 'a.b', refresh: 'false' });
    expect(inputError().problems.map(problem => problem.input)).toEqual([
      'speculative',
      'targets',
      'refresh'
    ]);
  });

  it('accepts those inputs at their defaults, however spelled', () => {
    setRequired({
      'run-id': 'run-a1',
      directory: './',
      speculative: 'False',
      refresh: 'TRUE',
      'save-plan': 'false',
      targets: '\n  \n'
    });
    expect(getInputs().runId).toBe('run-a1');
  });

  it.each(['run_abc', 'abc', 'run-', 'run-a b', 'run-abc/../x', 'ws-abc'])(
    'rejects the run ID %j',
    value => {
      setRequired({ 'run-id': value });
      expectInputError('run-id', /must be a run ID such as run-/);
    }
  );
});

describe('discard', () => {
  it('works with run-id', () => {
    setRequired({ 'run-id': 'run-a1', discard: 'true' });
    expect(getInputs().discard).toBe(true);
  });

  it('needs run-id', () => {
    setRequired({ discard: 'true' });
    expectInputError('discard', /needs "run-id"/);
  });

  it('refuses apply', () => {
    setRequired({ 'run-id': 'run-a1', discard: 'true', apply: 'true' });
    const error = expectInputError('discard', /"discard" and "apply" cannot both be true/);
    expect(error.problems).toHaveLength(1);
  });
});

describe('configuration-version', () => {
  it('takes a cv- ID and resolves no directory', () => {
    process.env.GITHUB_WORKSPACE = path.join(workspace, 'missing');
    setRequired({ 'configuration-version': 'cv-Zx9' });
    const inputs = getInputs();
    expect(inputs.configurationVersion).toBe('cv-Zx9');
    expect(inputs.runId).toBeUndefined();
  });

  it.each(['infra', './infra/', '..'])('refuses the directory %j', directory => {
    setRequired({ 'configuration-version': 'cv-Zx9', directory });
    expectInputError('configuration-version', /"directory" other than "\."/);
  });

  it.each(['.', './', './/'])('accepts the directory %j (the default)', directory => {
    setRequired({ 'configuration-version': 'cv-Zx9', directory });
    expect(getInputs().configurationVersion).toBe('cv-Zx9');
  });

  it.each(['cv_1', 'run-abc', 'cv-', 'cv-a/b'])('rejects the ID %j', value => {
    setRequired({ 'configuration-version': value });
    expectInputError('configuration-version', /must be a configuration version ID/);
  });
});

describe('comment', () => {
  it('uses the input when given', () => {
    setRequired({ comment: 'Approved by the release board' });
    expect(getInputs().comment).toBe('Approved by the release board');
  });

  it('derives repository, workflow, run number, attempt, actor and the run link', () => {
    setRequired();
    Object.assign(process.env, {
      GITHUB_REPOSITORY: 'acme/infra',
      GITHUB_WORKFLOW: 'Deploy',
      GITHUB_RUN_NUMBER: '42',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_ACTOR: 'octocat',
      GITHUB_RUN_ID: '9001',
      GITHUB_SERVER_URL: 'https://github.example.com/'
    });
    expect(getInputs().comment).toBe(
      'GitHub Actions: acme/infra, workflow "Deploy", run 42 (attempt 2), actor octocat (https://github.example.com/acme/infra/actions/runs/9001)'
    );
  });

  it('leaves out a first attempt and what is unknown', () => {
    expect(deriveComment({ GITHUB_RUN_NUMBER: '7', GITHUB_RUN_ATTEMPT: '1' })).toBe(
      'GitHub Actions: run 7'
    );
    expect(deriveComment({ GITHUB_REPOSITORY: 'a/b', GITHUB_RUN_ID: '5' })).toBe(
      'GitHub Actions: a/b (https://github.com/a/b/actions/runs/5)'
    );
  });

  it('reaches the post step, which reads it alone', () => {
    setInputs({ token: TOKEN, comment: 'stop it', speculative: 'nonsense' });
    expect(getPostInputs().comment).toBe('stop it');
  });
});
