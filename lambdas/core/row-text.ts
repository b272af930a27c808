import { rawJsonText } from './column-mapping';
import type { JsonObject } from './rows';

/**
 * One lake row as the line written to a file or a Firehose record, exact numbers as their digits and
 * JSON text columns as strings; `extra` is one more member (a sink's routing field) added at the end.
 */
export function rowText(record: JsonObject, extra = ''): string {
  const text = rawJsonText(record);
  return extra === '' ? text : `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}${extra}}`;
}
