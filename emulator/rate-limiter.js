// An optional per-second request budget for the API host, answering like TFC
// (docs/tfe-api-notes.md §3.1): 429 with a float `X-RateLimit-Reset` in seconds.
import { json } from './http-util.js';

export class RateLimiter {
  /** @param {number} limit requests per second */
  constructor(limit) {
    this.limit = limit;
    this.start = 0;
    this.count = 0;
  }

  /**
   * Counts one request; returns the 429 reply when over budget, else null.
   * @returns {import('./http-util.js').Reply | null}
   */
  check() {
    const t = Date.now();
    if (t - this.start >= 1000) {
      this.start = t;
      this.count = 0;
    }
    this.count++;
    if (this.count <= this.limit) return null;
    const reset = ((this.start + 1000 - t) / 1000).toFixed(3);
    return json(
      429,
      {
        errors: [
          {
            detail: "You have exceeded the API's rate limit.",
            status: 429,
            title: 'Too many requests'
          }
        ]
      },
      { 'X-RateLimit-Reset': reset }
    );
  }
}
