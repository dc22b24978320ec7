/**
 * How much of each kind of answer the client reads, and for how long (docs/contract.md,
 * "Untrusted input"): whatever a server sends, memory stays bounded and no answer holds the
 * step. The step's own deadline bounds everything on top of these.
 */

const KiB = 1024;
const MiB = 1024 * KiB;

export interface AnswerLimits {
  /** A JSON:API document: a run with its plan and apply is a few KiB, a list of 20 runs ~100 KiB. */
  readonly documentBytes: number;
  /** The body of an error or another answer the client only reads messages from. */
  readonly errorBytes: number;
  /**
   * The plan's JSON output, read as a stream (memory stays small whatever its size): the
   * contract reads plans up to 100 MB whole; past this the report shows the counts only.
   */
  readonly planJsonBytes: number;
  /** One attempt at an API call, the answer's last byte included (a trickle ends here). */
  readonly documentMs: number;
  /** One attempt at the plan JSON: 128 MiB at 2 MB/s. */
  readonly planJsonMs: number;
  /** One attempt at downloading a configuration version's archive (promotion by copy). */
  readonly archiveMs: number;
  /** One log read of 64 KiB; a slower one fails and is tried again at the next poll. */
  readonly logReadMs: number;
  /** A connection silent this long is given up (the upload's only limit besides the deadline). */
  readonly idleMs: number;
}

export const defaultAnswerLimits: AnswerLimits = {
  documentBytes: 8 * MiB,
  errorBytes: 64 * KiB,
  planJsonBytes: 128 * MiB,
  documentMs: 60_000,
  planJsonMs: 120_000,
  archiveMs: 600_000,
  logReadMs: 5_000,
  idleMs: 30_000
};
