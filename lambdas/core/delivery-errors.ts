/**
 * Firehose's error output, read back: which objects hold it, what each error record says, and the
 * lake rows inside its `rawData`, with the schema, table and day each row was bound for.
 *
 * Firehose writes, per record it could not partition or deliver, one JSON document holding the
 * record's bytes in base64 (`rawData`) next to what went wrong (`errorCode`, `errorMessage`; some
 * error types spell them `ErrorCode` or `lastErrorCode`), one document after another in an object
 * under the stream's error prefix. Our stream splits packed records into rows before it partitions
 * them, so a partitioning failure should hold one row; a record that failed before the split would
 * hold several, separated by ROW_DELIMITER. Both are read the same way: `rawData` split at the delimiter.
 */
import { assertSchemaName } from './integration';
import { ERROR_ROOT, LAKE_TABLES, PARTITION_COLUMN, PARTITION_FIELD, type LakeTable } from './lake-layout';
import { ROW_DELIMITER } from './record-packing';
import { withoutLastMember } from './row-text';
import { isJsonObject, type JsonObject, type LakeRow } from './rows';
import { RAW_TABLE, type RawEntry } from './raw-archive';

/**
 * Beside `errors/`: one marker per recovered error object, at `recovered/<key of the error object>`,
 * written once every row of it was taken by the delivery stream. Outside `errors/`, so the
 * `delivery_errors` table does not read markers, and outside `lake/`, so no integration's table does.
 */
export const RECOVERED_ROOT = 'recovered/';

/** `error-output-type` values the stream can write: its processors never call Lambda or convert formats. */
export const ERROR_OUTPUT_TYPES = ['partitioning-failed', 'processing-failed'] as const;

/** The marker's key for an error object's key. */
export function recoveredMarkerKey(errorKey: string): string {
  return `${RECOVERED_ROOT}${errorKey}`;
}

/** The error object's key a marker stands for, or undefined when `markerKey` is no marker. */
export function errorKeyOfMarker(markerKey: string): string | undefined {
  return markerKey.startsWith(`${RECOVERED_ROOT}${ERROR_ROOT}`) ? markerKey.slice(RECOVERED_ROOT.length) : undefined;
}

/** Where an error object sits: `errors/<error-output-type>/dt=<day>/<file>`, as the stack's error prefix writes it. */
export interface ErrorObjectPlace {
  readonly errorType?: string;
  /** The UTC day Firehose wrote it (the oldest record's arrival), YYYY-MM-DD. */
  readonly day?: string;
}

export function errorObjectPlace(key: string): ErrorObjectPlace {
  const match = new RegExp(`^${ERROR_ROOT}([^/]+)/${PARTITION_COLUMN}=(\\d{4}-\\d{2}-\\d{2})/`).exec(key);
  if (match) return { errorType: match[1], day: match[2] };
  const type = new RegExp(`^${ERROR_ROOT}([^/]+)/`).exec(key);
  return { errorType: type?.[1] };
}

/** What one error document says, with its record's bytes still encoded. */
export interface ErrorDocument {
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** Base64 of the record Firehose could not deliver. */
  readonly rawData: string;
}

export interface ParsedErrorObject {
  readonly documents: ErrorDocument[];
  /** Text that is not an error document (cut off, not JSON, no `rawData`): left where it is, reported. */
  readonly unreadable: number;
}

/**
 * The error documents of one object's text: JSON objects one after another, with or without
 * newlines between them. Field names are matched without regard to case.
 */
export function parseErrorObject(text: string): ParsedErrorObject {
  const documents: ErrorDocument[] = [];
  let unreadable = 0;
  for (const chunk of jsonObjectsIn(text)) {
    const document = errorDocumentOf(chunk);
    if (document) documents.push(document);
    else unreadable += 1;
  }
  return { documents, unreadable };
}

/** One row found in an error record: bound for `schema`, ready for a RecordSink. */
export interface RecoveredRow {
  readonly schema: string;
  readonly row: LakeRow;
}

/** A raw archive line found in an error record (raw-archive.ts): put back as the archive of a request with no rows. */
export interface RecoveredArchiveLine {
  readonly schema: string;
  readonly raw: RawEntry;
}

/** A piece of a record that is no row Hooklake wrote, with why. */
export interface UnroutableRow {
  readonly reason: string;
}

/**
 * The lake rows of one error record: `rawData` decoded and split at ROW_DELIMITER (one row or a
 * whole packed record), each row's routing field read back and taken off again, so the sink adds
 * it as it did the first time and the row lands in the table and day it was bound for.
 */
