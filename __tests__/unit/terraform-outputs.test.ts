/** Which Terraform outputs become step outputs, what is masked first, and how types read. */
import { describe, expect, it } from '@jest/globals';
import { maskTexts, outputText, terraformStepOutputs } from '../../src/report/outputs.js';
import { terraformTypeText } from '../../src/run-results/terraform-type.js';
import type { TerraformOutput } from '../../src/run-results/types.js';

let ids = 0;
const plain = (name: string, value: unknown): TerraformOutput => ({
  id: `wsout-${++ids}`,
  name,
  sensitive: false,
  type: 'string',
  value
});
const secret = (name: string): TerraformOutput => ({
  id: `wsout-${++ids}`,
  name,
  sensitive: true,
  type: 'string'
});

describe('terraformStepOutputs', () => {
  it('sets strings as they are and every other value as JSON', () => {
    const step = terraformStepOutputs(
      [
        plain('s', 'text'),
        plain('n', 1.5),
        plain('b', false),
        plain('l', [1, 'a']),
        plain('o', { k: null }),
        plain('z', null),
        plain('e', '')
      ],
      new Map()
    );
    expect(step.single).toEqual([
      ['s', 'text'],
      ['n', '1.5'],
      ['b', 'false'],
      ['l', '[1,"a"]'],
      ['o', '{"k":null}'],
      ['z', 'null'],
      ['e', '']
    ]);
    expect(JSON.parse(step.json)).toEqual({
      s: 'text',
      n: 1.5,
      b: false,
      l: [1, 'a'],
      o: { k: null },
      z: null,
      e: ''
    });
    expect(step.masks).toEqual([]);
    expect(step.warnings).toEqual([]);
  });

  it('leaves out sensitive outputs whose value was not read, and masks those that were', () => {
    const hidden = secret('password');
    const shown = secret('key');
    const step = terraformStepOutputs([hidden, shown], new Map([[shown.id, 'line1\nline2']]));
    expect(step.single).toEqual([['key', 'line1\nline2']]);
    expect(JSON.parse(step.json)).toEqual({ key: 'line1\nline2' });
    expect(step.masks).toEqual(
      expect.arrayContaining(['line1\nline2', 'line1', 'line2', 'line1\\nline2'])
    );
  });

  it('keeps names that clash, are invalid or differ only in case out of single outputs', () => {
    const step = terraformStepOutputs(
      [
        plain('run-id', 'x'),
        plain('Policy-Result', 'x'),
        plain('outputs', 'x'),
        plain('has space', 'x'),
        plain('1st', 'x'),
        plain('ok_name-2', 'x'),
        plain('Dup', 1),
        plain('dup', 2),
        plain('__proto__', 'p')
      ],
      new Map()
    );
    expect(step.single).toEqual([
      ['ok_name-2', 'x'],
      ['__proto__', 'p']
    ]);
    const json = JSON.parse(step.json) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'run-id',
      'Policy-Result',
      'outputs',
      'has space',
      '1st',
      'ok_name-2',
      'Dup',
      'dup',
      '__proto__'
    ]);
    expect(Object.getOwnPropertyDescriptor(json, '__proto__')?.value).toBe('p');
    expect(step.warnings).toEqual([
      expect.stringMatching(
        /^3 Terraform outputs "run-id", "Policy-Result", "outputs" have the name of one of this action's own outputs: only in the "outputs" output/
      ),
      expect.stringMatching(
        /^2 Terraform outputs "has space", "1st" have a name that is not a valid step output name/
      ),
      expect.stringMatching(
        /^2 Terraform outputs "Dup", "dup" have a name that differs from another only in case/
      )
    ]);
  });

  it('takes the first of two outputs with the same name', () => {
    const step = terraformStepOutputs([plain('a', 1), plain('a', 2)], new Map());
    expect(step.single).toEqual([['a', '1']]);
    expect(step.json).toBe('{"a":1}');
  });

  it('quotes names in warnings so the runner cannot read a command in them', () => {
    const names = [
      'x\n::error::pwned',
      '##[add-mask]x',
      'bidi\u202etxt',
      `1${'y'.repeat(500)}`,
      'a b',
      'c d'
    ];
    const step = terraformStepOutputs(
      names.map(name => plain(name, 'v')),
      new Map()
    );
    const [warning] = step.warnings;
    expect(warning).toContain('"x\\n::error::pwned"');
    expect(warning).toContain('"#\\u0023[add-mask]x"');
    expect(warning).toContain('"bidi\\u202etxt"');
    expect(warning).toContain('and 1 more');
    expect(warning).toMatch(/^6 Terraform outputs /);
    expect(warning).not.toMatch(/[\n\r\u202e]|##\[/);
    expect(warning?.length).toBeLessThan(800);
  });
});

describe('maskTexts', () => {
  it('masks a string, each of its lines (trimmed too) and its JSON-escaped form', () => {
    expect(maskTexts('  a "quoted"\r\n\n  b  ')).toEqual([
      '  a "quoted"\r\n\n  b  ',
      '  a "quoted"',
      'a "quoted"',
      '  b  ',
      'b',
      '  a \\"quoted\\"\\r\\n\\n  b  '
    ]);
  });

  it('masks other values as their JSON text, and never an empty text', () => {
    expect(maskTexts({ password: 'x', port: 1 })).toEqual(['{"password":"x","port":1}']);
    expect(maskTexts(42)).toEqual(['42']);
    expect(maskTexts('')).toEqual([]);
    expect(maskTexts(' \n ')).toEqual([]);
    expect(outputText(undefined)).toBe('null');
  });
});

describe('terraformTypeText', () => {
  it('writes detailed types as a configuration does', () => {
    expect(terraformTypeText('string', 'string', 'x')).toBe('string');
    expect(terraformTypeText(['list', 'string'], 'array', [])).toBe('list(string)');
    expect(terraformTypeText(['map', ['set', 'number']], 'object', {})).toBe('map(set(number))');
    expect(terraformTypeText(['tuple', ['string', 'bool']], 'array', [])).toBe(
      'tuple([string, bool])'
    );
    expect(
      terraformTypeText(['object', { a: 'string', b: ['list', 'number'] }], 'object', {})
    ).toBe('object({ a = string, b = list(number) })');
    expect(terraformTypeText(['object', {}], 'object', {})).toBe('object({})');
  });

  it('falls back to the coarse type, then to the value, and stays short', () => {
    expect(terraformTypeText(undefined, 'array', [])).toBe('array');
    expect(terraformTypeText(42, undefined, true)).toBe('bool');
    expect(terraformTypeText(null, '', null)).toBe('dynamic');
    const wide = Object.fromEntries(
      Array.from({ length: 1_000 }, (_, i) => [`field_${i}`, 'string'])
    );
    expect(terraformTypeText(['object', wide], 'object', {}).length).toBeLessThanOrEqual(220);
    let deep: unknown = 'string';
    for (let i = 0; i < 10_000; i++) deep = ['list', deep];
    expect(terraformTypeText(deep, 'array', []).length).toBeLessThanOrEqual(220);
  });
});
