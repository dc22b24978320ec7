/**
 * Translates a regular expression in Go's RE2 syntax (what go-slug builds from a
 * `.terraformignore` pattern) into an equivalent JavaScript RegExp with the `u` flag, so
 * matching is by code point as in Go. RE2 accepts and rejects different things than JS:
 * `\q` and lookarounds are errors in RE2 (the rule then never matches, as in go-slug),
 * `[]a]` is a class with `]`, a `{` that is no repeat is a literal, `\s` is ASCII only.
 */

export type Re2Result =
  | { readonly kind: 'ok'; readonly regex: RegExp }
  /** RE2 rejects the expression: go-slug's rule never matches. */
  | { readonly kind: 'invalid'; readonly reason: string }
  /** Valid RE2 this translator does not reproduce (inline flags, rare classes). */
  | { readonly kind: 'unsupported'; readonly reason: string };

class Re2Error extends Error {}
class Unsupported extends Error {}

type Range = [number, number];
const MAX_CP = 0x10ffff;

const PERL: Record<string, Range[]> = {
  d: [[0x30, 0x39]],
  s: [
    [0x09, 0x0a],
    [0x0c, 0x0d],
    [0x20, 0x20]
  ],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a]
  ]
};

const POSIX: Record<string, Range[]> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a]
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a]
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20]
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f]
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e]
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20]
  ],
  upper: [[0x41, 0x5a]],
  word: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a]
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66]
  ]
};

