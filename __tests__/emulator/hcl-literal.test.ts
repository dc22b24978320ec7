import { describe, expect, it } from '@jest/globals';
import { parseLiteral, typeOf } from '../../emulator/hcl-literal.js';
import { readConfig } from '../../emulator/terraform-config.js';

describe('HCL literals', () => {
  it('reads scalars with their Terraform types', () => {
    expect(parseLiteral('"a \\"b\\" \\u00e9\\n"')).toMatchObject({
      value: 'a "b" é\n',
      type: 'string'
    });
    expect(parseLiteral('-1.5e3')).toMatchObject({ value: -1500, type: 'number' });
    expect(parseLiteral('false')).toMatchObject({ value: false, type: 'bool' });
    expect(parseLiteral('null')).toMatchObject({ value: null, type: 'dynamic' });
    expect(parseLiteral('"$${literal} %%{x}"')?.value).toBe('${literal} %{x}');
  });

  it('reads nested tuples and objects across lines and comments', () => {
    const parsed = parseLiteral(`{
      name = "web" # the name
      "ports": [80, 443], // both
      tags = { env = "prod", /* inline */ on = true }
      nothing = null
    }`);
    expect(parsed?.value).toEqual({
      name: 'web',
      ports: [80, 443],
      tags: { env: 'prod', on: true },
      nothing: null
    });
    expect(parsed?.type).toEqual([
      'object',
      {
        name: 'string',
        ports: ['tuple', ['number', 'number']],
        tags: ['object', { env: 'string', on: 'bool' }],
        nothing: 'dynamic'
      }
    ]);
  });

  it('refuses what needs evaluating', () => {
    for (const expr of [
      'var.name',
      'aws_vpc.main.id',
      '"${var.x}"',
      'upper("a")',
      '[1, local.x]',
      'true.x',
      '"unterminated',
      '"\\q"'
    ]) {
      expect(parseLiteral(expr)).toBeUndefined();
    }
  });

  it('keeps a hostile key a plain key', () => {
    const parsed = parseLiteral('{ "__proto__" = "x", constructor = 1 }');
    const value = parsed?.value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('types JSON values as Terraform would type the same literal', () => {
    expect(typeOf({ a: [1, 'x'], b: null })).toEqual([
      'object',
      { a: ['tuple', ['number', 'string']], b: 'dynamic' }
    ]);
  });

  it('gives outputs of every type from output blocks', () => {
    const cfg = readConfig(
      new Map([
        [
          'outputs.tf',
          `output "s" {
  value = "text"
}
output "n" { value = 42 }
output "b" {
  value = true
}
output "l" {
  value = [
    "a",
    "b",
  ]
}
output "m" {
  value = {
    region = "eu"
    zones  = ["a", "b"]
  }
  sensitive = true
}
output "z" {
  value = null
}
output "ref" {
  value = aws_vpc.main.id
}
`
        ]
      ]),
      null
    );
    expect(cfg.outputs).toEqual([
      { name: 's', value: 'text', type: 'string', sensitive: false },
      { name: 'n', value: 42, type: 'number', sensitive: false },
      { name: 'b', value: true, type: 'bool', sensitive: false },
      { name: 'l', value: ['a', 'b'], type: ['tuple', ['string', 'string']], sensitive: false },
      {
        name: 'm',
        value: { region: 'eu', zones: ['a', 'b'] },
        type: ['object', { region: 'string', zones: ['tuple', ['string', 'string']] }],
        sensitive: true
      },
      { name: 'z', value: null, type: 'dynamic', sensitive: false },
      { name: 'ref', value: 'aws_vpc.main.id', type: 'string', sensitive: false }
    ]);
  });
});
