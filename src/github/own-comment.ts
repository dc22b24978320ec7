/**
 * Finds the action's own comment on an issue or pull request: the newest comment that starts
 * with the marker AND was written by the action's identity. A comment anyone else wrote is
 * skipped whatever it says (contract.md, "Untrusted input").
 *
 * GitHub lists comments oldest first, 100 a page at most, with no filter by author. The
 * first page is read first (a preview comment is usually written at the first push), then
 * the newest pages backwards from the `last` page of the `Link` header, so a comment
 * written after thousands of others is found in two requests. Only page numbers are taken
 * from the header, never its URLs.
 */
import type { GitHubClient } from './client.js';
import { safeLabel } from '../safe-label.js';
import { type CommentAuthor, type OwnIdentity, isOwnAuthor } from './identity.js';

export interface IssueTarget {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
}

export interface OwnComment {
  readonly id: number;
  readonly body: string;
}

export interface CommentScan {
  /** Our comment, when found. */
  readonly comment?: OwnComment;
  /** Pages read (one request each). */
  readonly pagesRead: number;
  /** Pages the issue has (from the first page's `Link: rel="last"`). */
  readonly pagesTotal: number;
  /** Authors of other comments that carry the marker: never edited, never trusted. */
  readonly impostors: readonly string[];
}

export interface ScanOptions {
  readonly marker: string;
  readonly identity: OwnIdentity;
  readonly signal: AbortSignal;
  /** The most pages read (requests made); the first and the newest ones are read first. */
  readonly maxPages?: number;
}

export const PER_PAGE = 100;
/** 300 requests: the first 100 and the newest 29,900 comments of any pull request. */
export const MAX_PAGES = 300;

interface ListedComment {
  readonly id: number;
  readonly body?: string | null;
  readonly user?: CommentAuthor | null;
}

/** "alice, bob and 3 more": the authors of impostor comments, bounded for a log line. */
export function authorsText(logins: readonly string[], max = 5): string {
  const shown = logins.slice(0, max).map(login => safeLabel(login, 60));
  const more = logins.length > shown.length ? ` and ${logins.length - shown.length} more` : '';
  return `${shown.join(', ')}${more}`;
}

/** The page number of `rel="last"` in a `Link` header; 1 when there is none. */
export function lastPageOf(link: string | undefined): number {
  for (const part of (link ?? '').split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="last"/.exec(part);
    if (!match) continue;
    const page = /[?&]page=(\d{1,9})(?:&|$)/.exec(match[1] ?? '')?.[1];
    if (page !== undefined && Number(page) >= 1) return Number(page);
  }
  return 1;
}

/** The order pages are read in: 1, then last, last-1, …, 2; at most `max` of them. */
export function pageOrder(last: number, max: number): number[] {
  const order = [1];
  for (let page = last; page >= 2 && order.length < max; page--) order.push(page);
  return order;
}

export async function findOwnComment(
  client: GitHubClient,
  target: IssueTarget,
  options: ScanOptions
): Promise<CommentScan> {
  const maxPages = Math.max(1, options.maxPages ?? MAX_PAGES);
  const impostors = new Set<string>();
  const read = async (page: number) => {
    const answer = await client.rest.issues.listComments({
      owner: target.owner,
      repo: target.repo,
      issue_number: target.number,
      per_page: PER_PAGE,
      page,
      request: { signal: options.signal }
    });
    return { comments: answer.data as ListedComment[], link: answer.headers.link };
  };
  const ours = (comments: readonly ListedComment[]): OwnComment | undefined => {
    let found: OwnComment | undefined;
    for (const comment of comments) {
      const body = comment.body ?? '';
      // Only a comment that starts with the marker is one of ours: a quote elsewhere is not.
      if (!body.trimStart().startsWith(options.marker)) continue;
      if (isOwnAuthor(comment.user, options.identity)) found = { id: comment.id, body };
      else impostors.add(comment.user?.login ?? 'a deleted account');
    }
    return found;
  };

  const first = await read(1);
  const pagesTotal = lastPageOf(first.link);
  let comment = ours(first.comments);
  const order = pageOrder(pagesTotal, maxPages);
  let pagesRead = 1;
  for (const page of order.slice(1)) {
    if (comment !== undefined) break;
    comment = ours((await read(page)).comments);
    pagesRead++;
  }
  return { comment, pagesRead, pagesTotal, impostors: [...impostors] };
}
