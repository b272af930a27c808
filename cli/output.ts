import type { CliIo } from './io';

/** Widest a table cell gets before it is cut; `--wide` and `--vertical` show every value whole. */
const MAX_CELL = 80;

export type RowLayout = 'table' | 'wide' | 'vertical';

export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** A plain aligned text table; cells longer than `maxCell` are cut with an ellipsis. */
export function formatTable(columns: readonly string[], rows: readonly Record<string, unknown>[], maxCell = MAX_CELL): string {
  const cells = rows.map((row) => columns.map((column) => cut(cellText(row[column]), maxCell)));
  // A loop, not Math.max(...cells): spreading a large result overflows the stack.
  const widths = columns.map((column, i) => cells.reduce((widest, line) => Math.max(widest, line[i].length), column.length));
  const render = (line: readonly string[]) => line.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  const lines = [render(columns), render(widths.map((width) => '-'.repeat(width))), ...cells.map(render)];
  return lines.join('\n');
}

/** One block per row and one line per column, every value whole (psql's \x, DuckDB's .mode line). */
export function formatVertical(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const width = columns.reduce((widest, column) => Math.max(widest, column.length), 0);
  return rows
    .map((row, i) => [`-[ row ${i + 1} ]-`, ...columns.map((column) => `${column.padEnd(width)} | ${cellText(row[column])}`)].join('\n'))
    .join('\n');
}

export function printTable(io: CliIo, columns: readonly string[], rows: readonly Record<string, unknown>[], noun = 'row'): void {
  printRows(io, columns, rows, 'table', noun);
}

/** Rows in the layout asked for; the count and, when values were cut, how to see them whole go to stderr. */
export function printRows(io: CliIo, columns: readonly string[], rows: readonly Record<string, unknown>[], layout: RowLayout, noun = 'row'): void {
  if (layout === 'vertical') io.out(formatVertical(columns, rows));
  else io.out(formatTable(columns, rows, layout === 'wide' ? Infinity : MAX_CELL));
  io.err(`(${rows.length} ${noun}${rows.length === 1 ? '' : 's'})`);
  const wasCut = layout === 'table' && rows.some((row) => columns.some((column) => cellText(row[column]).length > MAX_CELL));
  if (wasCut) io.err(`(values over ${MAX_CELL} characters were cut: add --wide or --vertical to see them whole, or --json)`);
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  // Control characters from an event would drive the reader's terminal (escape sequences): show them escaped.
  return (typeof value === 'object' ? JSON.stringify(value) : String(value)).replace(/\s+/g, ' ').replace(CONTROL, escapeControl);
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const escapeControl = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
