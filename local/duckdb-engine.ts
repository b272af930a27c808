/**
 * QueryEngine over the local lake: an in-memory DuckDB with, per integration, the views
 * `<schema>.data`, `<schema>._sdc_rejected` and `<schema>.data_latest` over the gzip NDJSON files
 * that the lake's log becomes (and FileLakeSink writes), and the per-event views over `data` (view-sql.ts). The same SQL runs in Athena against the same layout on S3.
 *
 * How the files are read, and why (findings with @duckdb/node-api 1.5, checked by the tests):
 * - `hive_partitioning=true` with `dt` typed VARCHAR: every row gets the `dt` partition column,
 *   'YYYY-MM-DD' (UTC day of arrival), exactly as Athena's partition-projected `dt` column, so the
 *   same `WHERE dt >= '2026-11-01'` works in both. The price is the same in both places too: an
 *   event's own top-level `dt` field is shadowed by the partition value (the stored file keeps it).
 * - `union_by_name=true`. Each file gets its own schema, merged by column name; a key missing from a
 *   file reads as NULL. A field that is a number in one file and a string in another becomes a JSON
 *   column (returned here as the parsed value); nested objects of different shapes merge into one
 *   STRUCT with the union of their keys.
 * - `sample_size=-1`. By default only the first 20,480 rows of a file are sampled for its schema; a key
 *   that first appears later in a file is silently dropped, and a type that changes later fails the
 *   whole query ("Failed to cast value to numerical"). Files here hold a whole group commit, which can
 *   exceed that. The price: schema detection reads whole files (when a view is made and on each
 *   query); about 0.25 s for 200,000 rows, fine for a local lake.
 * - `format='newline_delimited'`, `compression='gzip'`: what the sink writes. Detection is skipped,
 *   and it would fail anyway for a data directory with "?" in its path (DuckDB then no longer sees
 *   the ".gz" ending). Glob characters in the data directory are escaped as `[*]`, `[?]`, `[[]`.
 * - Keys differing only in case ("Email", "email") in different rows become separate columns that
 *   DuckDB renames (`email_1`); an empty key becomes a generated name such as `C3`. A key "__proto__"
 *   is an ordinary column. The node-api builds nested STRUCT values in plain objects, so a nested
 *   "__proto__" whose value is not an object reads back as null (a top-level one is kept intact).
 * - `timestampformat`, `dateformat` narrowed to the stamps' format and ISO dates. By default DuckDB
 *   also turns "2026-11-23T10:00:00+02:00" or "11-23-2026" into TIMESTAMP/DATE values, which come
 *   back rewritten ("2026-11-23T08:00:00.000Z", "2026-11-23"); a user's strings should stay as sent.
 *   ("10:00" still reads as a TIME; that detection has no option.)
 * - An explicit list of files, not a glob: the compactor (lake-compactor.ts) leaves a merged file and
 *   the files it replaced side by side for a while, and only the listing in lake-files.ts knows which
 *   of them hold the rows. Before every query each table is listed again and its view re-made when
 *   its files changed; a table without files is a typed, empty view (DuckDB refuses an empty list).
 *   A listed file can vanish before DuckDB opens it (the compactor removes replaced files after a
 *   grace period); the query is then run once more over a fresh listing, so no user ever sees that.
 */
import { join, resolve } from 'node:path';
import {
  DuckDBDecimalType,
  DuckDBInstance,
  DuckDBMapValue,
  DuckDBStructType,
  DuckDBStructValue,
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  StatementType,
  doubleFromDecimalValue,
  type DuckDBPreparedStatement,
  type DuckDBConnection,
  type DuckDBResultReader,
  type DuckDBValueConverter,
  type Json,
} from '@duckdb/node-api';
import { HOOKLAKE_COMMAND } from '../lambdas/core/deployment-names';
import { QueryStoppedError, ValidationError } from '../lambdas/core/errors';
import type { Integration } from '../lambdas/core/integration';
import { MAX_DECIMAL_DIGITS } from '../lambdas/core/exact-number';
import { DATA_TABLE, LAKE_PREFIX, LAKE_TABLES, PARTITION_COLUMN, REJECTED_TABLE, keyColumnOf, tablePath, type LakeTable } from '../lambdas/core/lake-layout';
import { REJECTED_SYSTEM_COLUMNS, dataSystemColumns } from '../lambdas/core/system-columns';
import { duckDbTableViewSql, eventViewColumns, eventViewsSql, latestViewSql, quoteIdentifier, stringLiteral, type ViewColumn } from '../lambdas/core/view-sql';
import type { QueryEngine, QueryLimits, QueryResult, RegisteredColumn, RegisteredEventType } from '../lambdas/app/ports';
import { messageOf } from '../lambdas/shared/error-message';
import { visibleTableFiles } from './lake-files';

