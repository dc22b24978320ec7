/**
 * Untrusted text (resource addresses, logins, error messages) shown on one line of the log,
 * a refusal message or a warning: it cannot break the line, hide characters or run long.
 */
import { revealInvisible } from './plain-text.js';

// C0 and C1 controls and the Unicode line and paragraph separators: escaped, not dropped, so
// two addresses that differ only there still read differently.
// eslint-disable-next-line no-control-regex
const BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** One line: controls as `\uXXXX`, invisible characters as `<U+XXXX>`, at most `max` characters. */
export function safeLabel(text: string, max = 200): string {
  const escaped = revealInvisible(
    text.replace(BREAKING, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  );
  const chars = [...escaped];
  return chars.length <= max ? escaped : `${chars.slice(0, max - 1).join('')}…`;
}