function complement(ranges: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

const cp = (c: number): string => `\\u{${c.toString(16)}}`;
const rangesSource = (ranges: Range[]): string =>
  ranges.map(([lo, hi]) => (lo === hi ? cp(lo) : `${cp(lo)}-${cp(hi)}`)).join('');

const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';
const isAlnum = (c: string): boolean => /^[0-9A-Za-z]$/.test(c);

/** Parses RE2 `\`-escapes of single characters (after the `\`); returns [code point, next index]. */
function parseEscapeChar(s: string[], i: number): [number, number] {
  const c = s[i];
  if (c === undefined) throw new Re2Error('trailing backslash');
  const code = c.codePointAt(0) ?? 0;
  if (code < 0x80 && !isAlnum(c)) return [code, i + 1];
  if ((c >= '1' && c <= '7' && isOctal(s[i + 1])) || c === '0') {
    let value = code - 0x30;
    let j = i + 1;
    for (let n = 1; n < 3 && isOctal(s[j]); n++, j++)
      value = value * 8 + (s[j].charCodeAt(0) - 0x30);
    return [value, j];
  }
  if (c === 'x') {
    if (s[i + 1] === '{') {
      const end = s.indexOf('}', i + 2);
      const hex = end < 0 ? '' : s.slice(i + 2, end).join('');
      if (!/^[0-9A-Fa-f]+$/.test(hex) || parseInt(hex, 16) > MAX_CP) {
        throw new Re2Error('invalid escape \\x');
      }
      return [parseInt(hex, 16), end + 1];
    }
    const hex = (s[i + 1] ?? '') + (s[i + 2] ?? '');
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new Re2Error('invalid escape \\x');
    return [parseInt(hex, 16), i + 3];
  }
  const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
  if (c in simple) return [simple[c], i + 1];
  throw new Re2Error(`invalid escape \\${c}`);
}

/** `\pL`, `\p{Greek}`, `\PL`, `\p{^Greek}` as a JS `\p{…}` item. */
function parseUnicodeClass(s: string[], i: number): [string, number] {
  let negate = s[i] === 'P';
  let name: string;
  let next: number;
  if (s[i + 1] === '{') {
    const end = s.indexOf('}', i + 2);
    if (end < 0) throw new Re2Error('invalid character class range');
    name = s.slice(i + 2, end).join('');
    next = end + 1;
  } else {
    if (s[i + 1] === undefined) throw new Re2Error('invalid character class range');
    name = s[i + 1];
    next = i + 2;
  }
  if (name.startsWith('^')) {
    negate = !negate;
    name = name.slice(1);
  }
  const p = negate ? 'P' : 'p';
  if (name === 'Any') return [negate ? '[^\\s\\S]' : '[\\s\\S]', next];
  for (const candidate of [`\\${p}{${name}}`, `\\${p}{Script=${name}}`]) {
    if (/^[A-Za-z_]+$/.test(name)) {
      try {
        new RegExp(candidate, 'u');
        return [candidate, next];
      } catch {
        // try the next spelling
      }
    }
  }
  throw new Unsupported(`unicode class ${name}`);
}

function literal(code: number): string {
  const ch = String.fromCodePoint(code);
  return /^[0-9A-Za-z_/ ]$/.test(ch) || code > 0x7f ? ch : cp(code);
}

/** Parses a character class starting after `[`; returns [JS source, next index]. */
function parseClass(s: string[], start: number): [string, number] {
  let i = start;
  let negate = false;
  if (s[i] === '^') {
    negate = true;
    i++;
  }
  const items: string[] = [];
  let first = true;
  while (first || s[i] !== ']') {
    if (i >= s.length) throw new Re2Error('missing closing ]');
    first = false;
    if (s[i] === '[' && s[i + 1] === ':') {
      let end = i + 2;
      while (end + 1 < s.length && !(s[end] === ':' && s[end + 1] === ']')) end++;
      if (end + 1 < s.length) {
        let name = s.slice(i + 2, end).join('');
        const neg = name.startsWith('^');
        if (neg) name = name.slice(1);
        const ranges = POSIX[name];
        if (!ranges) throw new Re2Error('invalid character class range');
        items.push(rangesSource(neg ? complement(ranges) : ranges));
        i = end + 2;
        continue;
      }
    }
    if (s[i] === '\\' && (s[i + 1] === 'p' || s[i + 1] === 'P')) {
      const [source, next] = parseUnicodeClass(s, i + 1);
      if (source.startsWith('[')) throw new Unsupported('\\pAny inside a class');
      items.push(source);
      i = next;
      continue;
    }
    if (s[i] === '\\' && s[i + 1] !== undefined && 'dDsSwW'.includes(s[i + 1])) {
      const ranges = PERL[s[i + 1].toLowerCase()];
      items.push(rangesSource(s[i + 1] === s[i + 1].toLowerCase() ? ranges : complement(ranges)));
      i += 2;
      continue;
    }
    let lo: number;
    [lo, i] = classChar(s, i);
    let hi = lo;
    if (s[i] === '-' && s[i + 1] !== undefined && s[i + 1] !== ']') {
      [hi, i] = classChar(s, i + 1);
      if (hi < lo) throw new Re2Error('invalid character class range');
    }
    items.push(rangesSource([[lo, hi]]));
  }
  return [`[${negate ? '^' : ''}${items.join('')}]`, i + 1];
}

function classChar(s: string[], i: number): [number, number] {
  if (i >= s.length) throw new Re2Error('missing closing ]');
  if (s[i] === '\\') return parseEscapeChar(s, i + 1);
  return [s[i].codePointAt(0) ?? 0, i + 1];
}

/** `{n}`, `{n,}`, `{n,m}` at s[i] === '{'; null when it is a literal brace. */
function parseRepeat(s: string[], i: number): [number, number, number] | null {
  const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(i, i + 16).join(''));
  if (!m) return null;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
  if (min > 1000 || max > 1000 || (max >= 0 && max < min)) {
    throw new Re2Error('invalid repeat count');
  }
  return [min, max, i + m[0].length];
}

