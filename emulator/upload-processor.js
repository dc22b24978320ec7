// What happens after `PUT <upload-url>`: one step later the archive is checked
// like go-slug's Unpack would, the CV becomes `uploaded` or `errored`, and with
// `auto-queue-runs` left at its default the upload queues a run by itself.
import { createHash } from 'node:crypto';
import { readArchive, IllegalSlugError } from './archive.js';
import { now } from './store.js';
import { createRunRecord } from './run-records.js';

/**
 * @typedef {import('./store.js').Store} Store
 */

export class UploadProcessor {
  /**
   * @param {Store} store
   * @param {number} stepMs
   */
  constructor(store, stepMs) {
    this.store = store;
    this.stepMs = stepMs;
    /** @type {Set<NodeJS.Timeout>} */
    this.timers = new Set();
  }

  /**
   * Stores the body; a repeated PUT before processing replaces it (the upload is
   * idempotent), a PUT after processing changes nothing.
   * @param {string} cvId
   * @param {Buffer} body
   */
  receive(cvId, body) {
    const cv = this.store.cv(cvId);
    if (!cv || cv.status !== 'pending') return;
    const first = cv.body === null;
    cv.body = body;
    if (!first) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.process(cvId);
    }, this.stepMs);
    this.timers.add(timer);
  }

  /** @param {string} cvId */
  async process(cvId) {
    const cv = this.store.cv(cvId);
    const ws = cv ? this.store.workspaces.get(cv.workspaceId) : undefined;
    if (!cv || !ws || !cv.body) return;
    const scenarioError = ws.scenario.cvError;
    try {
      if (scenarioError) {
        throw new IllegalSlugError(
          typeof scenarioError === 'string'
            ? scenarioError
            : 'failed to process configuration: emulated error'
        );
      }
      const archive = await readArchive(cv.body);
      cv.archive = archive;
      // The raw bytes too: a download or a promotion must serve exactly what was sent.
      const sha256 = createHash('sha256').update(cv.body).digest('hex');
      this.store.uploads.set(cv.id, { ...archive, bytes: cv.body, sha256 });
      cv.status = 'uploaded';
      cv.statusTimestamps['uploaded-at'] = now();
    } catch (err) {
      cv.status = 'errored';
      cv.errorMessage = err instanceof Error ? err.message : String(err);
      cv.statusTimestamps['errored-at'] = now();
      return;
    }
    if (cv.autoQueueRuns && ws.executionMode !== 'local') {
      createRunRecord(
        this.store,
        ws,
        cv,
        { 'plan-only': cv.speculative },
        'tfe-configuration-version'
      );
    }
  }

  stop() {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
