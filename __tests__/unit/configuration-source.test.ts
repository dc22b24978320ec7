/** configuration-version: which configuration versions start a run, and when to copy. */
import { describe, expect, it } from '@jest/globals';
import {
  copyReason,
  refusesForeignConfiguration,
  sourceRefusal
} from '../../src/configuration-source.js';
import { TfeApiError, TfeNetworkError } from '../../src/tfe/errors.js';

describe('sourceRefusal', () => {
  it.each<[string, Record<string, string | null>, RegExp | undefined]>([
    ['uploaded', {}, undefined],
    ['pending', {}, /cv-a is pending, not uploaded: nothing was uploaded to it yet/],
    [
      'archived',
      {},
      /archived, not uploaded: its files were archived .* upload the configuration anew/
    ],
    [
      'errored',
      { 'error-message': 'bad gzip' },
      /errored, not uploaded: its upload could not be processed: bad gzip/
    ],
    ['errored', {}, /its upload could not be processed\. Only/],
    ['backing_data_soft_deleted', {}, /its data was deleted/],
    ['brand_new', {}, /cv-a is brand_new, not uploaded\. Only an uploaded/]
  ])('%s %j', (status, extra, expected) => {
    const refusal = sourceRefusal('cv-a', { status, ...extra });
    if (expected) expect(refusal).toMatch(expected);
    else expect(refusal).toBeUndefined();
  });

  it('refuses a configuration version without a status', () => {
    expect(sourceRefusal('cv-a', {})).toMatch(/is unknown, not uploaded/);
  });
});

describe('copyReason', () => {
  it('copies a speculative configuration version for an applicable run only', () => {
    expect(copyReason({ speculative: true }, { speculative: false })).toMatch(
      /could never be applied/
    );
    expect(copyReason({ speculative: true }, { speculative: true })).toBeUndefined();
    expect(copyReason({ speculative: false }, { speculative: false })).toBeUndefined();
    expect(copyReason({}, { speculative: false })).toBeUndefined();
  });
});

describe('refusesForeignConfiguration', () => {
  it('is a 404 or a 422 answer, nothing else', () => {
    const answer = (status: number) => new TfeApiError('POST', '/runs', status, []);
    expect(refusesForeignConfiguration(answer(404))).toBe(true);
    expect(refusesForeignConfiguration(answer(422))).toBe(true);
    for (const status of [400, 401, 403, 409, 429, 500, 503]) {
      expect(refusesForeignConfiguration(answer(status))).toBe(false);
    }
    expect(
      refusesForeignConfiguration(new TfeNetworkError('POST', '/runs', 'ECONNRESET', null))
    ).toBe(false);
    expect(refusesForeignConfiguration(new Error('422'))).toBe(false);
  });
});
