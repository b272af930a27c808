/**
 * What every RecordSink must do, whatever it stores into. Each implementation supplies a reader that
 * lists what its storage holds, as the lake layout places it: the partition directory
 * `lake/<schema>/<table>/dt=YYYY-MM-DD/` and the record (without any routing-only field).
 */
import type { RecordSink } from '../../lambdas/app/ports';
import { SinkUnavailableError } from '../../lambdas/core/errors';
import type { JsonObject } from '../../lambdas/core/rows';
import { lakeRow, type TestLakeRow as LakeRow } from '../support/lake-rows';

type LakeBatch = { readonly schema: string; readonly rows: readonly LakeRow[] };

export interface StoredRow {
  /** The partition directory the row was stored under, relative to the lake's root: `lake/<schema>/<table>/dt=<day>/`. */
  readonly path: string;
  readonly record: JsonObject;
}

export interface RecordSinkUnderTest {
  readonly sink: RecordSink;
  /** Every row in storage now. Rows of one partition in the order storage holds them. */
  stored(): Promise<StoredRow[]>;
  /** Makes the storage fail every write from now on. */
  breakStorage(): Promise<void>;
  close(): Promise<void>;
}

/** The layout, spelled out here rather than taken from the code under test. */
const partition = (schema: string, table: string, dt: string): string => `lake/${schema}/${table}/dt=${dt}/`;

const DAY = '2026-11-23';
const RECEIVED = '2026-11-23T10:00:00.000Z';
let sequence = 1_795_000_000_000_000;

/** A row of `data` as the handler stamps it. */
function dataRow(fields: JsonObject, dt = DAY): LakeRow {
  return lakeRow('data', dt, { ...fields, _sdc_received_at: RECEIVED, _sdc_batched_at: RECEIVED, _sdc_sequence: sequence++, _sdc_table_version: 0 });
}

function rejectedRow(reason: string, text: string, dt = DAY): LakeRow {
  return lakeRow('_sdc_rejected', dt, { _sdc_rejected_at: RECEIVED, reason, record: text, _sdc_received_at: RECEIVED, _sdc_sequence: sequence++ });
}

/** Records whose JSON text is easy to get subtly wrong. */
function awkwardRecords(): JsonObject[] {
  return [
    { id: 'plain', n: 1, ok: true, nothing: null, empty: '', list: [], object: {} },
    { id: 'text', text: 'ünïcode ✓ 😀 "quoted" \\ back\nnew line\ttab \u0000 \u2028 </script>', 'key with spaces': 'x', Mixed_Case: 'y' },
    { id: 'numbers', big: 9007199254740991, negative: -42, fraction: 0.1, exponent: 1.5e300, tiny: 5e-324 },
    { id: 'nested', deep: { a: [1, { b: null, c: [[]] }], d: { e: { f: 'g' } } }, array_of_objects: [{ x: 1 }, { y: 2 }] },
    // "__proto__" parsed from JSON is an ordinary own key, and must stay one.
    JSON.parse('{"id":"proto","__proto__":{"polluted":true},"after":1}') as JsonObject,
  ];
}

/** Rows grouped by partition directory, each group in stored order. */
function byPath(rows: readonly StoredRow[]): Record<string, JsonObject[]> {
  const groups: Record<string, JsonObject[]> = {};
  for (const { path, record } of rows) (groups[path] ??= []).push(record);
  return groups;
}

