import type { LakeTable } from './lake-layout';

export type JsonObject = { [key: string]: unknown };

/** One row bound for one table partition of one schema. */
export interface LakeRow {
  readonly table: LakeTable;
  /** `dt` partition value, YYYY-MM-DD (UTC). */
  readonly dt: string;
  readonly record: JsonObject;
}

/** Every row of one request: all of them are stored, or the request fails. */
export interface LakeBatch {
  readonly schema: string;
  readonly rows: readonly LakeRow[];
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
