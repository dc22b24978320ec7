/** Which URLs from the server the client follows: https, http only from an http API. */
import { describe, expect, it } from '@jest/globals';
import { blobUrlProblem } from '../../src/tfe/blob-url.js';

const HTTPS_API = 'https://app.terraform.io/api/v2';
const HTTP_API = 'http://127.0.0.1:8080/api/v2';

describe('blobUrlProblem', () => {
  it('allows https everywhere and http from an http API', () => {
    expect(
      blobUrlProblem('https://archivist.terraform.io/v1/object/abc', HTTPS_API)
    ).toBeUndefined();
    expect(blobUrlProblem('https://archivist.example/x', HTTP_API)).toBeUndefined();
    expect(blobUrlProblem('http://127.0.0.2:9000/upload/abc', HTTP_API)).toBeUndefined();
    // Relative to the API (its scheme).
    expect(blobUrlProblem('/_archivist/v1/object/abc', HTTPS_API)).toBeUndefined();
  });

  it('refuses a downgrade to http, naming the host but not the path', () => {
    const problem = blobUrlProblem('http://archivist.terraform.io/v1/object/SECRET', HTTPS_API);
    expect(problem).toMatch(
      /plain http \(host archivist\.terraform\.io\) while the API uses https/
    );
    expect(problem).not.toContain('SECRET');
  });

  it.each([
    'ftp://127.0.0.2:21/upload/SECRET',
    'file:///tmp/SECRET',
    'data:text/plain,SECRET',
    'javascript:SECRET'
  ])('refuses %s', url => {
    const problem = blobUrlProblem(url, HTTP_API);
    expect(problem).toMatch(/is neither https nor http/);
    expect(problem).not.toContain('SECRET');
  });

  it('refuses what is not a URL', () => {
    expect(blobUrlProblem('http://[bad', HTTP_API)).toBe('it is not a valid URL');
  });
});
