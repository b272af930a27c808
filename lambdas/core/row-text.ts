import { jsonText, JsonText } from './column-mapping';
import { ExactNumber, ExactNumberInJson } from './exact-number';
import type { JsonObject } from './rows';

/**
 * One lake row as the line written to a file or a Firehose record: exact numbers as their digits,
 * JSON text columns as strings. Rows are flat (mapRecord made them so); anything nested that reaches
 * here is written as JSON.
 */
export function rowText(record: JsonObject, extra = ''): string {
  try {
    // The common case: JSON.stringify, native and fast (JsonText writes itself as a string; an
    // ExactNumber throws, and the exact writer below takes over).
    const text = JSON.stringify(record);
    return extra === '' ? text : `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}${extra}}`;
  } catch (error) {
    if (!(error instanceof ExactNumberInJson)) throw error;
  }
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
  return jsonText(value) ?? JSON.stringify(value, (_key, inner: unknown) => (inner instanceof ExactNumber ? Number(inner.text) : inner)) ?? 'null';
}
