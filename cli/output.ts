import type { CliIo } from './io';

const MAX_CELL = 80;

export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** A plain aligned text table; long cells are cut (use --json for every byte). */
export function formatTable(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const cells = rows.map((row) => columns.map((column) => cellText(row[column])));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((line) => line[i].length)));
  const render = (line: readonly string[]) => line.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  const lines = [render(columns), render(widths.map((width) => '-'.repeat(width))), ...cells.map(render)];
  return lines.join('\n');
}

export function printTable(io: CliIo, columns: readonly string[], rows: readonly Record<string, unknown>[], noun = 'row'): void {
  io.out(formatTable(columns, rows));
  io.err(`(${rows.length} ${noun}${rows.length === 1 ? '' : 's'})`);
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = (typeof value === 'object' ? JSON.stringify(value) : String(value)).replace(/\s+/g, ' ');
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}