export function describeRecordSinkContract(name: string, makeSink: () => Promise<RecordSinkUnderTest>): void {
  describe(`RecordSink contract: ${name}`, () => {
    let underTest: RecordSinkUnderTest | undefined;
    let sink: RecordSink;
    let stored: () => Promise<StoredRow[]>;

    beforeEach(async () => {
      underTest = await makeSink();
      sink = underTest.sink;
      stored = () => (underTest as RecordSinkUnderTest).stored();
    });

    afterEach(async () => {
      await underTest?.close();
      underTest = undefined;
    });

    it('has stored every row when write resolves, at its partition, the same JSON text as given, rejected 0', async () => {
      const rows = awkwardRecords().map((record) => dataRow(record));
      const report = await sink.write({ schema: 'stitch_iterable', rows });
      expect(report).toMatchObject({ rejected: 0 });

      const found = await stored();
      expect(found.map((row) => row.path)).toEqual(rows.map(() => partition('stitch_iterable', 'data', DAY)));
      expect(found.map((row) => JSON.stringify(row.record))).toEqual(rows.map((row) => JSON.stringify(row.record)));
      expect(found.map((row) => row.record)).toEqual(rows.map((row) => row.record));
      const proto = found[4].record;
      expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
      expect(Object.keys(proto)).toContain('__proto__');
    });

    it('routes each row to lake/<schema>/<table>/dt=<day>/ by its table and day', async () => {
      const hooks = [
        dataRow({ n: 1 }, '2026-11-22'),
        dataRow({ n: 2 }, '2026-11-23'),
        rejectedRow('record is a number, not a JSON object', '42', '2026-11-23'),
        dataRow({ n: 3 }, '2026-11-22'),
        rejectedRow('record is an array, not a JSON object', '[1]', '2026-11-22'),
      ];
      const other = [dataRow({ n: 4 }, '2026-11-23')];
      expect(await sink.write({ schema: 'hooks', rows: hooks })).toMatchObject({ rejected: 0 });
      expect(await sink.write({ schema: 'other_hooks', rows: other })).toMatchObject({ rejected: 0 });

      expect(byPath(await stored())).toEqual({
        [partition('hooks', 'data', '2026-11-22')]: [hooks[0].record, hooks[3].record],
        [partition('hooks', 'data', '2026-11-23')]: [hooks[1].record],
        [partition('hooks', '_sdc_rejected', '2026-11-23')]: [hooks[2].record],
        [partition('hooks', '_sdc_rejected', '2026-11-22')]: [hooks[4].record],
        [partition('other_hooks', 'data', '2026-11-23')]: [other[0].record],
      });
    });

    it('keeps the order of a batch within each partition, also for a batch of 1,201 rows', async () => {
      const rows = Array.from({ length: 1201 }, (_, i) => dataRow({ i, pad: 'x'.repeat(i % 7) }, i % 3 === 0 ? '2026-11-22' : DAY));
      await sink.write({ schema: 'ordered', rows });
      const groups = byPath(await stored());
      expect(Object.keys(groups).sort()).toEqual([partition('ordered', 'data', '2026-11-22'), partition('ordered', 'data', DAY)]);
      expect(groups[partition('ordered', 'data', '2026-11-22')].map((record) => record.i)).toEqual(
        rows.filter((row) => row.dt === '2026-11-22').map((row) => row.record.i),
      );
      expect(groups[partition('ordered', 'data', DAY)].map((record) => record.i)).toEqual(
        rows.filter((row) => row.dt === DAY).map((row) => row.record.i),
      );
    });

    it('stores nothing for an empty batch', async () => {
      expect(await sink.write({ schema: 'quiet', rows: [] })).toMatchObject({ rejected: 0 });
      expect(await stored()).toEqual([]);
    });

    it('stores every row of concurrent writes exactly once, each batch in order', async () => {
      const batches: LakeBatch[] = Array.from({ length: 40 }, (_, w) => ({
        schema: w % 2 === 0 ? 'busy_a' : 'busy_b',
        rows: [dataRow({ w, part: 1 }), dataRow({ w, part: 2 }, '2026-11-24'), dataRow({ w, part: 3 }), rejectedRow('bad', `[${w}]`)],
      }));
      const reports = await Promise.all(batches.map((batch) => sink.write(batch)));
      expect(reports.map((report) => report.rejected)).toEqual(batches.map(() => 0));

      const found = await stored();
      const expected = batches.flatMap((batch) => batch.rows.map((row) => ({ path: partition(batch.schema, row.table, row.dt), record: row.record })));
      const key = (row: StoredRow) => `${row.path} ${JSON.stringify(row.record)}`;
      expect(found.map(key).sort()).toEqual(expected.map(key).sort());
      const dataDay = found.filter((row) => row.path.endsWith(`/data/dt=${DAY}/`)).map((row) => row.record);
      for (let w = 0; w < batches.length; w++) {
        expect(dataDay.filter((record) => record.w === w).map((record) => record.part)).toEqual([1, 3]);
      }
    });

    it('does not change the batch it is given', async () => {
      const batch: LakeBatch = { schema: 'frozen', rows: [dataRow({ nested: { a: [1, 2] } }), rejectedRow('bad', '"x"')] };
      const before = structuredClone(batch);
      await sink.write(deepFreeze(batch));
      expect(batch).toEqual(before);
    });

    it('rejects with SinkUnavailableError, with a time to retry after, when storage fails', async () => {
      await (underTest as RecordSinkUnderTest).breakStorage();
      const failure = sink.write({ schema: 'broken', rows: [dataRow({ n: 1 }), dataRow({ n: 2 })] });
      await expect(failure).rejects.toBeInstanceOf(SinkUnavailableError);
      const error = (await failure.catch((e: unknown) => e)) as SinkUnavailableError;
      expect(error.retryAfterSeconds).toBeGreaterThan(0);
    });
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