function translate(source: string): string {
  const s = Array.from(source);
  let out = '';
  // Start index in `out` of the last atom (what a repetition applies to), or -1.
  let atom = -1;
  let atomIsAssertion = false;
  let lastWasRepeat = false;
  const groups: number[] = [];
  const pushAtom = (text: string, assertion = false): void => {
    atom = out.length;
    atomIsAssertion = assertion;
    lastWasRepeat = false;
    out += text;
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    let repeat: string | null = null;
    if (c === '*' || c === '+' || c === '?') {
      repeat = c;
      i++;
    } else if (c === '{') {
      const parsed = parseRepeat(s, i);
      if (parsed) {
        const [min, max, next] = parsed;
        repeat = max === min ? `{${min}}` : max < 0 ? `{${min},}` : `{${min},${max}}`;
        i = next;
      }
    }
    if (repeat !== null) {
      if (lastWasRepeat) throw new Re2Error('invalid nested repetition operator');
      if (atom < 0) throw new Re2Error('missing argument to repetition operator');
      if (atomIsAssertion) out = out.slice(0, atom) + `(?:${out.slice(atom)})`;
      out += repeat;
      if (s[i] === '?') {
        out += '?';
        i++;
      }
      lastWasRepeat = true;
      continue;
    }
    i++;
    switch (c) {
      case '(': {
        if (s[i] === '?') {
          const rest = s.slice(i + 1, i + 40).join('');
          const named = /^P?<(\w+)>/.exec(rest);
          if (rest.startsWith(':')) {
            i += 2;
            groups.push(out.length);
            out += '(?:';
          } else if (named) {
            i += 1 + named[0].length;
            groups.push(out.length);
            out += `(?<${named[1]}>`;
          } else if (/^-?[imsU]/.test(rest)) {
            throw new Unsupported('inline flags (?…)');
          } else {
            throw new Re2Error('invalid or unsupported Perl syntax (?');
          }
        } else {
          groups.push(out.length);
          out += '(';
        }
        atom = -1;
        lastWasRepeat = false;
        break;
      }
      case ')': {
        const start = groups.pop();
        if (start === undefined) throw new Re2Error('unexpected )');
        out += ')';
        atom = start;
        atomIsAssertion = false;
        lastWasRepeat = false;
        break;
      }
      case '|':
        out += '|';
        atom = -1;
        lastWasRepeat = false;
        break;
      case '^':
      case '$':
        pushAtom(c, true);
        break;
      case '.':
        pushAtom('[^\\n]'); // RE2's `.` excludes only `\n`; JS's also excludes `\r`, U+2028…
        break;
      case '[': {
        const [cls, next] = parseClass(s, i);
        i = next;
        pushAtom(cls);
        break;
      }
      case '\\': {
        const e = s[i];
        if (e === 'A' || e === 'z') {
          pushAtom(e === 'A' ? '^' : '$', true);
          i++;
        } else if (e === 'b' || e === 'B') {
          pushAtom('\\' + e, true);
          i++;
        } else if (e !== undefined && 'dDwW'.includes(e)) {
          pushAtom('\\' + e);
          i++;
        } else if (e === 's' || e === 'S') {
          pushAtom(`[${e === 'S' ? '^' : ''}\\t\\n\\f\\r ]`);
          i++;
        } else if (e === 'p' || e === 'P') {
          const [cls, next] = parseUnicodeClass(s, i);
          pushAtom(cls);
          i = next;
        } else if (e === 'Q') {
          let j = i + 1;
          while (j < s.length && !(s[j] === '\\' && s[j + 1] === 'E')) {
            pushAtom(literal(s[j].codePointAt(0) ?? 0));
            j++;
          }
          i = j < s.length ? j + 2 : j;
        } else {
          const [code, next] = parseEscapeChar(s, i);
          pushAtom(literal(code));
          i = next;
        }
        break;
      }
      default:
        pushAtom(literal(c.codePointAt(0) ?? 0));
    }
  }
  if (groups.length > 0) throw new Re2Error('missing closing )');
  return out;
}

/** Compiles an RE2 expression the way Go would accept it, as a JS RegExp. */
export function compileRe2(source: string): Re2Result {
  try {
    return { kind: 'ok', regex: new RegExp(translate(source), 'u') };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof Unsupported) return { kind: 'unsupported', reason };
    // Re2Error, or a JS SyntaxError for what both engines reject (e.g. `a**`).
    return { kind: 'invalid', reason };
  }
}
