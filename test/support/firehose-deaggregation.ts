import { ROW_DELIMITER } from '../../lambdas/core/record-packing';

/**
 * What the delivery stream's deaggregation makes of a packed record: its sub-records, split at the
 * stack's delimiter. (A row's JSON text never holds a raw newline, so splitting the text is splitting the bytes.)
 */
export function subRecordsOf(data: Uint8Array): string[] {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8').split(ROW_DELIMITER);
}
