/**
 * Untrusted text (resource addresses, logins, error messages) shown on one line of the log,
 * a refusal message or a warning: escaped so it cannot break lines, hide text or run long.
 */

// Control, bidi and line-separating characters: matching control characters is the point.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** Shows untrusted text on one line: control, bidi and line-breaking characters escaped. */
export function safeLabel(text: string, max = 200): string {
  const escaped = text.replace(UNSAFE, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const chars = [...escaped];
  return chars.length <= max ? escaped : `${chars.slice(0, max - 1).join('')}…`;
}
