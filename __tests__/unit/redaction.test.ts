/** src/redaction.ts: every form of a secret, wherever it sits in a larger text. */
import { describe, expect, it } from '@jest/globals';
import { REDACTED, Redactor, secretForms } from '../../src/redaction.js';

const TOKEN = 'AbCdEf0123.atlasv1.tokenPart_with-Symbols';
const GITHUB = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

describe('Redactor', () => {
  const redactor = new Redactor([TOKEN, GITHUB, '']);

  it.each([
    ['as sent', `Authorization: Bearer ${TOKEN}`],
    ['the GitHub header form', `Authorization: token ${GITHUB}`],
    ['base64 of the token', `token (base64): ${b64(TOKEN)}`],
    ['base64 of the header', `credentials: ${b64(`Bearer ${TOKEN}`)}`],
    ['base64 of basic auth', `basic ${b64(`x-access-token:${GITHUB}`)}`],
    [
      'base64 without padding, URL-safe',
      b64(`Bearer ${TOKEN}`).replace(/=+$/, '').replace(/\+/g, '-')
    ],
    ['URL-encoded', `u=${encodeURIComponent(`Bearer ${TOKEN}`)}`],
    ['JSON-escaped', JSON.stringify({ t: TOKEN })]
  ])('%s', (_name, text) => {
    const out = redactor.redact(text);
    expect(out).toContain(REDACTED);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(GITHUB);
    expect(out).not.toContain(b64(TOKEN).slice(4, 20));
  });

  it('finds the base64 of the token inside any larger encoded text', () => {
    for (let before = 0; before < 7; before++) {
      for (let after = 0; after < 4; after++) {
        const text = Buffer.concat([
          Buffer.alloc(before, 'a'),
          Buffer.from(TOKEN),
          Buffer.alloc(after, 'z')
        ]);
        const encoded = b64(text);
        const out = redactor.redact(`x ${encoded} y`);
        expect([before, after, out.includes(REDACTED)]).toEqual([before, after, true]);
        // At most the 2 bytes that share a base64 group with a neighbour stay readable.
        const left = out
          .replace(/^x | y$/g, '')
          .split(REDACTED)
          .join('');
        expect(left.length).toBeLessThanOrEqual(8 + Math.ceil(((before + after) * 4) / 3) + 4);
      }
    }
  });

  it('redacts well-known token shapes of anyone', () => {
    const other = 'ghp_' + 'A1b2C3d4E5'.repeat(4);
    const tfe = 'Xy12Ab34Cd56Ef.atlasv1.' + 'q'.repeat(60);
    expect(new Redactor().redact(`leaked ${other} and ${tfe}.`)).toBe('leaked *** and ***.');
  });

  it('leaves ordinary text alone', () => {
    const text = 'Plan: 2 to add, 0 to change. Bearer tokens are fine to mention: token ok.';
    expect(redactor.redact(text)).toBe(text);
    expect(new Redactor().redact(text)).toBe(text);
  });

  it('redacts every string of a report, deeply, and leaves the original unchanged', () => {
    const report = Object.freeze({
      error: `said ${TOKEN}`,
      counts: Object.freeze({ additions: 1 }),
      resourceChanges: Object.freeze([Object.freeze({ address: `x["${GITHUB}"]` })]),
      hasChanges: true,
      missing: undefined
    });
    expect(redactor.redactDeep(report)).toEqual({
      error: 'said ***',
      counts: { additions: 1 },
      resourceChanges: [{ address: 'x["***"]' }],
      hasChanges: true,
      missing: undefined
    });
    expect(report.error).toContain(TOKEN);
  });

  it('adds secrets later, and needs none to work', () => {
    const later = new Redactor();
    expect(later.redact(TOKEN)).toBe(TOKEN);
    later.add(TOKEN);
    expect(later.redact(TOKEN)).toBe(REDACTED);
  });
});

describe('secretForms', () => {
  it('lists the raw, URL-encoded and base64 forms, without short base64 runs', () => {
    const forms = secretForms('p@ss/word+1');
    expect(forms).toContain('p@ss/word+1');
    expect(forms).toContain(encodeURIComponent('p@ss/word+1'));
    expect(forms).toContain(b64('Bearer p@ss/word+1'));
    expect(forms.every(form => form.length > 0)).toBe(true);
    expect(secretForms('abc').filter(form => /^[A-Za-z0-9+/_-]{1,7}$/.test(form))).toEqual(['abc']);
  });
});
