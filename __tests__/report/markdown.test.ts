/** src/report/markdown.ts: untrusted text shows what it is, not what it pretends to be. */
import { describe, expect, it } from '@jest/globals';
import {
  cleanText,
  codeBlock,
  codeSpan,
  escapeInline,
  tailLines
} from '../../src/report/markdown.js';
import { COMMENT_MAX_LENGTH, renderReport } from '../../src/report/render.js';
import { speculativeReport } from './fixtures.js';

/** Bidi controls and zero-width or blank format characters. */
const HIDDEN =
  /\u034f|[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\u{e0000}-\u{e007f}]/u;

describe('invisible characters in untrusted text', () => {
  it.each([
    ['a right-to-left override', 'invoice\u202efdp.exe', 'invoice<U+202E>fdp.exe'],
    ['isolates', 'a\u2066b\u2069c', 'a<U+2066>b<U+2069>c'],
    ['a zero-width space and joiner', 'web\u200b\u200d', 'web<U+200B><U+200D>'],
    ['a BOM and a soft hyphen', '\ufeffad\u00admin', '<U+FEFF>ad<U+00AD>min'],
    ['tag characters', 'ok\u{e0041}\u{e0042}', 'ok<U+E0041><U+E0042>'],
    ['C1 controls are removed', 'a\u0085b\u009bc', 'abc']
  ])('%s', (_name, text, shown) => {
    expect(cleanText(text)).toBe(shown);
    expect(codeSpan(text)).toBe(`\`${shown}\``);
    expect(codeBlock(text)).toBe(`\`\`\`text\n${shown}\n\`\`\``);
    expect(tailLines(text, 100).text).toBe(shown);
    expect(HIDDEN.test(escapeInline(text))).toBe(false);
  });

  it('keeps ordinary non-ASCII text as it is', () => {
    const text = 'aws_s3_bucket.données["Zürich-東京"] — ok ✓';
    expect(cleanText(text)).toBe(text);
  });

  it('shows them escaped in inline text, where a hidden one cannot make a mention either', () => {
    expect(escapeInline('@\u200bowner')).toBe('@\\<U+200B\\>owner');
    expect(escapeInline('@owner')).toBe('@\u200bowner');
  });

  it('no field of a rendered report carries a hidden character', () => {
    const trick = 'x\u202e\u200by';
    const markdown = renderReport(
      speculativeReport({
        organization: `acme${trick}`,
        workspaceName: `prod${trick}`,
        headline: `Plan finished${trick}`,
        outcome: 'failure',
        error: `error${trick}`,
        logTail: `line${trick}`,
        policies: [
          {
            kind: 'sentinel',
            name: `policy${trick}`,
            enforcement: 'soft-mandatory',
            result: 'soft-failed'
          }
        ],
        resourceChangesUnavailable: `reason${trick}`,
        resourceChanges: [
          { address: `a.b${trick}`, action: 'move', previousAddress: `a.c${trick}` },
          { address: `a.d${trick}`, action: 'replace', deposed: `dep${trick}` }
        ]
      }),
      { maxLength: COMMENT_MAX_LENGTH, context: { footer: `footer${trick}` } }
    );
    expect(HIDDEN.test(markdown)).toBe(false);
    // Every field shows the codes, escaped where the text is inline markdown.
    expect(markdown.match(/x\\?<U\+202E\\?>\\?<U\+200B\\?>y/g)).toHaveLength(12);
  });
});