const READ_OPTIONS = [
  "format='newline_delimited'",
  "compression='gzip'",
  // Exactly what Date#toISOString (the _sdc stamps) writes.
  "timestampformat='%Y-%m-%dT%H:%M:%S.%gZ'",
].join(', ');

const PARTITION: ViewColumn = { name: PARTITION_COLUMN, type: 'VARCHAR' };
/** Listings tried before a file that keeps vanishing under us becomes the caller's error. */
const LIST_ATTEMPTS = 3;
/** What DuckDB calls the statements a read-only query may be (DESCRIBE and SUMMARIZE are SELECTs to it). */
const READING_STATEMENTS: ReadonlySet<StatementType> = new Set([StatementType.SELECT, StatementType.EXPLAIN]);
/** How often an interrupted query is interrupted again until it has stopped. */
const INTERRUPT_AGAIN_MS = 200;

/** Registry and system column types as DuckDB spells them; JSON text is text, as in Athena. */
const DUCKDB_TYPES: Readonly<Record<string, string>> = {
  timestamp: 'TIMESTAMP',
  bigint: 'BIGINT',
  string: 'VARCHAR',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  decimal: `DECIMAL(${MAX_DECIMAL_DIGITS},0)`,
  json: 'VARCHAR',
};
const inDuckDb = (columns: readonly { name: string; type: string }[]): ViewColumn[] => columns.map(({ name, type }) => ({ name, type: DUCKDB_TYPES[type] }));
const REJECTED_COLUMNS = inDuckDb(REJECTED_SYSTEM_COLUMNS);

/** An integration and its column registry: what its views are made of. */
export interface LakeSchema {
  readonly integration: Integration;
  readonly columns: readonly RegisteredColumn[];
  /** Its event types, each with a view of its own; none when absent. */
  readonly eventTypes?: readonly RegisteredEventType[];
}

interface LakeTableView {
  readonly integration: Integration;
  readonly columns: readonly RegisteredColumn[];
  readonly eventTypes: readonly RegisteredEventType[];
  readonly table: LakeTable;
  /** The table's folder on disk. */
  readonly dir: string;
}

