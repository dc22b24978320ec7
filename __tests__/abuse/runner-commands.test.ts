/**
 * The runner-rules reader the abuse tests rely on: if it missed a command the runner acts
 * on, every abuse test would pass for the wrong reason.
 */
import { describe, expect, it } from '@jest/globals';
import { readAsRunner, runnerLines } from '../helpers/runner-commands.js';

const names = (stdout: string) => readAsRunner(stdout).executed.map(c => `${c.name}:${c.data}`);

describe('reading stdout with the runner rules', () => {
  it('splits lines at \\r\\n, \\n and a lone \\r', () => {
    expect(runnerLines('a\r\nb\nc\rd\n')).toEqual(['a', 'b', 'c', 'd']);
    expect(names('progress 10%\r::add-mask::x\n')).toEqual(['add-mask:x']);
  });

  it('reads a command after leading white space, .NET white space included', () => {
    expect(names('   ::warning::w\n\t::error::e\n\u0085::notice::n\n\u3000::debug::d\n')).toEqual([
      'warning:w',
      'error:e',
      'notice:n',
      'debug:d'
    ]);
    expect(names('x ::error::not at the start\n')).toEqual([]);
    expect(names('\u001b[0m::error::an escape is not white space\n')).toEqual([]);
  });

  it('reads the legacy form at its first occurrence anywhere in a line', () => {
    expect(names('key "##[error]mid-line"\n')).toEqual(['error:mid-line"']);
    expect(names('##[unknown]x ##[error]second\n')).toEqual([]);
  });

  it('knows only registered names, without case, and parses properties', () => {
    const [command] = readAsRunner('::WARNING file=a.tf,line=3,title=T%2C1::msg%0Anext\n').executed;
    expect(command).toMatchObject({
      name: 'warning',
      properties: { file: 'a.tf', line: '3', title: 'T,1' },
      data: 'msg\nnext'
    });
    expect(names('::made-up::x\n::set-output name=a::b\n')).toEqual(['set-output:b']);
  });

  it('ignores commands between stop-commands and the token, then resumes', () => {
    const reading = readAsRunner(
      '::stop-commands::T0k\n::add-mask::a\n##[error]b\n::stop-commands::other\n::t0K::\n::error::c\n'
    );
    expect(reading.executed.map(c => c.name)).toEqual(['error']);
    expect(reading.ignored.map(c => c.name)).toEqual(['add-mask', 'error', 'stop-commands']);
    expect(reading.stopTokens).toEqual(['T0k']);
    expect(reading.stoppedAtEnd).toBe(false);
  });

  it('an empty stop token never resumes, and the legacy form resumes too', () => {
    expect(readAsRunner('::stop-commands::\n::::\n::error::x\n').stoppedAtEnd).toBe(true);
    expect(names('::stop-commands::abc\nsay ##[abc]\n::error::x\n')).toEqual(['error:x']);
  });
});
