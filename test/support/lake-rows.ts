import { rawJsonText } from '../../lambdas/core/column-mapping';
import type { LakeTable } from '../../lambdas/core/lake-layout';
import type { JsonObject, LakeRow } from '../../lambdas/core/rows';

/** A row as stamping hands it to a sink, plus the record it stands for (which sinks never read). */
export type TestLakeRow = LakeRow & { readonly record: JsonObject };

/** A row as stamping hands it to a sink, from the record it stands for. */
export function lakeRow(table: LakeTable, dt: string, record: JsonObject): TestLakeRow {
  return {
    record,
    table,
    dt,
    text: rawJsonText(record),
    receivedAt: typeof record._sdc_received_at === 'string' ? record._sdc_received_at : '',
    sequence: typeof record._sdc_sequence === 'number' ? BigInt(record._sdc_sequence) : 0n,
  };
}

/** The record a row's text holds. */
export function recordOf(row: LakeRow): JsonObject {
  return JSON.parse(row.text) as JsonObject;
}
