import { globToRe2 } from './glob-to-re2.js';
import { type IgnoreRule } from './ignore-file.js';
import { compileRe2 } from './re2-to-js.js';

export interface Exclusion {
  readonly excluded: boolean;
  /** Excluded by a rule with no negation after it: a directory can be skipped whole. */
  readonly dominating: boolean;
}

interface CompiledRule extends IgnoreRule {
  readonly regex: RegExp | null;
}

const ASCII = /^\p{ASCII}*$/u;

/** An ordered rule list evaluated as go-slug's `Ruleset.Excludes`: the last match wins. */
export class Ruleset {
  private readonly rules: CompiledRule[];

  /**
   * @param normalizeNfc match NFC-normalised paths and patterns, as go-slug v0.18.3 does;
   *   off by default to follow v0.16.x, the version go-tfe uploads with.
   */
  constructor(
    rules: readonly IgnoreRule[],
    warn: (message: string) => void = () => undefined,
    private readonly normalizeNfc = false
  ) {
    this.rules = rules.map(rule => {
      const value = normalizeNfc ? rule.value.normalize('NFC') : rule.value;
      const result = compileRe2(globToRe2(value));
      if (result.kind === 'ok') return { ...rule, regex: result.regex };
      // go-slug: an invalid regular expression makes its rule never match.
      warn(
        result.kind === 'invalid'
          ? `.terraformignore pattern ${JSON.stringify(rule.value)} is not a valid expression ` +
              `(${result.reason}) and never matches, as in go-slug`
          : `.terraformignore pattern ${JSON.stringify(rule.value)} uses syntax this packer ` +
              `does not support (${result.reason}) and is ignored`
      );
      return { ...rule, regex: null };
    });
  }

  /** Evaluates a `/`-separated path relative to the walk root (directories end in `/`). */
  excludes(path: string): Exclusion {
    const subject = this.normalizeNfc && !ASCII.test(path) ? path.normalize('NFC') : path;
    let excluded = false;
    let dominating = false;
    for (const rule of this.rules) {
      if (rule.regex !== null && rule.regex.test(subject)) {
        excluded = !rule.negated;
        dominating = excluded && !rule.negationsAfter;
      }
    }
    return { excluded, dominating };
  }
}
