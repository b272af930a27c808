import { JsonText } from './column-mapping';
import { ExactNumber } from './exact-number';
import type { JsonObject } from './rows';

/**
 * One lake row as the line written to a file or a Firehose record: exact numbers as their digits,
 * JSON text columns as strings. Rows are flat (mapRecord made them so); anything nested that reaches
 * here is written as JSON.
 */
export function rowText(record: JsonObject, extra = ''): string {
  const members: string[] = [];
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (value === undefined) continue;
    members.push(`${JSON.stringify(key)}:${cellText(value)}`);
  }
  return `{${members.join(',')}${extra === '' ? '' : `${members.length > 0 ? ',' : ''}${extra}`}}`;
}

function cellText(value: unknown): string {
  if (value instanceof ExactNumber) return value.text;
  if (value instanceof JsonText) return JSON.stringify(value.text);
  return JSON.stringify(value, (_key, inner: unknown) => (inner instanceof JsonText ? inner.text : inner instanceof ExactNumber ? Number(inner.text) : inner)) ?? 'null';
}
