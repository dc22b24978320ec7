// Reads literal HCL values (strings, numbers, bools, null, tuples, objects,
// nested) so that `output` blocks give typed outputs like Terraform's state.
// Anything that needs evaluation (references, calls, interpolation) is not a
// literal, and the caller falls back to the source text.

/**
 * Terraform's JSON type expression (`detailed-type` in the API).
 * @typedef {string | [string, unknown]} TerraformType
 *
 * @typedef {{ value: unknown, type: TerraformType, end: number }} Parsed
 */

const ESCAPES = /** @type {Record<string, string>} */ ({
  n: '\n',
  r: '\r',
  t: '\t',
  '"': '"',
  '\\': '\\'
});

class NotLiteral extends Error {}

class Reader {
  /** @param {string} text @param {number} pos */
  constructor(text, pos) {
    this.text = text;
    this.pos = pos;
  }

  /** Skips blanks, newlines and the three comment forms. */
  skip() {
    const t = this.text;
    for (;;) {
      while (/\s/.test(t[this.pos] ?? '')) this.pos++;
      if (t[this.pos] === '#' || t.startsWith('//', this.pos)) {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
      } else if (t.startsWith('/*', this.pos)) {
        const close = t.indexOf('*/', this.pos + 2);
        this.pos = close < 0 ? t.length : close + 2;
      } else {
        return;
      }
    }
  }

  /** @returns {{ value: unknown, type: TerraformType }} */
  value() {
    this.skip();
    const t = this.text;
    const c = t[this.pos];
    if (c === '"') return { value: this.string(), type: 'string' };
    if (c === '[') return this.tuple();
    if (c === '{') return this.object();
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(t.slice(this.pos, this.pos + 64));
    if (number) {
      this.pos += number[0].length;
      return { value: Number(number[0]), type: 'number' };
    }
    const word = /^[A-Za-z_][\w-]*/.exec(t.slice(this.pos, this.pos + 64))?.[0];
    // A keyword followed by `.`, `(` or `[` is the start of an expression.
    if (word && !/^\s*[.([]/.test(t.slice(this.pos + word.length, this.pos + word.length + 8))) {
      if (word === 'true' || word === 'false') {
        this.pos += word.length;
        return { value: word === 'true', type: 'bool' };
      }
      if (word === 'null') {
        this.pos += word.length;
        return { value: null, type: 'dynamic' };
      }
    }
    throw new NotLiteral();
  }

  string() {
    const t = this.text;
    let out = '';
    for (this.pos++; this.pos < t.length; this.pos++) {
      const c = t[this.pos];
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === '\n') break;
      if (c === '\\') {
        const e = t[++this.pos];
        if (e === 'u' || e === 'U') {
          const size = e === 'u' ? 4 : 8;
          const hex = t.slice(this.pos + 1, this.pos + 1 + size);
          const code = /^[0-9A-Fa-f]+$/.test(hex) && hex.length === size ? parseInt(hex, 16) : -1;
          if (code < 0 || code > 0x10ffff) throw new NotLiteral();
          out += String.fromCodePoint(code);
          this.pos += size;
        } else if (e in ESCAPES) {
          out += ESCAPES[e];
        } else {
          throw new NotLiteral();
        }
      } else if ((c === '$' || c === '%') && t[this.pos + 1] === c && t[this.pos + 2] === '{') {
        // `$${` and `%%{` stand for a literal `${` / `%{`.
        out += `${c}{`;
        this.pos += 2;
      } else if ((c === '$' || c === '%') && t[this.pos + 1] === '{') {
        throw new NotLiteral();
      } else {
        out += c;
      }
    }
    throw new NotLiteral();
  }

  tuple() {
    /** @type {unknown[]} */
    const values = [];
    /** @type {TerraformType[]} */
    const types = [];
    this.pos++;
    for (;;) {
      this.skip();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return { value: values, type: /** @type {TerraformType} */ (['tuple', types]) };
      }
      const item = this.value();
      values.push(item.value);
      types.push(item.type);
      this.skip();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== ']') throw new NotLiteral();
    }
  }

  object() {
    /** @type {Record<string, unknown>} */
    const values = {};
    /** @type {Record<string, TerraformType>} */
    const types = {};
    this.pos++;
    for (;;) {
      this.skip();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return { value: values, type: /** @type {TerraformType} */ (['object', types]) };
      }
      let key;
      if (this.text[this.pos] === '"') {
        key = this.string();
      } else {
        key = /^[A-Za-z_][\w-]*/.exec(this.text.slice(this.pos, this.pos + 256))?.[0];
        if (!key) throw new NotLiteral();
        this.pos += key.length;
      }
      this.skip();
      const sep = this.text[this.pos];
      if (sep !== '=' && sep !== ':') throw new NotLiteral();
      this.pos++;
      const item = this.value();
      // Object keys are data: never let one reach the prototype.
      Object.defineProperty(values, key, { value: item.value, enumerable: true, writable: true });
      Object.defineProperty(types, key, { value: item.type, enumerable: true, writable: true });
      this.skip();
      if (this.text[this.pos] === ',') this.pos++;
    }
  }
}

/**
 * Parses the literal value starting at `pos` (blanks and comments first are
 * skipped); undefined when the expression is not a plain literal.
 * @param {string} text
 * @param {number} [pos]
 * @returns {Parsed | undefined}
 */
export function parseLiteral(text, pos = 0) {
  const reader = new Reader(text, pos);
  try {
    const { value, type } = reader.value();
    return { value, type, end: reader.pos };
  } catch (err) {
    if (err instanceof NotLiteral) return undefined;
    throw err;
  }
}

/**
 * The Terraform type of a JSON value, as `terraform show -json` writes it
 * (lists are tuples and maps objects, as for literals).
 * @param {unknown} value
 * @returns {TerraformType}
 */
export function typeOf(value) {
  if (value === null || value === undefined) return 'dynamic';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return ['tuple', value.map(typeOf)];
  /** @type {Record<string, TerraformType>} */
  const types = {};
  for (const [k, v] of Object.entries(/** @type {object} */ (value))) {
    Object.defineProperty(types, k, { value: typeOf(v), enumerable: true, writable: true });
  }
  return ['object', types];
}
