/**
 * Small GitHub-flavoured markdown helpers: escaping untrusted text (addresses, API
 * messages, logs) so it can neither break the layout, ping people, nor look like other text.
 */
import { revealInvisible, stripControls } from '../plain-text.js';

/** UTF-8 size: GitHub counts comment characters, the summary in bytes; bytes bound both. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Removes colour codes and control characters (keeps newlines and tabs), and shows
 * invisible characters by their code, so an address cannot pass for another.
 */
export function cleanText(text: string): string {
  return revealInvisible(stripControls(text));
}

/** One line of text, markdown-escaped; `@name` gets a zero-width space so nobody is pinged. */
export function escapeInline(text: string): string {
  return (
    cleanText(text)
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/[\\`*_[\]<>|~&#]/g, c => `\\${c}`)
      // At the start of a list item, `- x`, `+ x` or `1. x` would open a nested list.
      .replace(/^([-+])(?=\s|$)/, '\\$1')
      .replace(/^(\d+)([.)])(?=\s|$)/, '$1\\$2')
      .replace(/@(?=\w)/g, '@\u200b')
  );
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/** A code span that survives backticks in the text (a fence one longer than any run). */
export function codeSpan(text: string): string {
  const line = cleanText(text).replace(/\s*\n\s*/g, ' ');
  const fence = '`'.repeat(longestBacktickRun(line) + 1);
  // CommonMark strips one space on each side, which lets a span start or end with a backtick.
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

/** A fenced code block whose fence cannot be closed by the text inside. */
export function codeBlock(text: string, language = 'text'): string {
  const body = cleanText(text).replace(/\n+$/, '');
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
  return `${fence}${language}\n${body}\n${fence}`;
}

/** A link only for http(s) URLs; anything else is shown as code rather than trusted. */
export function link(label: string, url: string | undefined): string {
  if (url === undefined || !/^https?:\/\//i.test(url)) return label;
  const safe = url.replace(/[\s()<>]/g, c => encodeURIComponent(c));
  return `[${label}](${safe})`;
}

/** Cuts text to at most `max` UTF-8 bytes at a code point boundary. */
export function cutToBytes(text: string, max: number): string {
  if (byteLength(text) <= max) return text;
  let size = 0;
  let out = '';
  for (const char of text) {
    const charSize = byteLength(char);
    if (size + charSize > max) break;
    size += charSize;
    out += char;
  }
  return out;
}

/** The last lines of a text that fit in `max` bytes (whole lines only). */
export function tailLines(text: string, max: number): { text: string; lines: number } {
  const lines = cleanText(text).replace(/\n+$/, '').split('\n');
  const kept: string[] = [];
  let size = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    const lineSize = byteLength(line) + 1;
    if (size + lineSize > max) break;
    size += lineSize;
    kept.push(line);
  }
  kept.reverse();
  return { text: kept.join('\n'), lines: kept.length };
}

/** A pipe ends a table cell even inside a code span, so escape it for the table parser. */
export function tableCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