export class DuckDbQueryEngine implements QueryEngine {
  /** The files each view was last made over, keyed by `schema/table`. */
  private readonly madeOver = new Map<string, string>();
  /** Queries run one at a time: views may be re-made before each, on the one connection. */
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** Set once a read-only query has locked this engine to reading the lake (it cannot be undone). */
  private sandboxed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly views: readonly LakeTableView[],
    /** The lake's folder: the one place a read-only query may read files. */
    private readonly lakeDir: string,
  ) {}

  static async open(dataDir: string, schemas: readonly LakeSchema[]): Promise<DuckDbQueryEngine> {
    const root = resolve(dataDir);
    const instance = await DuckDBInstance.create(':memory:');
    try {
      const connection = await instance.connect();
      // Timestamps in the lake are UTC, as in Athena; keep date functions in UTC too.
      await connection.run("SET TimeZone = 'UTC'");
      const views = schemas.flatMap(({ integration, columns, eventTypes = [] }) =>
        LAKE_TABLES.map((table) => ({
          integration,
          columns,
          eventTypes,
          table,
          dir: join(root, tablePath(integration.schema, table)),
        })),
      );
      for (const { integration } of schemas) await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(integration.schema)}`);
      const engine = new DuckDbQueryEngine(instance, connection, views, join(root, LAKE_PREFIX));
      await engine.refreshViews();
      return engine;
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  /**
   * Runs the user's SQL; a statement DuckDB refuses becomes a ValidationError with DuckDB's message.
   * With `maxRows` the result is streamed and only that many rows (and a chunk past them) are read:
   * the rest is never made, nor converted on the event loop. An aborted `signal` interrupts DuckDB.
   */
  query(sql: string, limits: QueryLimits = {}): Promise<QueryResult> {
    return this.serialized(async () => {
      if (this.closed) throw new Error('The query engine is closed.');
      const stopping = interruptOnAbort(this.connection, limits.signal);
      try {
        stopping.throwIfAborted();
        await this.refreshViews();
        let reader: DuckDBResultReader;
        try {
          reader = await this.read(sql, limits, stopping);
        } catch (error) {
          if (error instanceof ValidationError) throw error;
          stopping.throwIfAborted();
          // A file removed by the compactor between the listing and the read: list again, once.
          if (!(isMissingFile(error) && (await this.refreshViews()))) throw queryFailed(error);
          try {
            reader = await this.read(sql, limits, stopping);
          } catch (again) {
            stopping.throwIfAborted();
            throw queryFailed(again);
          }
        }
        return toQueryResult(reader, limits.maxRows);
      } finally {
        stopping.done();
      }
    });
  }

  private async read(sql: string, { maxRows, readOnly }: QueryLimits, stopping: Interrupter): Promise<DuckDBResultReader> {
    const statement = readOnly === true ? await this.readingStatement(sql) : undefined;
    if (maxRows === undefined) return statement !== undefined ? statement.runAndReadAll() : this.connection.runAndReadAll(sql);
    const reader = await (statement !== undefined ? statement.streamAndReadUntil(maxRows + 1) : this.connection.streamAndReadUntil(sql, maxRows + 1));
    stopping.throwIfAborted();
    return reader;
  }

  /**
   * The one statement of `sql`, prepared, when DuckDB itself says it reads: the engine is first locked
   * to the lake's folder (no other file read or written, no extension, no setting changed back).
   */
  private async readingStatement(sql: string): Promise<DuckDBPreparedStatement> {
    if (!this.sandboxed) {
      await this.connection.run(`SET allowed_directories=[${stringLiteral(this.lakeDir)}]`);
      await this.connection.run('SET enable_external_access=false');
      await this.connection.run('SET lock_configuration=true');
      this.sandboxed = true;
    }
    let extracted;
    try {
      extracted = await this.connection.extractStatements(sql);
    } catch (error) {
      throw queryFailed(error);
    }
    if (extracted.count !== 1) throw new ValidationError(`One statement at a time here; this is ${extracted.count}.`);
    let statement: DuckDBPreparedStatement;
    try {
      statement = await extracted.prepare(0);
    } catch (error) {
      throw queryFailed(error);
    }
    if (!READING_STATEMENTS.has(statement.statementType)) {
      throw new ValidationError(`Only statements that read are run here (SELECT, WITH, DESCRIBE, EXPLAIN); this one is ${StatementType[statement.statementType]}.`);
    }
    return statement;
  }

  async close(): Promise<void> {
    await this.serialized(async () => {
      if (this.closed) return;
      this.closed = true;
      this.connection.closeSync();
      this.instance.closeSync();
    });
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Re-makes the views of tables whose files changed since they were made; true when any was. DuckDB
   * looks for the files as it makes a view, so one removed since the listing means listing again.
   */
  private async refreshViews(): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.remakeChangedViews();
      } catch (error) {
        if (!isMissingFile(error) || attempt === LIST_ATTEMPTS) throw error;
      }
    }
  }

  private async remakeChangedViews(): Promise<boolean> {
    const listed = await Promise.all(this.views.map(async (view) => ({ view, files: (await visibleTableFiles(view.dir)).map(escapeGlob) })));
    let changed = false;
    for (const { view, files } of listed) {
      const key = `${view.integration.schema}/${view.table}`;
      const made = files.join('\n');
      if (this.madeOver.get(key) === made) continue;
      await this.connection.run(tableViewSql(view, files));
      // Views over `data` are bound when queried: made once, they follow it as it is re-made.
      if (view.table === DATA_TABLE && !this.madeOver.has(key)) {
        await this.connection.run(latestViewSql('duckdb', { schema: view.integration.schema, keyColumn: keyColumnOf(view.integration), tableVersion: view.integration.tableVersion }));
        for (const statement of eventViewStatements(view)) await this.connection.run(statement);
      }
      this.madeOver.set(key, made);
      changed = true;
    }
    return changed;
  }
}

/** The table's view over its files: the registry's columns in the order first seen, then the system columns, then the partition. */
function tableViewSql({ integration, columns, table }: LakeTableView, files: readonly string[]): string {
  const declared = table === REJECTED_TABLE ? REJECTED_COLUMNS : [...inDuckDb(columns), ...inDuckDb(dataSystemColumns(integration)), ...keyColumn(integration, columns)];
  return duckDbTableViewSql(integration.schema, table, declared, PARTITION, files, READ_OPTIONS);
}

/** The per-event views of an integration (event-types.ts), and their `_latest` views where it has a primary key. */
function eventViewStatements({ integration, columns, eventTypes }: LakeTableView): string[] {
  const names = columns.map((column) => column.name);
  const keyColumn = integration.primaryKey === undefined ? undefined : keyColumnOf(integration);
  return eventTypes.flatMap(({ eventType, columns: own }) =>
    eventViewsSql({ schema: integration.schema, eventType, columns: eventViewColumns(integration, names, new Set(own)), keyColumn, tableVersion: integration.tableVersion }),
  );
}

/** The key column of `data_latest` when the registry does not have it yet (no event has arrived). */
function keyColumn(integration: Integration, columns: readonly RegisteredColumn[]): ViewColumn[] {
  const name = keyColumnOf(integration);
  return columns.some((column) => column.name === name) ? [] : [{ name, type: 'VARCHAR' }];
}

/** DuckDB's words for a file that is not there (as of 1.5: "No files found that match the pattern", "Cannot open file"). */
function isMissingFile(error: unknown): boolean {
  return /No files found|Cannot open file|No such file/i.test(messageOf(error));
}

/**
 * DuckDB's refusal of a statement, as it said it; a schema or table it does not know gets a pointer to
 * the ones there are (each integration is a schema).
 */
function queryFailed(error: unknown): ValidationError {
  const message = messageOf(error);
  const hint = /^Catalog Error: (Table|Schema) with name .* does not exist/.test(message)
    ? `\n"${HOOKLAKE_COMMAND} integrations list" shows the schemas, and "${HOOKLAKE_COMMAND} integrations show <schema>" the tables and views of one.`
    : '';
  return new ValidationError(`Query failed: ${message}${hint}`, { cause: error });
}

/** A literal path where DuckDB expects a glob: each metacharacter as a one-character class. */
function escapeGlob(path: string): string {
  return path.replace(/[[*?]/g, '[$&]');
}

interface Interrupter {
  /** Throws the abort's reason (as a QueryStoppedError) once the signal has fired. */
  throwIfAborted(): void;
  done(): void;
}

/**
 * Interrupts the connection when the signal fires, and again every few tenths of a second until the
 * query is done: DuckDB forgets an interrupt that lands just before its statement starts.
 */
function interruptOnAbort(connection: DuckDBConnection, signal: AbortSignal | undefined): Interrupter {
  if (signal === undefined) return { throwIfAborted: () => {}, done: () => {} };
  let timer: NodeJS.Timeout | undefined;
  const interrupt = () => {
    connection.interrupt();
    timer ??= setInterval(() => connection.interrupt(), INTERRUPT_AGAIN_MS);
  };
  signal.addEventListener('abort', interrupt, { once: true });
  return {
    throwIfAborted() {
      if (!signal.aborted) return;
      const reason: unknown = signal.reason;
      throw new QueryStoppedError(reason instanceof Error ? reason.message : 'The query was stopped.', { cause: reason });
    },
    done() {
      signal.removeEventListener('abort', interrupt);
      clearInterval(timer);
    },
  };
}

function toQueryResult(reader: DuckDBResultReader, maxRows = Infinity): QueryResult {
  // DuckDB allows two result columns of the same name; keys of a row object must differ.
  const columns = reader.deduplicatedColumnNames();
  // The result's column types, not the vectors': only they carry the JSON alias of mixed-type fields.
  const types = reader.columnTypes();
  const values = reader.getRows();
  const rows = values.slice(0, maxRows).map((row) => {
    const object: Record<string, unknown> = {};
    columns.forEach((column, i) => setOwn(object, column, toJsonSafe(row[i] ?? null, types[i], toJsonSafe)));
    return object;
  });
  return values.length > maxRows ? { columns, rows, truncated: true } : { columns, rows };
}

/**
 * DuckDB values to JSON: integers as numbers while exact, else strings; timestamps as ISO 8601 UTC
 * with Z; JSON-typed columns parsed; structs and maps as plain objects; lists as arrays.
 * Everything else as @duckdb/node-api's own JSON conversion does it.
 */
const toJsonSafe: DuckDBValueConverter<Json> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return typeof value === 'bigint' ? exactNumberOrString(value) : JsonDuckDBValueConverter(value, type, converter);
    case DuckDBTypeId.DECIMAL:
      // A double holds 15 significant digits exactly; wider decimals stay strings.
      return type instanceof DuckDBDecimalType && type.width <= 15 ? doubleFromDecimalValue(value) : String(value);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return hasBigInt(value, 'micros') ? isoTimestamp(value.micros, 1000n, 3, String(value)) : String(value);
    case DuckDBTypeId.TIMESTAMP_MS:
      return hasBigInt(value, 'millis') ? isoTimestamp(value.millis, 1n, 0, String(value)) : String(value);
    case DuckDBTypeId.TIMESTAMP_S:
      return hasBigInt(value, 'seconds') ? isoTimestamp(value.seconds * 1000n, 1n, 0, String(value)) : String(value);
    case DuckDBTypeId.TIMESTAMP_NS:
      return hasBigInt(value, 'nanos') ? isoTimestamp(value.nanos, 1_000_000n, 6, String(value)) : String(value);
    case DuckDBTypeId.VARCHAR:
      return type.alias === 'JSON' ? parseJsonText(String(value)) : String(value);
    case DuckDBTypeId.STRUCT:
      return value instanceof DuckDBStructValue && type instanceof DuckDBStructType ? structToObject(value, type, converter) : null;
    case DuckDBTypeId.MAP:
      return value instanceof DuckDBMapValue ? mapToJson(value, type, converter) : null;
    default:
      return JsonDuckDBValueConverter(value, type, converter);
  }
};

function exactNumberOrString(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

function hasBigInt<K extends string>(value: unknown, key: K): value is Record<K, bigint> {
  return typeof value === 'object' && value !== null && typeof (value as Record<K, unknown>)[key] === 'bigint';
}

/**
 * `ticks` since the epoch, `ticksPerMs` of them per millisecond, printed with `digitsBelowMs` more
 * fraction digits when the value has them. Infinity and dates beyond JS's range keep DuckDB's text.
 */
function isoTimestamp(ticks: bigint, ticksPerMs: bigint, digitsBelowMs: number, fallback: string): string {
  let ms = ticks / ticksPerMs;
  if (ms * ticksPerMs > ticks) ms -= 1n; // floor, for instants before 1970
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) return fallback;
  const iso = date.toISOString();
  const below = ticks - ms * ticksPerMs;
  return below === 0n ? iso : `${iso.slice(0, -1)}${below.toString().padStart(digitsBelowMs, '0')}Z`;
}

function parseJsonText(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

function structToObject(value: DuckDBStructValue, type: DuckDBStructType, converter: DuckDBValueConverter<Json>): Json {
  const result: Record<string, Json> = {};
  for (const [i, name] of type.entryNames.entries()) {
    setOwn(result, name, converter(structEntry(value, name), type.entryTypes[i], converter));
  }
  return result;
}

/**
 * The node-api fills `entries` by assignment, so an entry named "__proto__" became the object's
 * prototype (when it was an object or null) instead of a property. Recover it from there.
 */
function structEntry(value: DuckDBStructValue, name: string): DuckDBStructValue['entries'][string] {
  if (name !== '__proto__') return Object.prototype.hasOwnProperty.call(value.entries, name) ? value.entries[name] : null;
  const prototype: unknown = Object.getPrototypeOf(value.entries);
  return prototype === Object.prototype ? null : (prototype as DuckDBStructValue['entries'][string]);
}

/** A map with text keys reads as the object it came from; other keys as [{key, value}] entries. */
function mapToJson(value: DuckDBMapValue, type: Parameters<DuckDBValueConverter<Json>>[1], converter: DuckDBValueConverter<Json>): Json {
  const entries = JsonDuckDBValueConverter(value, type, converter) as { key: Json; value: Json }[];
  if (!entries.every((entry) => typeof entry.key === 'string')) return entries;
  const result: Record<string, Json> = {};
  for (const entry of entries) setOwn(result, entry.key as string, entry.value);
  return result;
}

/** Assignment would turn a "__proto__" key into the object's prototype; define it as data instead. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
