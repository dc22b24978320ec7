/**
 * Keeps the step's tokens out of everything the action publishes itself: the PR comment,
 * the job summary and the outputs never pass through the runner's masking, and a server
 * may repeat a token in an error (as sent, base64, URL-encoded; docs/contract.md,
 * "Untrusted input"). Known secrets are replaced in every form, plus the shapes of
 * well-known tokens whoever they belong to.
 */

export const REDACTED = '***';

/** Prefixes a token travels behind: `Authorization` schemes and git's basic-auth user. */
const HEADER_FORMS = ['Bearer ', 'bearer ', 'token ', 'x-access-token:', ':'];

/** Shorter base64 text would match ordinary words. */
const MIN_BASE64_RUN = 8;

/**
 * Tokens of GitHub (`ghp_`, `ghs_`, `github_pat_`, …) and HCP Terraform / TFE
 * (`<id>.atlasv1.<secret>`): nobody's such token belongs in a comment.
 */
const TOKEN_SHAPES = [
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{30,}/g,
  /\b[A-Za-z0-9]{10,}\.atlasv1\.[A-Za-z0-9_-]{30,}/g
];

function base64(bytes: Buffer): string {
  return bytes.toString('base64');
}

function unpadded(text: string): string {
  return text.replace(/=+$/, '');
}

function urlSafe(text: string): string {
  return text.replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * The base64 characters that stand for `secret` whatever comes before and after it: one
 * run per alignment of its first byte (0, 1 or 2 bytes into a 3-byte group), without the
 * characters that also carry neighbouring bytes.
 */
function base64Runs(secret: Buffer): string[] {
  const runs: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = base64(Buffer.concat([Buffer.alloc(shift), secret]));
    const whole = Math.floor((shift + secret.length) / 3) * 4;
    runs.push(encoded.slice(shift === 0 ? 0 : 4, whole));
  }
  return runs.filter(run => run.length >= MIN_BASE64_RUN);
}

/** Every form of `secret` a server or a log may show. */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([secret]);
  forms.add(encodeURIComponent(secret));
  forms.add(JSON.stringify(secret).slice(1, -1));
  const encodings = [...HEADER_FORMS.map(prefix => `${prefix}${secret}`), secret].map(text =>
    base64(Buffer.from(text, 'utf8'))
  );
  for (const encoded of [...encodings, ...base64Runs(bytes)]) {
    for (const form of [encoded, unpadded(encoded), urlSafe(encoded), urlSafe(unpadded(encoded))])
      if (form.length >= MIN_BASE64_RUN) forms.add(form);
  }
  return [...forms].filter(form => form.length > 0);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces secrets in text, or in every string of a plain value (a report). */
export class Redactor {
  private pattern: RegExp | undefined;
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string> = []) {
    this.add(...secrets);
  }

  /** Adds secrets; empty values are ignored. */
  add(...secrets: string[]): void {
    const before = this.secrets.size;
    for (const secret of secrets) if (secret) this.secrets.add(secret);
    if (this.secrets.size === before) return;
    const forms = [...this.secrets].flatMap(secretForms);
    // Longest first: at one position the whole header form wins over the bare token.
    forms.sort((a, b) => b.length - a.length);
    this.pattern = new RegExp([...new Set(forms)].map(escapeRegExp).join('|'), 'g');
  }

  redact(text: string): string {
    let out = this.pattern ? text.replace(this.pattern, REDACTED) : text;
    for (const shape of TOKEN_SHAPES) out = out.replace(shape, REDACTED);
    return out;
  }

  /** A copy of `value` with every string redacted (objects and arrays copied, deeply). */
  redactDeep<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map(item => this.walk(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.walk(item)]));
    }
    return value;
  }
}

/** The step's secrets: registered as soon as they are read, used by every writer. */
export const stepSecrets = new Redactor();
