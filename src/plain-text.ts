/**
 * What untrusted text keeps when it is shown to people, in the log or in markdown: no
 * terminal escapes or control characters, and no character that changes how text looks
 * without showing itself: bidirectional controls (U+202E makes `txt.exe` read `exe.txt`) and
 * zero-width or blank format characters (two addresses that look alike but differ).
 */

// CSI/OSC escape sequences: Terraform colours its logs unless told otherwise.
// Matching control characters is the point of these two patterns.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;
// C0 controls other than tab and newline, DEL, and C1 controls (U+0085 is white space to
// the runner, which trims it before looking for a command).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

// Bidi marks, embeddings, overrides and isolates; zero-width space, joiners, word joiner,
// invisible operators, BOM; soft hyphen, grapheme joiner, Hangul and Khmer fillers,
// Mongolian vowel separator, deprecated format controls, interlinear annotations, and the
// tag characters that can smuggle ASCII unseen. Combining marks stand alone, outside the
// class, where each is matched by itself.
const INVISIBLE =
  /\u034f|\u17b4|\u17b5|[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;

/** Line breaks as `\n` (a lone `\r` too), without colour codes or control characters. */
export function stripControls(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(ANSI, '').replace(CONTROL, '');
}

/** Replaces each invisible character with its code, e.g. `<U+202E>`. */
export function revealInvisible(text: string): string {
  return text.replace(INVISIBLE, char => {
    const code = char.codePointAt(0) ?? 0;
    return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
  });
}
