/**
 * Which URLs handed out by the server the client follows (upload, log, plan JSON): https,
 * or http only when the API itself is http (a local server). An http URL from an https API
 * would send the archive, or read logs and plans, unencrypted; other schemes are never
 * fetched. A refusal names the scheme and host, never the path, where the secret lives.
 */

/** Why `raw` (absolute, or relative to the API) must not be fetched; undefined when it may. */
export function blobUrlProblem(raw: string, apiBase: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw, apiBase);
  } catch {
    return 'it is not a valid URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    if (new URL(apiBase).protocol === 'http:') return undefined;
    return `it uses plain http (host ${url.host}) while the API uses https, so the transfer could be read and changed on the way`;
  }
  return `its scheme ${url.protocol.replace(/:$/, '')} is neither https nor http`;
}
