/**
 * Parsing of `.terraformignore` into rules, line for line as go-slug's `readRules`
 * (internal/ignorefiles/terraformignore.go, v0.16.x) does it.
 */

export interface IgnoreRule {
  /** Pattern after go-slug's rewriting (`foo/` → `**\/foo/**`, `/x` → `x`). */
  readonly value: string;
  /** The line started with `!`: a match re-includes the path. */
  readonly negated: boolean;
  /** A negation follows this rule: an exclusion by it must not skip a whole directory. */
  negationsAfter: boolean;
}

/** go-slug's default rules; always first, whether or not the file exists. */
export function defaultRules(): IgnoreRule[] {
  return [
    { value: '**/.terraform/**', negated: false, negationsAfter: true },
    { value: '**/.terraform/modules/**', negated: true, negationsAfter: false },
    { value: '**/.git/**', negated: false, negationsAfter: false }
  ];
}

// bufio.Scanner's default limit: a longer line makes go-slug drop the whole file.
const MAX_LINE = 64 * 1024;

// Go's unicode.IsSpace, used by strings.TrimSpace. Differs from JS trim(): U+0085 is
// space, U+FEFF (a BOM) is not.
const GO_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/** Splits like bufio.ScanLines: `\n` separated, one trailing `\r` dropped, no empty last line. */
export function scanLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map(line => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/**
 * Rules of a `.terraformignore` file, after the defaults. Lines go-slug would panic on
 * (whitespace only, a lone `!`) are skipped with a warning; a line over 64 KiB makes
 * go-slug ignore the whole file, and so do we (with a warning).
 */
export function parseIgnoreFile(text: string, warn: (message: string) => void): IgnoreRule[] {
  const rules = defaultRules();
  const lines = scanLines(text);
  const tooLong = lines.findIndex(line => Buffer.byteLength(line) >= MAX_LINE);
  if (tooLong >= 0) {
    warn(
      `.terraformignore line ${tooLong + 1} is longer than 64 KiB: the file is ignored ` +
        '(only the default rules apply), as go-slug does'
    );
    return rules;
  }
  lines.forEach((line, index) => {
    if (line.length === 0) return;
    let pattern = line.replace(GO_SPACE, '');
    if (pattern.startsWith('#')) return;
    let negated = false;
    if (pattern.startsWith('!')) {
      negated = true;
      pattern = pattern.slice(1);
    }
    if (pattern.length === 0) {
      // go-slug (every version) panics on these lines; we skip them instead.
      warn(
        `.terraformignore line ${index + 1} (${JSON.stringify(line)}) has no pattern and ` +
          'is skipped (the Terraform CLI would crash on it)'
      );
      return;
    }
    if (negated) {
      for (let i = rules.length - 1; i >= 0 && !rules[i].negationsAfter; i--) {
        rules[i].negationsAfter = true;
      }
    }
    if (pattern.endsWith('/')) pattern += '**';
    pattern = pattern.startsWith('/') ? pattern.slice(1) : '**/' + pattern;
    rules.push({ value: pattern, negated, negationsAfter: false });
  });
  return rules;
}
