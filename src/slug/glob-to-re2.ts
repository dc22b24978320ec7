/**
 * go-slug's translation of a rule value into a regular expression (RE2 syntax), character
 * by character as `rule.compile` does. Only `*`, `?`, `.`, `$` and `\` are special; every
 * other character, `[`, `(`, `+`, `|` included, is passed to the regex engine verbatim.
 */
export function globToRe2(value: string): string {
  const chars = Array.from(value);
  let out = '^';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '*') {
      if (chars[i + 1] === '*') {
        i++;
        if (chars[i + 1] === '/') i++; // `**/` is read as `**`
        out += i + 1 >= chars.length ? '.*' : '(.*/)?';
      } else {
        out += '[^/]*';
      }
    } else if (ch === '?') {
      out += '[^/]';
    } else if (ch === '.' || ch === '$') {
      out += '\\' + ch;
    } else if (ch === '\\') {
      // A trailing lone `\` stays and escapes the closing `$` (an upstream quirk).
      out += i + 1 < chars.length ? '\\' + chars[++i] : '\\';
    } else {
      out += ch;
    }
  }
  return out + '$';
}
