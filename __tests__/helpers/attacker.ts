/**
 * What the abuse tests check in a step's stdout, read with the runner's rules: no workflow
 * command of the attacker's takes effect, while the action's own still do.
 */
import { expect } from '@jest/globals';
import { type RunnerReading, readAsRunner } from './runner-commands.js';

/** Commands the action never writes to stdout: any of them came from someone else. */
const NEVER_OURS = new Set([
  'set-output',
  'save-state',
  'set-env',
  'add-path',
  'echo',
  'add-matcher',
  'remove-matcher'
]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Reads `stdout` as the runner would and checks that the attacker, whose planted text all
 * starts with `mark`, made no command take effect. `secrets`: the values the action itself
 * masks. Returns the reading for further checks.
 */
export function expectNoAttackerCommand(
  stdout: string,
  mark: string,
  secrets: readonly string[]
): RunnerReading {
  const reading = readAsRunner(stdout);
  const planted = reading.executed.filter(
    command =>
      command.data.startsWith(mark) ||
      Object.values(command.properties).some(value => value.includes(mark)) ||
      NEVER_OURS.has(command.name) ||
      (command.name === 'add-mask' && !secrets.includes(command.data))
  );
  expect(planted).toEqual([]);
  // Every pause is the action's own, with a fresh random token, and each is resumed.
  for (const token of reading.stopTokens) expect(token).toMatch(UUID);
  expect(new Set(reading.stopTokens).size).toBe(reading.stopTokens.length);
  expect(reading.stoppedAtEnd).toBe(false);
  return reading;
}

/** The action's own annotation of `name` whose message starts with `start` took effect. */
export function expectOwnCommand(reading: RunnerReading, name: string, start: string): void {
  const own = reading.executed.filter(c => c.name === name && c.data.startsWith(start));
  expect(own.map(c => c.data.slice(0, start.length))).toEqual([start]);
}
