/**
 * Packing lake rows into Firehose records, and records into PutRecordBatch calls. Firehose bills
 * every record as a whole number of 5 KB units, so one 1 KB row per record pays for 5 KB; rows
 * that go to the same partition share records instead, separated by a newline, and the delivery
 * stream splits them again (record deaggregation, DELIMITED) before it reads their partition keys.
 */

/** What a record may hold and a call may carry. */
export interface PackingLimits {
  /** Bytes of one record, separators included. */
  readonly maxRecordBytes: number;
  /** Rows in one record: Firehose deaggregates at most 500 sub-records per record. */
  readonly maxRowsPerRecord: number;
  /** Records in one PutRecordBatch call. */
  readonly maxCallRecords: number;
  /** Bytes in one PutRecordBatch call. */
  readonly maxCallBytes: number;
}

/** Firehose's own limits (1,000 KiB per record; 500 records and 4 MiB per call; 500 sub-records). */
export const FIREHOSE_LIMITS: PackingLimits = {
  maxRecordBytes: 1000 * 1024,
  maxRowsPerRecord: 500,
  maxCallRecords: 500,
  maxCallBytes: 4 * 1024 * 1024,
};

/**
 * Between two rows of one record. Row texts are single-line JSON (a newline inside a string is
 * escaped), so a newline never occurs inside a row; the stream splits on it and appends one back
 * after every row, which keeps the lake files NDJSON.
 */
export const ROW_DELIMITER = '\n';
const DELIMITER_BYTE = 0x0a;

/** One record body and how many rows it carries. */
export interface PackedRecord {
  readonly data: Buffer;
  readonly rows: number;
}

/**
 * Rows bound for one partition, in order, as few records as the limits allow: each record is a
 * run of consecutive rows joined by ROW_DELIMITER, with none after the last. A row over
 * `maxRecordBytes` on its own is the caller's to reject first; here it is a programming error.
 */
export function packRows(rows: readonly Uint8Array[], limits: PackingLimits = FIREHOSE_LIMITS): PackedRecord[] {
  const records: PackedRecord[] = [];
  let run: Uint8Array[] = [];
  let bytes = 0;
  const flush = () => {
    if (run.length > 0) records.push({ data: join(run, bytes), rows: run.length });
    run = [];
    bytes = 0;
  };
  for (const row of rows) {
    if (row.byteLength > limits.maxRecordBytes) {
      throw new RangeError(`A row of ${row.byteLength} bytes cannot fit a record of at most ${limits.maxRecordBytes} bytes.`);
    }
    const grown = bytes + (run.length > 0 ? 1 : 0) + row.byteLength;
    if (run.length === limits.maxRowsPerRecord || grown > limits.maxRecordBytes) flush();
    bytes += (run.length > 0 ? 1 : 0) + row.byteLength;
    run.push(row);
  }
  flush();
  return records;
}

/** Consecutive runs of records that fit one PutRecordBatch call each, order kept. */
export function batchRecords<T extends { readonly data: Uint8Array }>(records: readonly T[], limits: PackingLimits = FIREHOSE_LIMITS): T[][] {
  const calls: T[][] = [];
  let call: T[] = [];
  let bytes = 0;
  for (const record of records) {
    if (call.length > 0 && (call.length === limits.maxCallRecords || bytes + record.data.byteLength > limits.maxCallBytes)) {
      calls.push(call);
      call = [];
      bytes = 0;
    }
    call.push(record);
    bytes += record.data.byteLength;
  }
  if (call.length > 0) calls.push(call);
  return calls;
}

function join(rows: readonly Uint8Array[], bytes: number): Buffer {
  if (rows.length === 1) return Buffer.from(rows[0].buffer, rows[0].byteOffset, rows[0].byteLength);
  const data = Buffer.allocUnsafe(bytes);
  let at = 0;
  rows.forEach((row, i) => {
    if (i > 0) data[at++] = DELIMITER_BYTE;
    data.set(row, at);
    at += row.byteLength;
  });
  return data;
}
