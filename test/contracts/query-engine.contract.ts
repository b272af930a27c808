/**
 * What every QueryEngine must do: the CLI prints the results of DuckDB and of Athena alike, so both
 * must return the same columns and the same JSON-safe values for the same SQL. The statements are
 * fixed and exported, so an engine that cannot run SQL here (Athena) can be faked for exactly these.
 */
import type { QueryEngine, RecordSink, RegisteredColumn } from '../../lambdas/app/ports';
import { ValidationError } from '../../lambdas/core/errors';
import type { Integration } from '../../lambdas/core/integration';
import { lakeRow } from '../support/lake-rows';

type LakeRow = Parameters<RecordSink['write']>[0]['rows'][number];

export interface QueryEngineUnderTest {
  readonly engine: QueryEngine;
  /** What the engine itself says when it refuses `sql`, e.g. DuckDB's error message or Athena's StateChangeReason. */
  reasonFor(sql: string): Promise<string>;
  close(): Promise<void>;
}

/** Real SQL that DuckDB runs and Athena (Trino) accepts. */
export const CONTRACT_SQL = {
  scalars:
    "SELECT 1 AS n, CAST(NULL AS VARCHAR) AS missing, 'a' AS s, true AS b, 2.5 AS d, CAST(9007199254740993 AS BIGINT) AS big",
  edges:
    'SELECT CAST(9007199254740991 AS BIGINT) AS max_safe, CAST(-9007199254740993 AS BIGINT) AS below_min, ' +
    "CAST(0.1 AS DOUBLE) AS x, CAST('NaN' AS DOUBLE) AS nan, CAST('Infinity' AS DOUBLE) AS inf, " +
    "CAST(NULL AS BIGINT) AS null_big, CAST(NULL AS BOOLEAN) AS null_bool, false AS f, '' AS empty, 'ünï \"q\" ✓' AS text",
  thousandRows:
    'WITH d(n) AS (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) ' +
    'SELECT a.n * 100 + b.n * 10 + c.n AS i FROM d AS a, d AS b, d AS c ORDER BY i DESC',
  empty: 'SELECT n, CAST(n AS VARCHAR) AS s FROM (VALUES (1)) AS t(n) WHERE n > 1',
  lake: "SELECT event, amount, dt FROM contract_hooks.data WHERE dt >= '2026-11-01' ORDER BY _sdc_sequence",
  syntaxError: 'SELEC 1',
  unknownColumn: 'SELECT no_such_column FROM (VALUES (1)) AS t(n)',
} as const;

/** The lake `CONTRACT_SQL.lake` reads: one integration, and the rows its sink stored. */
export const CONTRACT_LAKE: { readonly integration: Integration; readonly columns: readonly RegisteredColumn[]; readonly rows: readonly LakeRow[] } = {
  integration: { name: 'Contract Hooks', schema: 'contract_hooks', type: 'webhooks', tableVersion: 0, createdAt: '2026-11-23T00:00:00.000Z' },
  columns: [
    { name: 'event', type: 'string', firstSeenAt: '2026-11-23T10:00:00.000Z' },
    { name: 'amount', type: 'bigint', firstSeenAt: '2026-11-23T10:00:00.000Z' },
  ],
  rows: [
    { event: 'open', amount: 5 },
    { event: 'click' },
    { event: 'open', amount: -3 },
  ].map((fields, i) =>
    lakeRow('data', '2026-11-23', {
      ...fields,
      _sdc_received_at: '2026-11-23T10:00:00.000Z',
      _sdc_batched_at: '2026-11-23T10:00:00.000Z',
      _sdc_sequence: 1_795_000_000_000_000 + i,
      _sdc_table_version: 0,
      __sdc_primary_key: `00000000-0000-4000-8000-00000000000${i}`,
    }),
  ),
};

export function describeQueryEngineContract(name: string, makeEngine: () => Promise<QueryEngineUnderTest>): void {
  describe(`QueryEngine contract: ${name}`, () => {
    let underTest: QueryEngineUnderTest | undefined;
    let engine: QueryEngine;

    beforeEach(async () => {
      underTest = await makeEngine();
      engine = underTest.engine;
    });

    afterEach(async () => {
      await underTest?.close();
      underTest = undefined;
    });

    it('returns the columns in select order, and each row with exactly those keys', async () => {
      const result = await engine.query(CONTRACT_SQL.scalars);
      expect(result.columns).toEqual(['n', 'missing', 's', 'b', 'd', 'big']);
      expect(result.rows).toHaveLength(1);
      expect(Object.keys(result.rows[0])).toEqual(result.columns);
    });

    it('returns JSON-safe values: safe integers as numbers, larger bigints as strings, NULL as null', async () => {
      const { rows } = await engine.query(CONTRACT_SQL.scalars);
      expect(rows).toStrictEqual([{ n: 1, missing: null, s: 'a', b: true, d: 2.5, big: '9007199254740993' }]);
      expect(JSON.parse(JSON.stringify(rows))).toStrictEqual(rows);
    });

    it('keeps every digit at the edges: the largest safe integer, a negative bigint, doubles that are not finite', async () => {
      const { columns, rows } = await engine.query(CONTRACT_SQL.edges);
      expect(columns).toEqual(['max_safe', 'below_min', 'x', 'nan', 'inf', 'null_big', 'null_bool', 'f', 'empty', 'text']);
      expect(rows).toStrictEqual([
        {
          max_safe: 9007199254740991,
          below_min: '-9007199254740993',
          x: 0.1,
          nan: 'NaN',
          inf: 'Infinity',
          null_big: null,
          null_bool: null,
          f: false,
          empty: '',
          text: 'ünï "q" ✓',
        },
      ]);
      expect(JSON.parse(JSON.stringify(rows))).toStrictEqual(rows);
    });

    it('returns every row in the order asked for, past a first page of results', async () => {
      const { columns, rows } = await engine.query(CONTRACT_SQL.thousandRows);
      expect(columns).toEqual(['i']);
      expect(rows).toStrictEqual(Array.from({ length: 1000 }, (_, k) => ({ i: 999 - k })));
    });

    it('returns the columns and no rows for an empty result', async () => {
      expect(await engine.query(CONTRACT_SQL.empty)).toStrictEqual({ columns: ['n', 's'], rows: [] });
    });

    it('reads a table of the lake, with null for a field a row lacks and the dt partition column', async () => {
      expect(await engine.query(CONTRACT_SQL.lake)).toStrictEqual({
        columns: ['event', 'amount', 'dt'],
        rows: [
          { event: 'open', amount: 5, dt: '2026-11-23' },
          { event: 'click', amount: null, dt: '2026-11-23' },
          { event: 'open', amount: -3, dt: '2026-11-23' },
        ],
      });
    });

    it.each([
      ['a syntax error', CONTRACT_SQL.syntaxError, 'SELEC'],
      ['an unknown column', CONTRACT_SQL.unknownColumn, 'no_such_column'],
    ])('refuses %s with a ValidationError that carries the engine\'s reason, and answers the next query', async (_, sql, culprit) => {
      const error = await engine.query(sql).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      const reason = await (underTest as QueryEngineUnderTest).reasonFor(sql);
      expect(reason).toContain(culprit);
      expect((error as Error).message).toContain(reason);
      expect((await engine.query(CONTRACT_SQL.empty)).columns).toEqual(['n', 's']);
    });
  });
}
