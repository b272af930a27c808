/**
 * The SQL of every view Hooklake makes, for both engines: Athena (engine 3, Trino SQL) and DuckDB.
 * Only text is made here; the adapters run it.
 */
import { EVENT_TYPE_COLUMN, eventViewName, latestEventViewName } from './event-types';
import type { Integration } from './integration';
import { DATA_TABLE, LATEST_VIEW, NON_DATA_FIELDS, PARTITION_COLUMN, keyColumnOf } from './lake-layout';
import { dataSystemColumns } from './system-columns';

export type SqlDialect = 'athena' | 'duckdb';

/** A double-quoted identifier, as both engines read it. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A single-quoted string literal, as both engines read it. */
export function stringLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

interface ViewOf {
  readonly schema: string;
  /** The column the latest row is picked per: the primary key, or the UUID key column. */
  readonly keyColumn: string;
  /** The integration's table version: a `_latest` view shows only rows of it (older ones stay in `data`). */
  readonly tableVersion: number;
}

/** Rows of one table version, as every `_latest` view filters them (a table reset raises the version). */
function ofVersion(tableVersion: number): string {
  if (!Number.isSafeInteger(tableVersion) || tableVersion < 0) throw new Error(`A table version is a whole number, not ${tableVersion}.`);
  return `"_sdc_table_version" = ${tableVersion}`;
}

export interface AthenaLatestViewSpec extends ViewOf {
  /**
   * Columns of `data` in table order, partition column included. Athena fixes a view's columns when
   * it is made (re-make the view whenever the table's columns change), and Trino has no QUALIFY or
   * `* EXCLUDE`, so they are listed. DuckDB reads `*` afresh and needs none.
   */
  readonly columns: readonly string[];
}

/** `CREATE OR REPLACE VIEW <schema>.data_latest`: the latest row of each key by `_sdc_sequence`, of the current table version. */
export function latestViewSql(dialect: 'athena', spec: AthenaLatestViewSpec): string;
export function latestViewSql(dialect: 'duckdb', spec: ViewOf): string;
export function latestViewSql(dialect: SqlDialect, spec: ViewOf | AthenaLatestViewSpec): string {
  const view = `${quoteIdentifier(spec.schema)}.${quoteIdentifier(LATEST_VIEW)}`;
  const table = `${quoteIdentifier(spec.schema)}.${quoteIdentifier(DATA_TABLE)}`;
  const key = quoteIdentifier(spec.keyColumn);
  const latestFirst = `row_number() OVER (PARTITION BY ${key} ORDER BY "_sdc_sequence" DESC)`;
  const current = ofVersion(spec.tableVersion);
  if (dialect === 'duckdb') return `CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${table} WHERE ${current} QUALIFY ${latestFirst} = 1`;

  const columns = 'columns' in spec ? spec.columns : [];
  if (!columns.includes(spec.keyColumn)) throw new Error(`The key column "${spec.keyColumn}" is not a column of ${spec.schema}.${DATA_TABLE}.`);
  const rank = quoteIdentifier(unusedName('_sdc_rank', columns));
  return (
    `CREATE OR REPLACE VIEW ${view} AS SELECT ${columns.map(quoteIdentifier).join(', ')} FROM (` +
    `SELECT *, ${latestFirst} AS ${rank} FROM ${table} WHERE ${current}) WHERE ${rank} = 1`
  );
}

/** A column of a view, with its DuckDB type. */
export interface ViewColumn {
  readonly name: string;
  readonly type: string;
}

/**
 * `CREATE OR REPLACE VIEW <schema>.<table>` in DuckDB over the table's lake files (`files`, each path
 * already escaped for DuckDB's globbing), reading exactly `columns` with their declared types: no
 * schema is guessed from the files, so a query reads only what it needs and no file can change a type.
 * `partition` comes from the folder names. With no files, a typed empty view: DuckDB refuses to read
 * an empty list of files.
 */
export function duckDbTableViewSql(
  schema: string,
  table: string,
  columns: readonly ViewColumn[],
  partition: ViewColumn,
  files: readonly string[],
  readOptions: string,
): string {
  const name = `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
  const all = [...columns, partition];
  if (files.length === 0) {
    return `CREATE OR REPLACE VIEW ${name} AS SELECT ${all.map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdentifier(c.name)}`).join(', ')} WHERE false`;
  }
  const declared = columns.map((c) => `${stringLiteral(c.name)}: ${stringLiteral(c.type)}`).join(', ');
  const hive = `hive_types={${stringLiteral(partition.name)}: ${stringLiteral(partition.type)}}`;
  return (
    `CREATE OR REPLACE VIEW ${name} AS SELECT ${all.map((c) => quoteIdentifier(c.name)).join(', ')} ` +
    `FROM read_json([${files.map(stringLiteral).join(', ')}], ${readOptions}, hive_partitioning=true, ${hive}, columns={${declared}})`
  );
}

/**
 * The columns of an event type's view, in the order of `data`: the columns the type has carried
 * (`dataColumns` is the registry, in order), the system columns, the key column, the partition column.
 */
export function eventViewColumns(
  integration: Pick<Integration, 'primaryKey' | 'eventTypeFields'>,
  dataColumns: readonly string[],
  typeColumns: ReadonlySet<string>,
): string[] {
  const key = keyColumnOf(integration);
  const own = dataColumns.filter((name) => typeColumns.has(name) && !NON_DATA_FIELDS.has(name));
  const system = dataSystemColumns(integration).map((column) => column.name);
  return [...own, ...system, ...(own.includes(key) ? [] : [key]), PARTITION_COLUMN];
}

export interface EventViewSpec {
  readonly schema: string;
  readonly eventType: string;
  /** As eventViewColumns makes them. */
  readonly columns: readonly string[];
  /** The column the latest row is picked per, for `<view>_latest`; undefined: no latest view. */
  readonly keyColumn?: string;
  /** The table version `<view>_latest` shows (the integration's current one). */
  readonly tableVersion: number;
}

/**
 * `CREATE OR REPLACE VIEW` of an event type's view, and of its `_latest` view when it has a key
 * column: the same SQL in Athena and DuckDB, every column listed (Athena fixes a view's columns anyway).
 */
export function eventViewsSql(spec: EventViewSpec): string[] {
  const table = `${quoteIdentifier(spec.schema)}.${quoteIdentifier(DATA_TABLE)}`;
  const list = spec.columns.map(quoteIdentifier).join(', ');
  const ofType = `${table} WHERE ${quoteIdentifier(EVENT_TYPE_COLUMN)} = ${stringLiteral(spec.eventType)}`;
  const view = (name: string) => `CREATE OR REPLACE VIEW ${quoteIdentifier(spec.schema)}.${quoteIdentifier(name)} AS SELECT ${list} FROM `;
  const statements = [`${view(eventViewName(spec.eventType))}${ofType}`];
  if (spec.keyColumn !== undefined) {
    const rank = quoteIdentifier(unusedName('_sdc_rank', spec.columns));
    const latestFirst = `row_number() OVER (PARTITION BY ${quoteIdentifier(spec.keyColumn)} ORDER BY "_sdc_sequence" DESC)`;
    statements.push(`${view(latestEventViewName(spec.eventType))}(SELECT ${list}, ${latestFirst} AS ${rank} FROM ${ofType} AND ${ofVersion(spec.tableVersion)}) WHERE ${rank} = 1`);
  }
  return statements;
}

function unusedName(base: string, taken: readonly string[]): string {
  let name = base;
  for (let i = 2; taken.includes(name); i += 1) name = `${base}_${i}`;
  return name;
}
