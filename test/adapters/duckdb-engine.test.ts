import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { QueryStoppedError, ValidationError } from '../../lambdas/core/errors';
import type { Integration } from '../../lambdas/core/integration';
import type { RegisteredColumn } from '../../lambdas/app/ports';
import type { JsonObject, LakeRow } from '../../lambdas/core/rows';
import { lakeRow } from '../support/lake-rows';
import { stampRecords } from '../../lambdas/core/stamp';
import { DuckDbQueryEngine } from '../../local/duckdb-engine';
import { FileLakeSink } from '../../local/file-lake-sink';

const integration = (schema: string, primaryKey?: string): Integration => ({
  name: schema,
  schema,
  type: 'webhooks',
  tableVersion: 0,
  createdAt: '2026-11-23T00:00:00.000Z',
  ...(primaryKey === undefined ? {} : { primaryKey }),
});

const KEYED = integration('stitch_iterable', 'email');
const UNKEYED = integration('my_webhooks');
const DATA_SYSTEM_COLUMNS = ['_sdc_received_at', '_sdc_batched_at', '_sdc_sequence', '_sdc_table_version'];
const REJECTED_COLUMNS = ['_sdc_rejected_at', '_sdc_received_at', '_sdc_sequence', 'reason', 'record', 'dt'];

let dataDir: string;
let sink: FileLakeSink;
let engine: DuckDbQueryEngine | undefined;
let sequence = 1_795_000_000_000_000;

beforeEach(async () => {
  registries = new Map();
  dataDir = await mkdtemp(join(tmpdir(), 'hooklake-duckdb-'));
  sink = new FileLakeSink(dataDir);
});

