/** docs/packing-notes.md §4.2–4.5 and §8.3: parsing `.terraformignore` and evaluating rules. */
import { describe, expect, it } from '@jest/globals';
import { defaultRules, parseIgnoreFile, type IgnoreRule } from '../../src/slug/ignore-file.js';
import { Ruleset } from '../../src/slug/ruleset.js';

const parse = (text: string, warnings: string[] = []): IgnoreRule[] =>
  parseIgnoreFile(text, message => warnings.push(message));
const userRules = (text: string): IgnoreRule[] => parse(text).slice(3);
const ruleset = (text: string, warnings: string[] = []): Ruleset =>
  new Ruleset(parse(text, warnings), message => warnings.push(message));
const raw = (value: string, nfc = false): Ruleset =>
  new Ruleset([{ value, negated: false, negationsAfter: false }], undefined, nfc);

describe('reading the file (§4.2)', () => {
  it.each([
    ['baz.txt', '**/baz.txt', false],
    ['/boop.txt', 'boop.txt', false],
    ['terraform.d/', '**/terraform.d/**', false],
    ['!/terraform.d/', 'terraform.d/**', true],
    ['foo/*.md', '**/foo/*.md', false],
    ['**/foo/bar.tf', '**/**/foo/bar.tf', false],
    ['/', '**', false]
  ])('%s becomes %s', (line, value, negated) => {
    expect(userRules(line + '\n')).toEqual([{ value, negated, negationsAfter: false }]);
  });

  it('skips blank lines and comments, keeps \\# as a pattern, trims Go white space', () => {
    const rules = userRules('# comment\n\n  baz.txt \t\n\\#note\n\u00a0x\u0085\n\ufeffbom\n');
    expect(rules.map(rule => rule.value)).toEqual([
      '**/baz.txt',
      '**/\\#note',
      '**/x',
      '**/\ufeffbom'
    ]);
  });

  it('splits like bufio.ScanLines: CRLF, a last line without newline', () => {
    expect(userRules('a\r\nb\r\nc').map(rule => rule.value)).toEqual(['**/a', '**/b', '**/c']);
  });

  it('skips the lines go-slug crashes on, with a warning naming the line', () => {
    const warnings: string[] = [];
    const rules = parse('a\n   \n!\nb\n', warnings).slice(3);
    expect(rules.map(rule => rule.value)).toEqual(['**/a', '**/b']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('line 2');
    expect(warnings[1]).toContain('line 3');
  });

  it('ignores the whole file when a line exceeds 64 KiB, as go-slug does', () => {
    const warnings: string[] = [];
    expect(parse(`a\n${'x'.repeat(70000)}\n`, warnings)).toEqual(defaultRules());
    expect(warnings[0]).toContain('64 KiB');
  });

  it('marks the rules before a negation (with-exclusion fixture)', () => {
    const rules = parse('src/**/*\n# except at one directory\n!src/foo/bar.txt\nlogs/\ntmp/\n');
    expect(rules.map(rule => [rule.value, rule.negated, rule.negationsAfter])).toEqual([
      ['**/.terraform/**', false, true],
      ['**/.terraform/modules/**', true, true],
      ['**/.git/**', false, true],
      ['**/src/**/*', false, true],
      ['**/src/foo/bar.txt', true, false],
      ['**/logs/**', false, false],
      ['**/tmp/**', false, false]
    ]);
  });
});

describe('evaluating rules (§4.3, §4.5, §8.3)', () => {
  const defaults = new Ruleset(defaultRules());
  it.each([
    ['.git/', true, true],
    ['.git', false, false],
    ['.git/config', true, true],
    ['a/.git/x', true, true],
    ['.terraform/', true, false],
    ['.terraform', false, false],
    ['.terraform/modules', true, false],
    ['.terraform/modules/', false, false],
    ['.terraform/modules/x', false, false],
    ['.terraform/plugins/', true, false],
    ['x/.terraform/modules/y', false, false],
    ['terraform.tfstate', false, false]
  ])('defaults: %s → excluded %s, dominating %s', (path, excluded, dominating) => {
    expect(defaults.excludes(path)).toEqual({ excluded, dominating });
  });

  const archiveDir = ruleset(
    '# ignore rules for the archive-dir fixture\n# (comments and a blank line)\n\n' +
      '   baz.txt\nterraform.d/\n!/terraform.d/\n**/foo/bar.tf\nfoo/*.md\n' +
      'bar/something-[a-z].txt\nboop.txt\n!/boop.txt\n'
  );
  it.each([
    ['.terraform/', true],
    ['included.txt', false],
    ['.terraform/foo/bar', true],
    ['.terraform/foo/bar/more/directories/so/many', true],
    ['.terraform/foo/ignored-subdirectory/', true],
    ['baz.txt', true],
    ['parent/foo/baz.txt', true],
    ['parent/foo/bar.tf', true],
    ['parent/bar/bar.tf', false],
    ['something/with-baz.txt', false],
    ['something/baz.x', false],
    ['foo/ignored-doc.md', true],
    ['bar/something-a.txt', true],
    ['some-module/terraform.d/x', true],
    ['terraform.d/', false],
    ['terraform.d/foo', false],
    ['terraform.d', false],
    ['baz/boop.txt', true],
    ['boop.txt', false]
  ])('TestTerraformIgnore: %s → excluded %s, never dominating', (path, excluded) => {
    expect(archiveDir.excludes(path)).toEqual({ excluded, dominating: false });
  });

  const withExclusion = ruleset(
    'src/**/*\n# except at one directory\n!src/foo/bar.txt\nlogs/\ntmp/\n'
  );
  it.each([
    ['logs/', true, true],
    ['tmp/', true, true],
    ['src/baz/ignored', true, false],
    ['src/', true, false],
    ['src', false, false],
    ['src/foo', true, false],
    ['src/foo/bar.txt', false, false]
  ])('with-exclusion: %s → excluded %s, dominating %s', (path, excluded, dominating) => {
    expect(withExclusion.excludes(path)).toEqual({ excluded, dominating });
  });
});

describe('pattern syntax (§4.4)', () => {
  it.each([
    ['\\#foo', '#foo', true],
    ['file\\d.txt', 'file1.txt', true],
    ['file\\d.txt', 'filed.txt', false],
    ['foo\\', 'foo$', true],
    ['foo\\', 'foo$bar', true],
    ['foo\\', 'a/foo$x', true],
    ['foo\\', 'foo', false],
    ['a+b.txt', 'ab.txt', true],
    ['a+b.txt', 'aab.txt', true],
    ['a+b.txt', 'a+b.txt', false],
    ['file(1).txt', 'file1.txt', true],
    ['file(1).txt', 'file(1).txt', false],
    ['a|b', 'a', true],
    ['a|b', 'x/a', true],
    ['a|b', 'x/zzb', true],
    ['a|b', 'c', false],
    ['[a-z].tf', 'q.tf', true],
    ['[a-z].tf', 'Q.tf', false],
    ['[]x].tf', '].tf', true],
    ['[^]x].tf', 'y.tf', true],
    ['[[:digit:]].tf', '7.tf', true],
    ['a{2}.txt', 'aa.txt', true],
    ['a{x}.txt', 'a{x}.txt', true],
    ['a\\sb', 'a b', true],
    ['a\\sb', 'a\u00a0b', false],
    ['test_?.txt', 'test_😀.txt', true],
    ['foo/', 'foo/a\nb', false],
    ['*.tf', 'a/b.tf', true],
    ['/*.tf', 'a/b.tf', false],
    ['x(y.txt', 'x(y.txt', false],
    ['\\q', 'q', false],
    ['a++', 'a', false],
    ['(?=a)a', '(xa', false],
    ['(?=a)a', 'x=aa', true]
  ])('pattern %j on %j → %s', (pattern, path, excluded) => {
    expect(ruleset(pattern + '\n').excludes(path).excluded).toBe(excluded);
  });

  it('warns about rules that never match', () => {
    const warnings: string[] = [];
    ruleset('x(y.txt\nok\n\\q\n', warnings);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('x(y.txt');
    expect(warnings[1]).toContain('\\\\q');
  });

  it('raw rule values match only what they say (TestUnicodeNormalizationPreservesASCII)', () => {
    const paths = [
      'file.txt',
      'test.go',
      'src/app/main.js',
      '.git/config',
      'node_modules/package/index.js',
      'build/output.bin'
    ];
    const matches = (value: string) => paths.filter(path => raw(value).excludes(path).excluded);
    expect(matches('*.txt')).toEqual(['file.txt']);
    expect(matches('test.go')).toEqual(['test.go']);
    expect(matches('src/**/*.js')).toEqual(['src/app/main.js']);
    expect(matches('.git/')).toEqual([]);
    expect(matches('node_modules/')).toEqual([]);
    expect(matches('build/')).toEqual([]);
  });
});

describe('Unicode normalisation (v0.18.3 option; off by default as in v0.16.x)', () => {
  const nfc = (s: string) => s.normalize('NFC');
  const nfd = (s: string) => s.normalize('NFD');
  it.each([
    [nfc('données.txt'), nfd('données.txt'), true],
    [nfd('données.txt'), nfc('données.txt'), true],
    [nfc('config_zürich.json'), nfd('config_zürich.json'), true],
    [nfd('config_zürich.json'), nfc('config_zürich.json'), true],
    ['normal.txt', 'normal.txt', true],
    [nfc('café.txt'), 'cafe.txt', false],
    [nfc('español.txt'), nfd('español.txt'), true],
    [nfd('español.txt'), nfc('español.txt'), true],
    [nfc('résumé.pdf'), nfd('résumé.pdf'), true],
    ['αβγ.txt', 'αβγ.txt', true],
    ['test_😀.txt', 'test_😀.txt', true],
    [nfc('config_café_2024.json'), nfd('config_café_2024.json'), true],
    [nfc('*.café'), nfd('test.café'), true],
    [nfc('café/**'), nfd('café/test.txt'), true]
  ])('**/%s on %s → %s', (pattern, path, match) => {
    expect(raw('**/' + pattern, true).excludes(path).excluded).toBe(match);
    // v0.16.x compares code points as they are.
    expect(raw('**/' + pattern).excludes(path).excluded).toBe(match && pattern === path);
  });

  it.each([
    [nfc('données.txt'), nfd('données.txt'), true],
    [nfd('données.txt'), nfc('données.txt'), true],
    [nfc('*.café'), nfd('test.café'), true],
    [nfc('münchen/'), nfd('münchen/test.txt'), true],
    [`*.txt\n!${nfc('important_données.txt')}`, nfd('important_données.txt'), false]
  ])('file %j on %j → excluded %s', (text, path, excluded) => {
    const rules = new Ruleset(parse(text + '\n'), undefined, true);
    expect(rules.excludes(path).excluded).toBe(excluded);
  });
});
