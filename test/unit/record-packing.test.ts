import fc from 'fast-check';
import { batchRecords, FIREHOSE_LIMITS, packRows, type PackingLimits } from '../../lambdas/core/record-packing';
import { subRecordsOf } from '../support/firehose-deaggregation';

const rowText = (text: string): Buffer => Buffer.from(text, 'utf8');
const texts = (records: readonly { data: Uint8Array }[]): string[][] => records.map((record) => subRecordsOf(record.data));

/** Small limits, so that a few short rows reach every one of them. */
const limitsArb: fc.Arbitrary<PackingLimits> = fc.record({
  maxRecordBytes: fc.integer({ min: 8, max: 120 }),
  maxRowsPerRecord: fc.integer({ min: 1, max: 6 }),
  maxCallRecords: fc.integer({ min: 1, max: 5 }),
  maxCallBytes: fc.integer({ min: 120, max: 400 }),
});
/** Single-line rows (no newline, as JSON text is), possibly multi-byte, never over the record limit. */
const rowsFor = (limits: PackingLimits) =>
  fc.array(
    fc.string({ unit: 'grapheme', maxLength: 40 }).map((text) => text.replace(/\n/g, ' ')).filter((text) => Buffer.byteLength(text) <= limits.maxRecordBytes),
    { maxLength: 60 },
  );

describe('packRows', () => {
  it('puts every row into exactly one record, in order, within the limits, in as few records as consecutive runs allow', () => {
    fc.assert(
      fc.property(limitsArb.chain((limits) => fc.tuple(fc.constant(limits), rowsFor(limits))), ([limits, rows]) => {
        const records = packRows(rows.map(rowText), limits);
        expect(texts(records).flat()).toEqual(rows);
        for (const record of records) {
          expect(record.data.byteLength).toBeLessThanOrEqual(limits.maxRecordBytes);
          expect(record.rows).toBeGreaterThanOrEqual(1);
          expect(record.rows).toBeLessThanOrEqual(limits.maxRowsPerRecord);
          expect(subRecordsOf(record.data)).toHaveLength(record.rows);
        }
        // Greedy: a record is only closed when the next row would not fit it.
        for (let i = 0; i + 1 < records.length; i++) {
          const nextRow = subRecordsOf(records[i + 1].data)[0];
          const full = records[i].rows === limits.maxRowsPerRecord || records[i].data.byteLength + 1 + Buffer.byteLength(nextRow) > limits.maxRecordBytes;
          expect(full).toBe(true);
        }
      }),
    );
  });

  it('joins rows with one newline and ends a record without one', () => {
    const records = packRows(['{"a":1}', '{"a":2}', '{"a":3}'].map(rowText));
    expect(records).toHaveLength(1);
    expect(records[0].data.toString('utf8')).toBe('{"a":1}\n{"a":2}\n{"a":3}');
    expect(records[0].rows).toBe(3);
  });

  it('fills a record to exactly the byte limit, separators counted', () => {
    const limits = { ...FIREHOSE_LIMITS, maxRecordBytes: 9 };
    expect(texts(packRows(['1234', '5678', '9'].map(rowText), limits))).toEqual([['1234', '5678'], ['9']]);
  });

  it('puts at most 500 rows in a record, as Firehose deaggregates no more', () => {
    const records = packRows(Array.from({ length: 1201 }, (_, i) => rowText(`{"i":${i}}`)));
    expect(records.map((record) => record.rows)).toEqual([500, 500, 201]);
  });

  it('makes no record for no rows, and keeps an empty row as a row', () => {
    expect(packRows([])).toEqual([]);
    expect(texts(packRows([rowText(''), rowText('x')]))).toEqual([['', 'x']]);
  });

  it('refuses a row that cannot fit any record', () => {
    expect(() => packRows([rowText('x'.repeat(11))], { ...FIREHOSE_LIMITS, maxRecordBytes: 10 })).toThrow(RangeError);
  });
});

describe('batchRecords', () => {
  it('keeps every record once, in order, each call within the record count and byte limits', () => {
    fc.assert(
      fc.property(limitsArb.chain((limits) => fc.tuple(fc.constant(limits), rowsFor(limits))), ([limits, rows]) => {
        const records = packRows(rows.map(rowText), limits);
        const calls = batchRecords(records, limits);
        expect(calls.flat()).toEqual(records);
        for (const call of calls) {
          expect(call.length).toBeGreaterThanOrEqual(1);
          expect(call.length).toBeLessThanOrEqual(limits.maxCallRecords);
          const bytes = call.reduce((sum, record) => sum + record.data.byteLength, 0);
          // A record never exceeds maxRecordBytes, which is below maxCallBytes here.
          expect(bytes).toBeLessThanOrEqual(limits.maxCallBytes);
        }
      }),
    );
  });
});
