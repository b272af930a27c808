import { formatBytes } from './errors';
import type { DecodedRecord } from './decode-body';
import type { Integration } from './integration';
import { DATA_TABLE, REJECTED_TABLE, partitionDate } from './lake-layout';
import { isJsonObject, type JsonObject, type LakeRow } from './rows';

/** Firehose's record limit; applied on every runtime so the same events load locally and on AWS. */
export const DEFAULT_MAX_RECORD_BYTES = 1000 * 1024;
/** Room left in a rejected row for its other columns (and a sink's routing field) when the raw text is cut. */
const REJECTED_OVERHEAD_BYTES = 4 * 1024;
const RESERVED_FIELD = /^_?_sdc/i;

/** What stamping needs from its runtime: id sources and the record limit. */
export interface StampServices {
  readonly nextSequence: () => number;
  readonly uuid: () => string;
  readonly maxRecordBytes: number;
}

export interface StampContext extends StampServices {
  readonly integration: Integration;
  readonly receivedAt: Date;
  readonly batchedAt: Date;
}

export interface StampResult {
  readonly rows: LakeRow[];
  readonly records: number;
  readonly rejected: number;
}

/**
 * Turns decoded records into rows of `data`, stamped with the `_sdc` columns, or of `_sdc_rejected`
 * with the reason and the raw text. Sequences follow body order, so a later element wins in `data_latest`.
 */
export function stampRecords(records: readonly DecodedRecord[], ctx: StampContext): StampResult {
  const dt = partitionDate(ctx.receivedAt);
  const receivedAt = ctx.receivedAt.toISOString();
  const batchedAt = ctx.batchedAt.toISOString();
  const rows: LakeRow[] = [];
  let rejected = 0;
  for (const decoded of records) {
    const sequence = ctx.nextSequence();
    let reason = rejectionReason(decoded.value, ctx.integration.primaryKey);
    if (reason === undefined) {
      const record: JsonObject = {
        ...(decoded.value as JsonObject),
        _sdc_received_at: receivedAt,
        _sdc_batched_at: batchedAt,
        _sdc_sequence: sequence,
        _sdc_table_version: ctx.integration.tableVersion,
        ...(ctx.integration.primaryKey === undefined ? { __sdc_primary_key: ctx.uuid() } : {}),
      };
      const size = Buffer.byteLength(JSON.stringify(record), 'utf8');
      if (size <= ctx.maxRecordBytes) {
        rows.push({ table: DATA_TABLE, dt, record });
        continue;
      }
      reason = `record is ${formatBytes(size)} once stamped; the most a record may be is ${formatBytes(ctx.maxRecordBytes)}`;
    }
    rejected += 1;
    rows.push({
      table: REJECTED_TABLE,
      dt,
      record: rejectedRecord(
        { rejectedAt: batchedAt, reason, text: decoded.text ?? JSON.stringify(decoded.value), receivedAt, sequence },
        ctx.maxRecordBytes,
      ),
    });
  }
  return { rows, records: rows.length - rejected, rejected };
}

/** Why a record cannot be a row of `data`, or undefined when it can. */
export function rejectionReason(value: unknown, primaryKey: string | undefined): string | undefined {
  if (!isJsonObject(value)) return `record is ${describe(value)}, not a JSON object`;
  const seen = new Map<string, string>();
  for (const key of Object.keys(value)) {
    if (RESERVED_FIELD.test(key)) return `field "${key}" is reserved: fields starting with _sdc are set by Hooklake`;
    const folded = key.toLowerCase();
    const other = seen.get(folded);
    if (other !== undefined) return `fields "${other}" and "${key}" collide: column names are not case-sensitive`;
    seen.set(folded, key);
  }
  if (primaryKey !== undefined) {
    const key = value[primaryKey];
    if (key === undefined || key === null) return `primary key field "${primaryKey}" is missing or null`;
    if (typeof key === 'object') return `primary key field "${primaryKey}" is ${describe(key)}; it must be a string, number or boolean`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

export interface RejectedFields {
  readonly rejectedAt: string;
  readonly reason: string;
  /** The raw record text, cut here if it is too long. */
  readonly text: string;
  readonly receivedAt: unknown;
  readonly sequence: unknown;
}

/**
 * A row of `_sdc_rejected`. Shared with the record sinks, which reject the rare record that their
 * routing fields push over the limit. The text is cut so the whole row stays under `maxRecordBytes`.
 */
export function rejectedRecord(fields: RejectedFields, maxRecordBytes: number): JsonObject {
  return {
    _sdc_rejected_at: fields.rejectedAt,
    reason: fields.reason,
    record: cutToJsonBytes(fields.text, maxRecordBytes - REJECTED_OVERHEAD_BYTES),
    _sdc_received_at: fields.receivedAt,
    _sdc_sequence: fields.sequence,
  };
}

/**
 * Cuts text on a character boundary so that, serialised as a JSON string, it takes at most `maxBytes`.
 * Escapes count: raw JSON text full of quotes or backslashes nearly doubles when serialised again.
 */
function cutToJsonBytes(text: string, maxBytes: number): string {
  let cut = text;
  let size = jsonBytes(cut);
  while (size > maxBytes && cut !== '') {
    const budget = Math.floor((Buffer.byteLength(cut, 'utf8') * maxBytes) / size);
    // Decoding a cut buffer leaves one U+FFFD for a split character; drop it to stay valid UTF-8.
    cut = new TextDecoder().decode(Buffer.from(cut, 'utf8').subarray(0, budget)).replace(/\uFFFD$/, '');
    size = jsonBytes(cut);
  }
  return cut;
}

function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8');
}