afterEach(async () => {
  await engine?.close();
  engine = undefined;
  await sink.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Each schema's column registry, as the store keeps it: grown by the rows the tests write. */
let registries = new Map<string, RegisteredColumn[]>();

const open = async (...integrations: Integration[]) =>
  (engine = await DuckDbQueryEngine.open(dataDir, integrations.map((integration) => ({ integration, columns: registries.get(integration.schema) ?? [] }))));

/** Rows of `data` as the ingest path makes them (mapped to columns and stamped), their new columns registered. */
function dataRows(target: Integration, events: readonly JsonObject[], receivedAt = '2026-11-23T10:00:00.123Z'): LakeRow[] {
  const known = registries.get(target.schema) ?? [];
  const stamped = stampRecords(
    events.map((value) => ({ value })),
    {
      integration: target,
      receivedAt: new Date(receivedAt),
      batchedAt: new Date(receivedAt),
      columns: new Map(known.map((column) => [column.name, column.type])),
      nextSequence: () => BigInt(sequence++),
      uuid: () => `uuid-${sequence}`,
      maxRecordBytes: 1000 * 1024,
    },
  );
  if (stamped.rejected > 0) throw new Error(`test event refused: ${JSON.stringify(stamped.rows)}`);
  registries.set(target.schema, [...known, ...stamped.newColumns.map((column) => ({ ...column, firstSeenAt: receivedAt }))]);
  return stamped.rows;
}

const dataRow = (fields: JsonObject, receivedAt?: string) => dataRows(KEYED, [fields], receivedAt)[0];

function rejectedRow(reason: string, text: string): LakeRow {
  return lakeRow('_sdc_rejected', '2026-11-23', { _sdc_rejected_at: '2026-11-23T10:00:01.000Z', reason, record: text, _sdc_received_at: '2026-11-23T10:00:00.000Z', _sdc_sequence: sequence++ });
}

/** A lake file written directly, for content the sink would never produce on its own. */
async function writeLakeFile(schema: string, dt: string, name: string, lines: readonly string[]): Promise<void> {
  const dir = join(dataDir, 'lake', schema, 'data', `dt=${dt}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), gzipSync(lines.join('\n') + '\n'));
}

describe('DuckDbQueryEngine', () => {
  it('has typed, empty views before any data', async () => {
    const db = await open(KEYED, UNKEYED);
    for (const view of ['data', 'data_latest']) {
      expect(await db.query(`SELECT * FROM stitch_iterable.${view}`)).toEqual({ columns: [...DATA_SYSTEM_COLUMNS, 'email', 'dt'], rows: [] });
      expect(await db.query(`SELECT * FROM my_webhooks.${view}`)).toEqual({ columns: [...DATA_SYSTEM_COLUMNS, '__sdc_primary_key', 'dt'], rows: [] });
    }
    expect(await db.query('SELECT * FROM stitch_iterable._sdc_rejected')).toEqual({ columns: REJECTED_COLUMNS, rows: [] });
    const types = await db.query('SELECT column_name, column_type FROM (DESCRIBE my_webhooks._sdc_rejected)');
    expect(types.rows).toEqual([
      { column_name: '_sdc_rejected_at', column_type: 'TIMESTAMP' },
      { column_name: '_sdc_received_at', column_type: 'TIMESTAMP' },
      { column_name: '_sdc_sequence', column_type: 'BIGINT' },
      { column_name: 'reason', column_type: 'VARCHAR' },
      { column_name: 'record', column_type: 'VARCHAR' },
      { column_name: 'dt', column_type: 'VARCHAR' },
    ]);
  });

  it('queries <schema>.data with JSON-safe values', async () => {
    await sink.write({
      schema: 'stitch_iterable',
      rows: [dataRow({ email: 'a@example.com', event: 'open', props: { campaign: 7, tags: ['x', 'y'] }, score: 1.5, ok: true })],
    });
    const db = await open(KEYED);
    const result = await db.query('SELECT * FROM stitch_iterable.data');
    expect(result.rows).toEqual([
      {
        email: 'a@example.com',
        event: 'open',
        props__campaign: 7,
        props__tags: '["x","y"]',
        score: 1.5,
        ok: true,
        _sdc_received_at: '2026-11-23T10:00:00.123Z',
        _sdc_batched_at: '2026-11-23T10:00:00.123Z',
        _sdc_sequence: sequence - 1,
        _sdc_table_version: 0,
        dt: '2026-11-23',
      },
    ]);
    expect(JSON.parse(JSON.stringify(result.rows))).toEqual(result.rows);
    const types = await db.query(
      "SELECT typeof(any_value(_sdc_received_at)) AS received, typeof(any_value(_sdc_sequence)) AS seq, count(*) AS n, 9007199254740993::BIGINT AS big FROM stitch_iterable.data",
    );
    expect(types.rows).toEqual([{ received: 'TIMESTAMP', seq: 'BIGINT', n: 1, big: '9007199254740993' }]);
  });

  it('queries <schema>._sdc_rejected', async () => {
    await sink.write({ schema: 'stitch_iterable', rows: [rejectedRow('record is a number, not a JSON object', '42')] });
    const db = await open(KEYED);
    const result = await db.query('SELECT reason, record, _sdc_rejected_at FROM stitch_iterable._sdc_rejected');
    expect(result.rows).toEqual([{ reason: 'record is a number, not a JSON object', record: '42', _sdc_rejected_at: '2026-11-23T10:00:01.000Z' }]);
  });

  it('data_latest keeps the row with the highest _sdc_sequence per primary key', async () => {
    await sink.write({ schema: 'stitch_iterable', rows: [dataRow({ email: 'a@example.com', plan: 'free' }), dataRow({ email: 'b@example.com', plan: 'free' })] });
    await sink.write({ schema: 'stitch_iterable', rows: [dataRow({ email: 'a@example.com', plan: 'pro' }, '2026-11-24T08:00:00.000Z')] });
    const db = await open(KEYED);
    expect((await db.query('SELECT count(*) AS n FROM stitch_iterable.data')).rows).toEqual([{ n: 3 }]);
    const latest = await db.query('SELECT email, plan FROM stitch_iterable.data_latest ORDER BY email');
    expect(latest.rows).toEqual([
      { email: 'a@example.com', plan: 'pro' },
      { email: 'b@example.com', plan: 'free' },
    ]);
  });

  it('data_latest orders sequences past 2^53 exactly, and rows of the old scheme (ms x 1000 + counter) before new ones', async () => {
    const stamped = (plan: string, seq: bigint) => dataRows(KEYED, [{ email: 'a@example.com', plan }], '2026-11-23T10:00:00.000Z').map((row) => ({ ...row, text: row.text.replace(/"_sdc_sequence":\d+/, `"_sdc_sequence":${seq}`), sequence: seq }))[0];
    // 2^60 and 2^60 + 1 are the same JS number: only an exact reader tells them apart. The highest is written first.
    await sink.write({ schema: 'stitch_iterable', rows: [stamped('newest', 2n ** 60n + 1n), stamped('new', 2n ** 60n), stamped('old', 1_795_000_000_000_999n)] });
    const db = await open(KEYED);
    expect((await db.query('SELECT plan FROM stitch_iterable.data_latest')).rows).toEqual([{ plan: 'newest' }]);
    expect((await db.query('SELECT plan, _sdc_sequence FROM stitch_iterable.data ORDER BY _sdc_sequence')).rows).toEqual([
      { plan: 'old', _sdc_sequence: 1_795_000_000_000_999 },
      { plan: 'new', _sdc_sequence: (2n ** 60n).toString() },
      { plan: 'newest', _sdc_sequence: (2n ** 60n + 1n).toString() },
    ]);
  });

  it('data_latest equals data when the integration has no primary key', async () => {
    await sink.write({ schema: 'my_webhooks', rows: dataRows(UNKEYED, [{ n: 1 }, { n: 1 }]) });
    const db = await open(UNKEYED);
    expect((await db.query('SELECT n FROM my_webhooks.data_latest')).rows).toEqual([{ n: 1 }, { n: 1 }]);
  });

  it('sees files written after it was opened', async () => {
    const db = await open(KEYED);
    expect((await db.query('SELECT count(*) AS n FROM stitch_iterable.data')).rows).toEqual([{ n: 0 }]);

    await sink.write({ schema: 'stitch_iterable', rows: [dataRow({ email: 'a@example.com' }), rejectedRow('bad', '[]')] });
    expect((await db.query('SELECT email FROM stitch_iterable.data_latest')).rows).toEqual([{ email: 'a@example.com' }]);
    expect((await db.query('SELECT count(*) AS n FROM stitch_iterable._sdc_rejected')).rows).toEqual([{ n: 1 }]);

    await sink.write({ schema: 'stitch_iterable', rows: [dataRow({ email: 'b@example.com', new_field: 'x' }, '2026-11-25T00:00:00.000Z')] });
    // A column registered since: an engine opened now (as each CLI query opens one) has it.
    const fresh = await DuckDbQueryEngine.open(dataDir, [{ integration: KEYED, columns: registries.get('stitch_iterable') ?? [] }]);
    try {
      const all = await fresh.query('SELECT email, new_field FROM stitch_iterable.data ORDER BY email');
      expect(all.rows).toEqual([
        { email: 'a@example.com', new_field: null },
        { email: 'b@example.com', new_field: 'x' },
      ]);
    } finally {
      await fresh.close();
    }
  });

  it('turns SQL errors into a ValidationError with DuckDB message', async () => {
    const db = await open(KEYED);
    await expect(db.query('SELEC 1')).rejects.toBeInstanceOf(ValidationError);
    await expect(db.query('SELEC 1')).rejects.toThrow(/^Query failed: Parser Error: syntax error at or near "SELEC"/);
    await expect(db.query('SELECT * FROM nope.data')).rejects.toThrow(/Query failed: Catalog Error: .*nope[\s\S]*\n"npx hooklake integrations list" shows the schemas/);
    await expect(db.query('SELEC 1')).rejects.toThrow(/^(?![\s\S]*integrations list)/);
    await expect(db.query('SELECT no_such_column FROM stitch_iterable.data')).rejects.toThrow(/Binder Error/);
    // The engine still answers after errors.
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('has the dt partition column, as Athena does; an event\'s own dt field is kept as dt__st', async () => {
    await sink.write({
      schema: 'stitch_iterable',
      rows: [
        dataRow({ email: 'a@example.com', dt: 'user-value' }, '2026-11-22T23:59:59.999Z'),
        dataRow({ email: 'b@example.com' }, '2026-11-23T00:00:00.000Z'),
      ],
    });
    const db = await open(KEYED);
    const result = await db.query("SELECT email, dt, dt__st, typeof(dt) AS type FROM stitch_iterable.data WHERE dt >= '2026-11-22' ORDER BY email");
    expect(result.rows).toEqual([
      { email: 'a@example.com', dt: '2026-11-22', dt__st: 'user-value', type: 'VARCHAR' },
      { email: 'b@example.com', dt: '2026-11-23', dt__st: null, type: 'VARCHAR' },
    ]);
    expect((await db.query("SELECT count(*) AS n FROM stitch_iterable.data WHERE dt = '2026-11-23'")).rows).toEqual([{ n: 1 }]);
  });

  it('has dt in empty tables too, so date filters work before the first event', async () => {
    const db = await open(UNKEYED);
    expect((await db.query('SELECT * FROM my_webhooks.data')).columns).toContain('dt');
    expect((await db.query('SELECT * FROM my_webhooks._sdc_rejected')).columns).toContain('dt');
  });

  it('reads fields whose types or shapes differ between files from split and flattened columns, and a "__proto__" key', async () => {
    await sink.write({ schema: 'stitch_iterable', rows: [dataRow({ email: 'a', amount: 5, profile: { age: 30 } })] });
    await sink.write({ schema: 'stitch_iterable', rows: [dataRow({ email: 'b', amount: 'five', profile: { city: 'Oslo', tags: ['x'] } })] });
    await sink.write({ schema: 'stitch_iterable', rows: [dataRow(JSON.parse('{"email":"c","__proto__":{"polluted":true},"profile":{"__proto__":{"deep":1}}}') as JsonObject)] });
    const db = await open(KEYED);
    const result = await db.query(
      'SELECT email, amount, amount__st, profile__age, profile__city, profile__tags, profile____proto____deep, "__proto____polluted" FROM stitch_iterable.data ORDER BY email',
    );
    expect(result.rows).toEqual([
      { email: 'a', amount: 5, amount__st: null, profile__age: 30, profile__city: null, profile__tags: null, profile____proto____deep: null, __proto____polluted: null },
      { email: 'b', amount: null, amount__st: 'five', profile__age: null, profile__city: 'Oslo', profile__tags: '["x"]', profile____proto____deep: null, __proto____polluted: null },
      { email: 'c', amount: null, amount__st: null, profile__age: null, profile__city: null, profile__tags: null, profile____proto____deep: 1, __proto____polluted: true },
    ]);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("returns a user's date-like strings as sent, and the _sdc stamps as timestamps", async () => {
    const sent = { email: 'a', with_offset: '2026-11-23T10:00:00+02:00', us_date: '11-23-2026', spaced: '2026-11-23 10:00:00', iso_date: '2026-11-23' };
    await sink.write({ schema: 'stitch_iterable', rows: [dataRow(sent)] });
    const db = await open(KEYED);
    const result = await db.query(
      'SELECT email, with_offset, us_date, spaced, iso_date, _sdc_received_at, typeof(_sdc_received_at) AS received_type FROM stitch_iterable.data',
    );
    expect(result.rows).toEqual([{ ...sent, _sdc_received_at: '2026-11-23T10:00:00.123Z', received_type: 'TIMESTAMP' }]);
  });

  it('reads only the registry\'s columns, with their types: a stray key in a file is no column and breaks nothing', async () => {
    await sink.write({ schema: 'stitch_iterable', rows: dataRows(KEYED, Array.from({ length: 25_000 }, (_, i) => ({ email: `u${i}`, value: i }))) });
    await writeLakeFile('stitch_iterable', '2026-11-23', 'stray.json.gz', [
      JSON.stringify({ email: 'stray', value: 1, stray: { nested: [1, 'x'] }, _sdc_received_at: '2026-11-23T00:00:00.000Z', _sdc_sequence: 1 }),
    ]);
    const db = await open(KEYED);
    const result = await db.query('SELECT count(*) AS n, sum(value) AS total FROM stitch_iterable.data');
    expect(result.rows).toEqual([{ n: 25_001, total: (24_999 * 25_000) / 2 + 1 }]);
    await expect(db.query('SELECT stray FROM stitch_iterable.data')).rejects.toThrow(/Binder Error/);
    const types = await db.query("SELECT column_type FROM (DESCRIBE stitch_iterable.data) WHERE column_name = 'value'");
    expect(types.rows).toEqual([{ column_type: 'BIGINT' }]);
  });

  it('ignores temporary files and reads a data directory with glob characters and quotes in its path', async () => {
    const oddDir = join(dataDir, "odd [dir] it's *?");
    const oddSink = new FileLakeSink(oddDir);
    await oddSink.write({ schema: 'stitch_iterable', rows: [dataRow({ email: 'a' })] });
    await oddSink.close();
    await writeFile(join(oddDir, 'lake/stitch_iterable/data/dt=2026-11-23/.half-written.json.gz.tmp'), 'not gzip');
    const db = await DuckDbQueryEngine.open(oddDir, [{ integration: KEYED, columns: registries.get('stitch_iterable') ?? [] }]);
    try {
      expect((await db.query('SELECT email FROM stitch_iterable.data')).rows).toEqual([{ email: 'a' }]);
    } finally {
      await db.close();
    }
  });

  it('refuses queries after close', async () => {
    const db = await open(KEYED);
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toThrow(/closed/);
  });

  it('with maxRows returns that many rows and says the result was cut, without reading the rest', async () => {
    const db = await open(KEYED);
    const cut = await db.query('SELECT * FROM range(3000000) t(i)', { maxRows: 1000 });
    expect(cut.rows).toHaveLength(1000);
    expect(cut.rows[999]).toEqual({ i: 999 });
    expect(cut.truncated).toBe(true);
    const whole = await db.query('SELECT * FROM range(1000) t(i)', { maxRows: 1000 });
    expect(whole.rows).toHaveLength(1000);
    expect(whole.truncated).toBeUndefined();
  });

  it('read-only: one statement DuckDB calls a read, files of the lake only, whatever quoting hides', async () => {
    await sink.write({ schema: 'stitch_iterable', rows: [dataRow({ email: 'a@example.com' })] });
    const db = await open(KEYED);
    const readOnly = { readOnly: true, maxRows: 100 };
    expect((await db.query('SELECT email FROM stitch_iterable.data', readOnly)).rows).toEqual([{ email: 'a@example.com' }]);
    expect((await db.query('DESCRIBE stitch_iterable.data', readOnly)).rows.length).toBeGreaterThan(0);
    const outside = join(dataDir, 'outside.csv');
    const refused = [
      // Dollar quotes hide a file read, and a write, from a look at the text.
      ["SELECT $$'$$ AS a, (SELECT content FROM read_text($$/etc/hostname$$)) AS b -- '", /disabled by configuration/],
      [`SELECT $$'$$ AS a; COPY (SELECT 43) TO $$${outside}$$; SELECT $$'$$`, /One statement at a time/],
      [`COPY (SELECT 1) TO '${join(dataDir, 'lake', 'x.csv')}'`, /this one is COPY/],
      ['SELECT * FROM "read_text"(\'/etc/hostname\')', /disabled by configuration/],
      ['SET enable_external_access = true', /this one is (VARIABLE_)?SET/],
      ["ATTACH '/tmp/other.db'", /this one is ATTACH/],
    ] as const;
    for (const [sql, why] of refused) await expect(db.query(sql, readOnly)).rejects.toThrow(why);
    await expect(access(outside)).rejects.toThrow();
    // Still the lake after all that.
    expect((await db.query('SELECT count(*) AS n FROM stitch_iterable.data_latest', readOnly)).rows).toEqual([{ n: 1 }]);
  });

  it('stops a running query when its signal is aborted, with the reason, and runs the next one', async () => {
    const db = await open(KEYED);
    const stop = new AbortController();
    // Hours of work: only the interrupt ends it within the test's time.
    const endless = db.query('SELECT count(*) FROM range(1000000000000) t(x) WHERE x % 7 = 3', { maxRows: 10, signal: stop.signal });
    setTimeout(() => stop.abort(new Error('Stopped after the time limit.')), 300);
    await expect(endless).rejects.toMatchObject({ name: QueryStoppedError.name, message: 'Stopped after the time limit.' });
    const before = new AbortController();
    before.abort(new Error('Gone.'));
    await expect(db.query('SELECT 1', { signal: before.signal })).rejects.toThrow(QueryStoppedError);
    expect((await db.query('SELECT 42 AS n')).rows).toEqual([{ n: 42 }]);
  });
});