export function rowsOfErrorDocument(document: ErrorDocument): { rows: RecoveredRow[]; archived: RecoveredArchiveLine[]; unroutable: UnroutableRow[] } {
  const rows: RecoveredRow[] = [];
  const archived: RecoveredArchiveLine[] = [];
  const unroutable: UnroutableRow[] = [];
  const data = Buffer.from(document.rawData, 'base64').toString('utf8');
  for (const text of data.split(ROW_DELIMITER)) {
    if (text.trim() === '') continue;
    const found = recoveredRowOf(text);
    if ('reason' in found) unroutable.push(found);
    else if ('raw' in found) archived.push(found);
    else rows.push(found);
  }
  return { rows, archived, unroutable };
}

function recoveredRowOf(text: string): RecoveredRow | RecoveredArchiveLine | UnroutableRow {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { reason: 'not JSON' };
  }
  if (!isJsonObject(parsed)) return { reason: 'not a JSON object' };
  const routing = parsed[PARTITION_FIELD];
  if (!isJsonObject(routing)) return { reason: `no ${PARTITION_FIELD} field` };
  const { root, schema, table, dt } = routing;
  if (typeof schema !== 'string' || !isSchemaName(schema)) return { reason: `${PARTITION_FIELD}.schema is not a schema name` };
  if (root === 'raw' && table === RAW_TABLE && typeof dt === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(dt)) {
    const line = withoutLastMember(text, PARTITION_FIELD);
    // The sequence only names a line to split; a line read back from the error output is never split again.
    return line === undefined ? { reason: `${PARTITION_FIELD} is not the archive line's last field` } : { schema, raw: { dt, text: line, sequence: 0n } };
  }
  if (!LAKE_TABLES.includes(table as LakeTable)) return { reason: `${PARTITION_FIELD}.table is not one of ${LAKE_TABLES.join(', ')}` };
  if (typeof dt !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(dt)) return { reason: `${PARTITION_FIELD}.dt is not a YYYY-MM-DD day` };
  const rowText = withoutLastMember(text, PARTITION_FIELD);
  if (rowText === undefined) return { reason: `${PARTITION_FIELD} is not the row's last field, as the sink writes it` };
  return {
    schema,
    row: { table: table as LakeTable, dt, text: rowText, receivedAt: stringField(parsed, '_sdc_received_at'), sequence: sequenceOf(rowText) },
  };
}

function isSchemaName(schema: string): boolean {
  try {
    assertSchemaName(schema);
    return true;
  } catch {
    return false;
  }
}

function stringField(row: JsonObject, name: string): string {
  const value = row[name];
  return typeof value === 'string' ? value : '';
}

/**
 * The row's `_sdc_sequence`, exactly: read from the text, as JSON.parse would round it past 2^53.
 * The sink writes it as the row's own last member; quotes inside string values are escaped, so
 * only a member matches.
 */
function sequenceOf(text: string): bigint {
  const matches = [...text.matchAll(/"_sdc_sequence":(\d+)/g)];
  return matches.length === 0 ? 0n : BigInt(matches[matches.length - 1][1]);
}

function errorDocumentOf(chunk: string): ErrorDocument | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(chunk);
  } catch {
    return undefined;
  }
  if (!isJsonObject(parsed)) return undefined;
  const fields = new Map(Object.entries(parsed).map(([name, value]) => [name.toLowerCase(), value]));
  const rawData = fields.get('rawdata');
  if (typeof rawData !== 'string') return undefined;
  const text = (...names: string[]) => names.map((name) => fields.get(name)).find((value): value is string => typeof value === 'string');
  return { rawData, errorCode: text('errorcode', 'lasterrorcode'), errorMessage: text('errormessage', 'lasterrormessage') };
}

/**
 * The top-level JSON objects in `text`, as text: a scan for balanced braces outside strings, so
 * documents need no separator. Whatever lies between them that is not whitespace is yielded too,
 * for the caller to count as unreadable.
 */
function* jsonObjectsIn(text: string): Generator<string> {
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  let stray = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (depth === 0 && c !== '{') {
      if (!/\s/.test(c)) stray += c;
      continue;
    }
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) {
        if (stray !== '') yield stray;
        stray = '';
        start = i;
      }
      depth += 1;
    } else if (c === '}') {
      depth -= 1;
      if (depth === 0) yield text.slice(start, i + 1);
    }
  }
  if (depth > 0) yield text.slice(start);
  if (stray !== '') yield stray;
}
