import type { LakeTable } from './lake-layout';
import type { RawEntry } from './raw-archive';

export type JsonObject = { [key: string]: unknown };

/** One row bound for one table partition of one schema. */
export interface LakeRow {
  readonly table: LakeTable;
  /** `dt` partition value, YYYY-MM-DD (UTC). */
  readonly dt: string;
  /** The row as one line of JSON, serialised once by stamping; sinks write it as it is. */
  readonly text: string;
  /** `_sdc_received_at` and `_sdc_sequence` of the row, for a sink that must turn it into a rejected row. */
  readonly receivedAt: string;
  readonly sequence: bigint;
}

/**
 * Rows of one table and day compressed while a large request was stamped, so its rows' texts are
 * never all held at once: raw deflate segments that each end on a sync flush, so that packs of
 * several requests join into one stream by concatenation, with the CRC-32 and length of their text.
 */
export interface PackedRows {
  readonly table: LakeTable;
  readonly dt: string;
  readonly rows: number;
  readonly segments: readonly Uint8Array[];
  readonly crc32: number;
  readonly bytes: number;
}

/** Takes a request's rows as they are stamped (a sink's, for large requests). */
export interface RowPacker {
  add(row: LakeRow): void;
  /** What was added, by table and day. */
  finish(): PackedRows[];
}

/** Every row of one request: all of them are stored, or the request fails. */
export interface LakeBatch {
  readonly schema: string;
  readonly rows: readonly LakeRow[];
  /** Rows packed as they were stamped, besides `rows` (a sink that packs rows gets them back so). */
  readonly packed?: readonly PackedRows[];
  /** The request as the raw archive keeps it, stored with the rows (raw-archive.ts); absent when the archive is off. */
  readonly raw?: RawEntry;
}

/** A JSON object as parsed: a plain object (not an array, nor a value class such as ExactNumber). */
export function isJsonObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
