import { formatBytes } from './errors';
import type { DecodedRecord } from './decode-body';
import type { Integration } from './integration';
import { DATA_TABLE, REJECTED_TABLE, partitionDate } from './lake-layout';
import { isJsonObject, type JsonObject, type LakeRow } from './rows';

/** Firehose's record limit; applied on every runtime so the same events load locally and on AWS. */
export const DEFAULT_MAX_RECORD_BYTES = 1000 * 1024;
/** Room left in a rejected row for its other columns when the raw record text is cut. */
const REJECTED_OVERHEAD_BYTES = 4 * 1024;
const RESERVED_FIELD = /^_?_sdc/i;

export interface StampContext {
  readonly integration: Integration;
  readonly receivedAt: Date;
  readonly batchedAt: Date;
  readonly nextSequence: () => number;
  readonly uuid: () => string;
  readonly maxRecordBytes: number;
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
      record: {
        _sdc_rejected_at: batchedAt,
        reason,
        record: rawText(decoded, ctx.maxRecordBytes - REJECTED_OVERHEAD_BYTES),
        _sdc_received_at: receivedAt,
        _sdc_sequence: sequence,
      },
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

function rawText(decoded: DecodedRecord, maxBytes: number): string {
  const text = decoded.text ?? JSON.stringify(decoded.value);
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  // Cut on a character boundary so the stored text stays valid UTF-8.
  return new TextDecoder().decode(Buffer.from(text, 'utf8').subarray(0, maxBytes)).replace(/\uFFFD$/, '');
}
