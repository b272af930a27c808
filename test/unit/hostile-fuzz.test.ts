import fc from 'fast-check';
import { decodeBody, ELEMENTWISE_BYTES, type DecodedRecord } from '../../lambdas/core/decode-body';
import { MalformedBodyError, PayloadTooLargeError, TooManyRecordsError, UnsupportedMediaTypeError } from '../../lambdas/core/errors';
import { newIntegration } from '../../lambdas/core/integration';
import { DATA_TABLE, REJECTED_TABLE } from '../../lambdas/core/lake-layout';
import { DEFAULT_MAX_RECORD_BYTES, stampRecords } from '../../lambdas/core/stamp';

const LIMIT = 4 * 1024 * 1024;
const CONTENT_TYPES = [undefined, 'application/json', 'application/x-ndjson', 'text/json; charset=utf-8'];
const NAMED_ERRORS = [MalformedBodyError, PayloadTooLargeError, TooManyRecordsError, UnsupportedMediaTypeError];
const at = new Date('2026-11-24T10:00:00.000Z');

/** Decodes and reads every record: undefined, or one of our named errors; anything else fails the property. */
function decodeAll(body: Buffer, contentType: string | undefined): DecodedRecord[] | undefined {
  try {
    return [...decodeBody(body, contentType, LIMIT)];
  } catch (error) {
    if (NAMED_ERRORS.some((named) => error instanceof named)) return undefined;
    throw error;
  }
}

/** Maps records as ingest does, with a fresh registry: every record must become a row, kept or rejected. */
function stamp(records: DecodedRecord[], sourceBytes?: number) {
  let sequence = 0;
  const integration = newIntegration({ name: 'Fuzz' }, at);
  return stampRecords(records, { integration, receivedAt: at, batchedAt: at, columns: new Map(), sourceBytes, nextSequence: () => BigInt(++sequence), uuid: () => 'uuid', maxRecordBytes: DEFAULT_MAX_RECORD_BYTES });
}

/** Text made mostly of JSON's structural characters: deep, unbalanced, unterminated, escaped. */
const structuralUnit = fc.constantFrom('[', ']', '{', '}', '"', ':', ',', '\\', '\n', ' ', '1', 'e', '-', 'a', '\u00e9', '\ufeff');
const structural = fc.string({ unit: structuralUnit, maxLength: 3_000 });
/** Openers and value prefixes repeated thousands of times: deep enough to overflow anything that recurses. */
const repeated = fc
  .tuple(fc.string({ unit: fc.constantFrom('[', '{"k":', '[{"a":', ' ', '\n', '1,', '"', ']'), minLength: 1, maxLength: 4 }), fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 5_000, max: 30_000 })))
  .map(([fragment, times]) => fragment.repeat(times));
/** Valid JSON with a few bytes changed, cut, or inserted. */
const mutatedJson = fc
  .tuple(fc.json(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'insert')), { maxLength: 4 }))
  .map(([text, edits]) => {
    let bytes = Buffer.from(text, 'utf8');
    for (const [position, byte, edit] of edits) {
      const i = bytes.length === 0 ? 0 : position % bytes.length;
      if (edit === 'cut') bytes = bytes.subarray(0, i);
      else if (edit === 'insert') bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)]);
      else if (bytes.length > 0) bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i + 1)]);
    }
    return bytes;
  });
const anyBody = fc.oneof(fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)), structural.map((text) => Buffer.from(text, 'utf8')), repeated.map((text) => Buffer.from(text, 'utf8')), mutatedJson);

describe('fuzzing decoding and mapping', () => {
  it('decodes any bytes to records or refuses them with a named 4xx error, never anything else', () => {
    fc.assert(
      fc.property(anyBody, fc.constantFrom(...CONTENT_TYPES), (body, contentType) => {
        const records = decodeAll(body, contentType);
        if (records === undefined) return;
        const result = stamp(records, body.length);
        expect(result.records + result.rejected).toBe(records.length);
        for (const row of result.rows) expect(() => JSON.parse(row.text)).not.toThrow();
      }),
      { numRuns: 1_500 },
    );
  });

  it('refuses any text nested past the limit, valid or not, with the 400 that names it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 101, max: 20_000 }), fc.constantFrom('[', '{"k":', '[{"a":'), fc.constantFrom('', ']', 'x', '}'), fc.boolean(), (levels, open, tail, large) => {
        const pad = large ? `{"pad":"${'x'.repeat(ELEMENTWISE_BYTES)}"},` : '';
        const body = Buffer.from(`[${pad}${open.repeat(levels)}${tail}`);
        expect(() => [...decodeBody(body, 'application/json', LIMIT)]).toThrow('nested more than 100 levels deep; the most is 100.');
      }),
      { numRuns: 200 },
    );
  });

  it('stores every accepted record with its values, as an array, a large array and NDJSON alike', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9]{0,12}$/);
    const value = fc.oneof(fc.string(), fc.boolean(), fc.integer(), fc.constant(null));
    const event = fc.dictionary(name, value, { minKeys: 1, maxKeys: 8 });
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 20 }), fc.boolean(), (events, ndjson) => {
        const pad = { pad: 'x'.repeat(ELEMENTWISE_BYTES) };
        for (const body of ndjson ? [events.map((e) => JSON.stringify(e)).join('\n')] : [JSON.stringify(events), JSON.stringify([...events, pad])]) {
          const records = decodeAll(Buffer.from(body), ndjson ? 'application/x-ndjson' : 'application/json');
          if (records === undefined) throw new Error(`refused a valid body: ${body.slice(0, 200)}`);
          const { rows, rejected } = stamp(records);
          expect(rejected).toBe(0);
          const stored = rows.filter((row) => row.table === DATA_TABLE).map((row) => JSON.parse(row.text) as Record<string, unknown>);
          // A value of another type than the column's first lands in a split column (`<name>__st`, ...).
          events.forEach((sent, i) => {
            for (const [key, sentValue] of Object.entries(sent)) {
              const columns = Object.entries(stored[i]).filter(([column]) => column === key || column.startsWith(`${key}__`));
              if (sentValue !== null) expect(columns).toEqual([[expect.any(String), sentValue]]);
            }
          });
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the raw text of every rejected record whole, so nothing sent is lost', () => {
    const hostile = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(fc.constantFrom('_sdc_x', '', '!!!', 'A', 'a', '__proto__', 'constructor'), fc.jsonValue(), { minKeys: 1 }),
    );
    fc.assert(
      fc.property(fc.array(hostile, { maxLength: 10 }), (values) => {
        const records = decodeAll(Buffer.from(JSON.stringify(values)), 'application/json');
        if (records === undefined) throw new Error('refused a valid body');
        for (const row of stamp(records).rows.filter((row) => row.table === REJECTED_TABLE)) {
          const { record } = JSON.parse(row.text) as { record: string };
          expect(() => JSON.parse(record)).not.toThrow();
        }
      }),
      { numRuns: 500 },
    );
  });
});
