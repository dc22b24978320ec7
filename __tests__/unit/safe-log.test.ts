/**
 * src/safe-log.ts, read back with the runner's rules: whatever text goes in, the runner
 * obeys no command but the one the action meant.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { stepSecrets } from '../../src/redaction.js';
import { log, neutralise, printUntrusted } from '../../src/safe-log.js';
import { readAsRunner } from '../helpers/runner-commands.js';
import { stdoutOf as captured } from '../helpers/stdout.js';

afterEach(() => {
  process.exitCode = undefined;
});

/** Small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '::',
  ':',
  '##[',
  '##',
  '#',
  '[',
  ']',
  '\r',
  '\n',
  '\r\n',
  ' ',
  '\t',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u3000',
  '\ufeff',
  '\u200b',
  '\u202e',
  '\u001b[31m',
  '\u0000',
  '%0A',
  '%0D',
  'add-mask',
  'error',
  'warning',
  'stop-commands',
  'group',
  'x',
  '=',
  ','
];

const pick = <T>(next: () => number, list: readonly T[]): T =>
  list[Math.floor(next() * list.length)];

const BREAKS = ['', '\r', '\n', '\r\n', '\u2028'];
const SPACE = ['', ' ', '\t', '\u0085', '\u00a0', '\u3000', '\ufeff', '\u200b', '\u001b[0m'];
const NAMES = ['add-mask', 'error', 'warning file=a,line=1', 'stop-commands', 'group', 'x'];

/** A command-shaped piece: a line break, white space, then either command form. */
function commandLike(next: () => number): string {
  const name = pick(next, NAMES);
  const form = next() < 0.5 ? `::${name}::` : `${pick(next, ['', 'key '])}##[${name}]`;
  return `${pick(next, BREAKS)}${pick(next, SPACE)}${pick(next, SPACE)}${form}x`;
}

function hostile(next: () => number): string {
  const length = 1 + Math.floor(next() * 6);
  let text = '';
  for (let i = 0; i < length; i++) {
    text += next() < 0.4 ? commandLike(next) : pick(next, PIECES);
  }
  return text;
}

describe('neutralise', () => {
  it.each([
    ['a lone CR becomes a line break', 'a\rb', 'a\nb'],
    ['a leading :: is split', '::add-mask::x', ': :add-mask::x'],
    ['after white space, NEL included', ' \u0085::error::x', ' : :error::x'],
    ['on every line', 'ok\n  ::warning::x', 'ok\n  : :warning::x'],
    ['## [ anywhere', 'key ##[error]x and ###[y', 'key # #[error]x and ## #[y'],
    ['colour codes and controls go', '\u001b[31mred\u001b[0m\u0000!', 'red!'],
    ['invisible characters show', 'a\u202eb\u200bc', 'a<U+202E>b<U+200B>c'],
    ['plain text stays', 'Run status: planning (for 30s)', 'Run status: planning (for 30s)']
  ])('%s', (_name, text, expected) => {
    expect(neutralise(text)).toBe(expected);
  });
});

describe('what the runner reads from the log functions', () => {
  it('takes no command from random hostile text, and exactly the ones meant', () => {
    const next = random(11);
    for (let i = 0; i < 3000; i++) {
      const text = hostile(next);
      const where = `case ${i}: ${JSON.stringify(text)}`;
      const none = captured(() => {
        log.info(text);
        log.info(`Workspace ${text}/${text} (${text})`);
        printUntrusted([text, `${text}\r`, text]);
      });
      const reading = readAsRunner(none);
      expect([where, reading.executed, reading.stoppedAtEnd]).toEqual([where, [], false]);
      const meant = captured(() => {
        log.warning(text);
        log.error(`Failed: ${text}`);
        log.debug(text);
        log.failed(text);
      });
      const names = readAsRunner(meant).executed.map(c => c.name);
      expect([where, names]).toEqual([where, ['warning', 'error', 'debug', 'error']]);
    }
  });

  it('prints untrusted lines in one pause with a fresh token each time, and resumes', () => {
    const first = captured(() => printUntrusted(['::add-mask::x', 'plain']));
    const second = captured(() => printUntrusted(['y']));
    const tokens = [first, second].map(out => /^::stop-commands::(\S+)\n/.exec(out)?.[1]);
    expect(tokens[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(tokens[1]).not.toBe(tokens[0]);
    expect(first).toBe(`::stop-commands::${tokens[0]}\n::add-mask::x\nplain\n::${tokens[0]}::\n`);
    expect(captured(() => printUntrusted([]))).toBe('');
  });

  it('shows ##[ in untrusted lines as # #[, so the log viewer draws no fake group', () => {
    expect(captured(() => printUntrusted(['##[group]hidden']))).toContain('\n# #[group]hidden\n');
  });

  it('redacts registered secrets in both kinds of lines', () => {
    const secret = 'safe-log-secret-0123456789';
    stepSecrets.add(secret);
    const out = captured(() => {
      log.info(`said ${secret}`);
      printUntrusted([`echo ${Buffer.from(secret).toString('base64')}`]);
    });
    expect(out).toContain('said ***');
    expect(out).toContain('echo ***');
    expect(out).not.toContain(secret);
  });
});
