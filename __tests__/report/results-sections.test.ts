/**
 * The sections of what a run produced: hostile text cannot break their tables, and with
 * thousands of rows the report keeps to GitHub's limits with failures shown first.
 */
import { describe, expect, it } from '@jest/globals';
import { fitTable } from '../../src/report/fit-table.js';
import { COMMENT_MAX_LENGTH, SUMMARY_MAX_LENGTH, renderReport } from '../../src/report/render.js';
import {
  manyChanges,
  manyOutputs,
  manyPolicies,
  manyTasks,
  speculativeReport
} from './fixtures.js';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** The cells of a table row as cmark-gfm splits it: a `|` after a backslash is not a border. */
function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/);
}

/** Every table row in `markdown` under `heading`, until the next blank line. */
function tableRows(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const table = markdown.slice(start).split('\n\n')[1] ?? '';
  return table.split('\n').filter(line => line !== '');
}

const HOSTILE = [
  'a | b',
  'back\\|slash',
  'ends with \\',
  '`code` ``span``',
  'line\nbreak\r\nand\rreturn',
  '<script>alert(1)</script> <!-- x',
  '@admin [link](https://evil.example) ![img](https://evil.example/x.png)',
  '- list\n# heading',
  '\u001b[31mred\u001b[0m\u0007'
];

describe('results sections', () => {
  it('keep every row of every table at its number of cells, whatever the text', () => {
    const md = renderReport(
      speculativeReport({
        policies: HOSTILE.map(name => ({
          kind: 'opa',
          set: name,
          name,
          enforcement: name,
          result: 'hard-failed'
        })),
        taskResults: HOSTILE.map(name => ({
          stage: name,
          name,
          status: name,
          enforcement: name,
          message: name,
          url: `https://tasks.example/${name}`
        })),
        terraformOutputs: HOSTILE.map((name, i) => ({
          id: `wsout-${i}`,
          name,
          sensitive: false,
          type: name,
          value: i % 2 ? name : { [name]: [name] }
        }))
      }),
      { maxLength: COMMENT_MAX_LENGTH }
    );
    for (const [heading, width] of [
      ['#### Policies', 5],
      ['#### Run tasks', 5],
      ['#### Outputs', 3]
    ] as const) {
      const rows = tableRows(md, heading);
      expect(rows).toHaveLength(2 + HOSTILE.length);
      for (const row of rows) expect([row, cells(row).length]).toEqual([row, width]);
    }
    // eslint-disable-next-line no-control-regex
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    // Each task's link is whole: its target has no character that could end it early.
    const targets = [...md.matchAll(/\]\((https:\/\/tasks\.example\/[^)]*)\)/g)].map(m => m[1]);
    expect(targets).toHaveLength(HOSTILE.length);
    for (const target of targets) expect(target).toMatch(/^[A-Za-z0-9%:/.#?=&,;'$+@-]+$/);
    // Outside code spans and link targets, no mention pings and no planted link works.
    const prose = md.replace(/(`+)[\s\S]*?\1/g, '').replace(/\]\([^)]*\)/g, ']');
    expect(prose).toContain('@\u200badmin');
    expect(prose).not.toMatch(/@admin|\[link\]\(/);
  });

  it('never shows the value of a sensitive output', () => {
    const md = renderReport(
      speculativeReport({
        terraformOutputs: [
          { id: 'wsout-1', name: 'pw', sensitive: true, type: 'string', value: 'should-not-show' }
        ]
      }),
      { maxLength: COMMENT_MAX_LENGTH }
    );
    expect(md).toContain('| `pw` | `string` | *sensitive* |');
    expect(md).not.toContain('should-not-show');
  });

  it('cut long values and names, with an ellipsis outside the code span', () => {
    const md = renderReport(
      speculativeReport({
        terraformOutputs: [
          {
            id: 'wsout-1',
            name: 'n'.repeat(1_000),
            sensitive: false,
            type: 'string',
            value: 'v'.repeat(10_000)
          }
        ]
      }),
      { maxLength: COMMENT_MAX_LENGTH }
    );
    const [row] = tableRows(md, '#### Outputs').slice(2);
    expect(row).toMatch(/^\| `n{200}` … \| `string` \| `v{300}` … \|$/);
  });

  it.each([
    ['comment', COMMENT_MAX_LENGTH, 5_000],
    ['summary', SUMMARY_MAX_LENGTH, 30_000]
  ])('keep the %s within its limit with thousands of rows in every list', (_name, max, rows) => {
    const report = speculativeReport({
      resourceChanges: manyChanges(rows),
      policies: manyPolicies(rows),
      taskResults: manyTasks(rows),
      terraformOutputs: manyOutputs(rows),
      logTail: 'log line\n'.repeat(20_000)
    });
    const md = renderReport(report, { maxLength: max });
    expect(bytes(md)).toBeLessThanOrEqual(max);
    // The room is shared: every list shows rows, and says how many it left out.
    expect(md).toMatch(/… and \d+ more \(\d+ passed\): see the \[run\]/);
    expect(md).toMatch(/… and \d+ more task results: see the \[run\]/);
    expect(md).toMatch(/… and \d+ more outputs: all of them are in the `outputs` output\./);
    expect(md).toMatch(/… and \d+ more \(\d+ destroy, \d+ replace, \d+ create, \d+ update\)/);
    // Failures first: all four failed policies and the failed task are shown.
    for (const text of [
      '**hard failed**',
      '**soft failed**',
      '| overridden |',
      '| advisory failed |',
      '**failed**'
    ]) {
      expect(md).toContain(text);
    }
    // No list takes the room of the others.
    const share = (heading: string) => {
      const start = md.indexOf(heading);
      const end = md.indexOf('\n\n…', start);
      return end - start;
    };
    for (const heading of [
      '#### Policies',
      '#### Run tasks',
      '#### Outputs',
      '#### Resource changes'
    ]) {
      expect(share(heading)).toBeGreaterThan(max / 12);
    }
  });
});

describe('fitTable', () => {
  const parts = (rows: number) => ({
    title: '#### T',
    head: '| a |\n| --- |',
    rows: Array.from({ length: rows }, (_, i) => `| ${i} |`),
    more: (hidden: number) => `… and ${hidden} more.`
  });

  it('shows every row when they fit, and nothing for an empty list', () => {
    expect(fitTable(parts(2), 1_000)).toBe('#### T\n\n| a |\n| --- |\n| 0 |\n| 1 |');
    expect(fitTable(parts(0), 1_000)).toBeUndefined();
  });

  it('ends with a blank line and the rest when they do not, and never exceeds the budget', () => {
    const text = fitTable(parts(100), 60) ?? '';
    expect(text).toBe('#### T\n\n| a |\n| --- |\n| 0 |\n| 1 |\n| 2 |\n\n… and 97 more.');
    for (let budget = 0; budget < 200; budget++) {
      const fitted = fitTable(parts(100), budget);
      if (fitted !== undefined) expect(bytes(fitted)).toBeLessThanOrEqual(budget);
    }
    expect(fitTable(parts(100), 30)).toBe('#### T\n\n… and 100 more.');
    expect(fitTable(parts(100), 10)).toBeUndefined();
  });
});
