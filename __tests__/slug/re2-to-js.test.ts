/**
 * RE2's accept/reject decisions and semantics, reproduced in JS (docs/packing-notes.md §4.4). Expected
 * values were checked against Go's regexp package.
 */
import { describe, expect, it } from '@jest/globals';
import { compileRe2 } from '../../src/slug/re2-to-js.js';

const test = (source: string, subject: string): boolean | string => {
  const result = compileRe2(source);
  return result.kind === 'ok' ? result.regex.test(subject) : result.kind;
};

describe('RE2 → JS', () => {
  it.each([
    ['^a(?=b)', 'ab', 'invalid'],
    ['^a(?!b)', 'ac', 'invalid'],
    ['^(?<=a)b', 'ab', 'invalid'],
    ['^\\q$', 'q', 'invalid'],
    ['^\\8$', '8', 'invalid'],
    ['^\\1$', '1', 'invalid'],
    ['^\\C$', 'C', 'invalid'],
    ['^a{1001}$', 'a', 'invalid'],
    ['^a{3,2}$', 'a', 'invalid'],
    ['^[z-a]$', 'a', 'invalid'],
    ['^[a$', 'a', 'invalid'],
    ['^[[:nope:]]$', 'a', 'invalid'],
    ['^a)$', 'a', 'invalid'],
    ['^(a$', 'a', 'invalid'],
    ['^*a$', 'a', true],
    ['^a**$', 'a', 'invalid'],
    ['^a*?$', 'aa', true],
    ['^\\x41\\x{42}$', 'AB', true],
    ['^\\101\\0$', 'A\0', true],
    ['^\\12$', '\n', true],
    ['^\\a$', '\x07', true],
    ['^\\Qa.b\\E$', 'a.b', true],
    ['^\\Qa.b\\E$', 'axb', false],
    ['\\Aab\\z', 'ab', true],
    ['^\\pL+$', 'éa', true],
    ['^\\p{Greek}$', 'α', true],
    ['^\\PL$', '1', true],
    ['^[\\d_]+$', '1_2', true],
    ['^[^\\S]$', ' ', true],
    ['^[[:^alpha:]]$', '1', true],
    ['^[[:^alpha:]]$', 'a', false],
    ['^[a-]$', '-', true],
    ['^a{,2}$', 'a{,2}', true],
    ['^a}$', 'a}', true],
    ['^a]$', 'a]', true],
    ['^(?P<n>a)(?:b)$', 'ab', true],
    ['^\\#\\-\\_$', '#-_', true],
    ['^.$', '\r', true],
    ['^.$', '\n', false],
    ['^\\w$', 'é', false],
    ['^\\bx$', 'x', true],
    ['^[a-b-c]$', '-', true],
    ['^\\z*$', '', true],
    ['^a|*$', 'a', 'invalid'],
    ['^(*a)$', 'a', 'invalid'],
    ['^[]x]$', ']', true],
    ['^[^]x]$', 'y', true]
  ])('%j on %j → %s', (source, subject, expected) => {
    expect(test(source, subject)).toBe(expected);
  });
});
