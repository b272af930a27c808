import { DATA_TABLE, LATEST_VIEW } from './lake-layout';

/**
 * `CREATE OR REPLACE VIEW <schema>.data_latest` for Athena (engine 3, Trino SQL): the latest row of
 * each key by `_sdc_sequence`. Trino has no QUALIFY, so the rank is computed in a subquery and the
 * outer select names `columns` (the table's, partition included) to keep the rank out of the view.
 * Athena expands a view's columns when it is made: re-make it whenever the table's columns change.
 */
export function athenaLatestViewSql(schema: string, columns: readonly string[], keyColumn: string): string {
  if (!columns.includes(keyColumn)) throw new Error(`The key column "${keyColumn}" is not a column of ${schema}.${DATA_TABLE}.`);
  const rank = uniqueName('_sdc_rank', columns);
  const list = columns.map(quote).join(', ');
  return (
    `CREATE OR REPLACE VIEW ${quote(schema)}.${quote(LATEST_VIEW)} AS SELECT ${list} FROM (` +
    `SELECT *, row_number() OVER (PARTITION BY ${quote(keyColumn)} ORDER BY "_sdc_sequence" DESC) AS ${quote(rank)} ` +
    `FROM ${quote(schema)}.${quote(DATA_TABLE)}) WHERE ${quote(rank)} = 1`
  );
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

function uniqueName(base: string, taken: readonly string[]): string {
  let name = base;
  for (let i = 2; taken.includes(name); i += 1) name = `${base}_${i}`;
  return name;
}
