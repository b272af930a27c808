import { ValidationError } from './errors';

/** Statements that only read: what a SQL box open to a browser may run. */
const READING_KEYWORDS = new Set(['select', 'with', 'from', 'values', 'table', 'show', 'describe', 'summarize', 'explain']);
/** Words that write or reach outside the lake, refused anywhere in a statement. */
const WRITING_KEYWORDS = /\b(insert|update|delete|merge|create|drop|alter|copy|attach|detach|install|load|pragma|set|call|export|import|checkpoint|vacuum|grant|revoke|unload|msck)\b/i;

/** Table functions and settings that read files or the environment (DuckDB), outside the lake's views. */
const OUTSIDE_THE_LAKE = /\b(read_\w+|\w+_scan|glob|sniff_csv|getenv|current_setting|duckdb_\w+)\s*\(/i;
/** A string, or a quoted name holding a dot or slash, right after FROM or JOIN: DuckDB reads it as a file path. */
const FILE_AS_TABLE = /\b(from|join)\s+('|"[^"]*[./\\])/i;

/**
 * The statement, trimmed of a final semicolon, when it is one statement that reads; otherwise a
 * ValidationError saying why. Text inside quotes and comments is not looked at for keywords.
 */
export function assertReadOnlySql(sql: string): string {
  const code = withoutQuotedText(sql).trim().replace(/;\s*$/, '');
  if (code === '') throw new ValidationError('Write a SQL statement, e.g. SELECT * FROM my_webhooks.data LIMIT 10.');
  if (code.includes(';')) throw new ValidationError('Run one statement at a time.');
  const first = /^[(\s]*([a-z_]+)/i.exec(code)?.[1]?.toLowerCase() ?? '';
  const writing = WRITING_KEYWORDS.exec(code)?.[1];
  // A first word that neither reads nor writes is a typo, not an attempt to write: say so.
  if (writing === undefined && !READING_KEYWORDS.has(first)) {
    throw new ValidationError(`Syntax error: "${/^[(\s]*([^\s()*,]*)/.exec(code)?.[1] ?? ''}" does not start a statement this box knows; it runs one statement that reads (SELECT, WITH, DESCRIBE, ...).`);
  }
  if (!READING_KEYWORDS.has(first) || writing !== undefined) {
    throw new ValidationError(`Only statements that read are run here (SELECT, WITH, DESCRIBE, ...)${writing === undefined ? '' : `; found "${writing.toUpperCase()}"`}.`);
  }
  const outside = OUTSIDE_THE_LAKE.exec(code)?.[1] ?? (FILE_AS_TABLE.test(withoutComments(sql)) ? 'a file path as a table' : undefined);
  if (outside !== undefined) throw new ValidationError(`Only the lake's tables are read here; "${outside}" reads outside them.`);
  return sql.trim().replace(/;\s*$/, '').trimEnd();
}

/** The SQL with string literals, quoted identifiers and comments blanked out, lengths kept. */
function withoutQuotedText(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'?|"(?:[^"]|"")*"?|--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/g, (match) => ' '.repeat(match.length));
}

function withoutComments(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'?|--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/g, (match) => (match.startsWith("'") ? match : ' '));
}
