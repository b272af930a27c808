import { duckDbTableViewSql, eventViewColumns, eventViewsSql, latestViewSql, quoteIdentifier, stringLiteral } from '../../lambdas/core/view-sql';

describe('latestViewSql, Athena', () => {
  it('ranks by _sdc_sequence per key in a subquery and lists the columns, so the rank is not one of them', () => {
    const sql = latestViewSql('athena', { schema: 'stitch_iterable', columns: ['_sdc_sequence', 'email', 'dt'], keyColumn: 'email', tableVersion: 2 });
    expect(sql).toBe(
      'CREATE OR REPLACE VIEW "stitch_iterable"."data_latest" AS SELECT "_sdc_sequence", "email", "dt" FROM (' +
        'SELECT *, row_number() OVER (PARTITION BY "email" ORDER BY "_sdc_sequence" DESC) AS "_sdc_rank" ' +
        'FROM "stitch_iterable"."data" WHERE "_sdc_table_version" = 2) WHERE "_sdc_rank" = 1',
    );
  });

  it('quotes identifiers with double quotes doubled, and avoids a rank name the table already uses', () => {
    const sql = latestViewSql('athena', { schema: 's', columns: ['_sdc_sequence', 'we"ird', '_sdc_rank'], keyColumn: 'we"ird', tableVersion: 0 });
    expect(sql).toContain('PARTITION BY "we""ird"');
    expect(sql).toContain('AS "_sdc_rank_2"');
    expect(sql).toContain('WHERE "_sdc_rank_2" = 1');
  });

  it('refuses a key that is not a column', () => {
    expect(() => latestViewSql('athena', { schema: 's', columns: ['_sdc_sequence'], keyColumn: 'email', tableVersion: 0 })).toThrow(/"email" is not a column of s.data/);
  });
});

describe('latestViewSql, DuckDB', () => {
  it('keeps every column of data with QUALIFY, the same rank as Athena', () => {
    expect(latestViewSql('duckdb', { schema: 'stitch_iterable', keyColumn: 'messageId', tableVersion: 0 })).toBe(
      'CREATE OR REPLACE VIEW "stitch_iterable"."data_latest" AS SELECT * FROM "stitch_iterable"."data" WHERE "_sdc_table_version" = 0 ' +
        'QUALIFY row_number() OVER (PARTITION BY "messageId" ORDER BY "_sdc_sequence" DESC) = 1',
    );
  });

  it('refuses a table version that is not a whole number, so nothing but digits reaches the SQL', () => {
    expect(() => latestViewSql('duckdb', { schema: 's', keyColumn: 'id', tableVersion: 1.5 })).toThrow(/whole number/);
    expect(() => latestViewSql('duckdb', { schema: 's', keyColumn: 'id', tableVersion: -1 })).toThrow(/whole number/);
  });
});

describe('duckDbTableViewSql', () => {
  const columns = [{ name: '_sdc_sequence', type: 'BIGINT' }, { name: 'id', type: 'VARCHAR' }];
  const dt = { name: 'dt', type: 'VARCHAR' };

  it('is a typed empty view when the table has no files', () => {
    expect(duckDbTableViewSql('s', 'data', columns, dt, [], "format='x'")).toBe(
      'CREATE OR REPLACE VIEW "s"."data" AS SELECT CAST(NULL AS BIGINT) AS "_sdc_sequence", CAST(NULL AS VARCHAR) AS "id", CAST(NULL AS VARCHAR) AS "dt" WHERE false',
    );
  });

  it('reads exactly the declared columns of the listed files with their types, the partition from the folders', () => {
    const sql = duckDbTableViewSql('s', 'data', columns, dt, ["/tmp/it's/dt=2026-11-23/1.json.gz", '/tmp/b.json.gz'], "format='newline_delimited'");
    expect(sql).toBe(
      `CREATE OR REPLACE VIEW "s"."data" AS SELECT "_sdc_sequence", "id", "dt" FROM read_json(['/tmp/it''s/dt=2026-11-23/1.json.gz', '/tmp/b.json.gz'], format='newline_delimited', ` +
        `hive_partitioning=true, hive_types={'dt': 'VARCHAR'}, columns={'_sdc_sequence': 'BIGINT', 'id': 'VARCHAR'})`,
    );
  });
});

describe('quoting', () => {
  it('doubles the quote character inside', () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(stringLiteral("it's")).toBe("'it''s'");
  });
});

describe('per-event views', () => {
  const SYSTEM = ['_sdc_received_at', '_sdc_batched_at', '_sdc_sequence', '_sdc_table_version', '_sdc_event_type'];

  it("lists the type's columns in the registry's order, then the system columns, the key column and the partition", () => {
    const registry = ['event_id', 'metric', 'data__href', 'data__reason', 'dt', 'data__link_id'];
    const customerio = { primaryKey: 'event_id', eventTypeFields: ['object_type', 'metric'] };
    expect(eventViewColumns(customerio, registry, new Set(['data__link_id', 'event_id', 'data__href', 'dt']))).toEqual(['event_id', 'data__href', 'data__link_id', ...SYSTEM, 'dt']);
    const iterable = { eventTypeFields: ['eventName'] };
    expect(eventViewColumns(iterable, ['eventname', 'email'], new Set(['eventname']))).toEqual(['eventname', ...SYSTEM, '__sdc_primary_key', 'dt']);
  });

  it('selects the rows of one type with the same SQL for Athena and DuckDB, and ranks per key for the _latest view', () => {
    const [view, latest] = eventViewsSql({ schema: 'cio', eventType: 'email_clicked', columns: ['event_id', 'data__href', '_sdc_sequence', 'dt'], keyColumn: 'event_id', tableVersion: 3 });
    expect(view).toBe(
      'CREATE OR REPLACE VIEW "cio"."email_clicked" AS SELECT "event_id", "data__href", "_sdc_sequence", "dt" FROM "cio"."data" WHERE "_sdc_event_type" = \'email_clicked\'',
    );
    expect(latest).toBe(
      'CREATE OR REPLACE VIEW "cio"."email_clicked_latest" AS SELECT "event_id", "data__href", "_sdc_sequence", "dt" FROM (' +
        'SELECT "event_id", "data__href", "_sdc_sequence", "dt", row_number() OVER (PARTITION BY "event_id" ORDER BY "_sdc_sequence" DESC) AS "_sdc_rank" ' +
        'FROM "cio"."data" WHERE "_sdc_event_type" = \'email_clicked\' AND "_sdc_table_version" = 3) WHERE "_sdc_rank" = 1',
    );
  });

  it('makes no _latest view without a key column, and names a type that looks like a table out of the way', () => {
    const statements = eventViewsSql({ schema: 'it', eventType: 'data_latest', columns: ['x', 'dt'], tableVersion: 0 });
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^CREATE OR REPLACE VIEW "it"."data_latest_" AS .* WHERE "_sdc_event_type" = 'data_latest'$/);
  });
});
