/**
 * A long list as a markdown table that fits a byte budget: as many rows as fit, then one
 * line for the rest. Rows are never cut, so the table's markup always stays whole.
 */
import { byteLength } from './markdown.js';

export interface TableParts {
  /** `#### Title (N)`. */
  readonly title: string;
  /** The header and delimiter rows. */
  readonly head: string;
  readonly rows: readonly string[];
  /** The line that stands for `hidden` rows left out, e.g. "… and 3 more: see the run." */
  readonly more: (hidden: number) => string;
}

export function fitTable(parts: TableParts, budget: number): string | undefined {
  const { title, head, rows, more } = parts;
  if (rows.length === 0) return undefined;
  const start = `${title}\n\n${head}`;
  const full = rows.reduce((size, row) => size + 1 + byteLength(row), byteLength(start));
  if (full <= budget) return [start, ...rows].join('\n');
  // A blank line before it: a line right below a table would be read as one more row.
  const reserve = 2 + byteLength(more(rows.length));
  let size = byteLength(start);
  let shown = 0;
  for (const row of rows) {
    const next = size + 1 + byteLength(row);
    if (next + reserve > budget) break;
    size = next;
    shown++;
  }
  if (shown === 0) {
    const only = `${title}\n\n${more(rows.length)}`;
    return byteLength(only) <= budget ? only : undefined;
  }
  return `${[start, ...rows.slice(0, shown)].join('\n')}\n\n${more(rows.length - shown)}`;
}
