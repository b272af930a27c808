/**
 * The Athena table over Firehose's error output and the view that opens its records into rows: the
 * names, columns and SQL the stack gives them. Text only; the stack makes them (lib/constructs/).
 */
import { ERROR_ROOT, PARTITION_COLUMN, PARTITION_FIELD } from './lake-layout';
import { ROW_DELIMITER } from './record-packing';
import { quoteIdentifier, stringLiteral } from './view-sql';

/** Glue database of Hooklake's own tables (a schema no integration may take) for the stack named "Hooklake". */
export const HOOKLAKE_DATABASE = 'hooklake';
export const DELIVERY_ERRORS_TABLE = 'delivery_errors';
export const DELIVERY_ERROR_ROWS_VIEW = 'delivery_error_rows';
/** Partition column of the error type folder (`errors/<error-output-type>/`). */
export const ERROR_TYPE_COLUMN = 'error_type';

/** The stack's own database: `hooklake`, or `hooklake_<stack>` for another stack name, so two stacks in one region do not collide. */
export function hooklakeDatabaseOf(stackName: string, defaultStackName: string): string {
  if (stackName === defaultStackName) return HOOKLAKE_DATABASE;
  return `${HOOKLAKE_DATABASE}_${stackName.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
}

/** Columns of one error record as Firehose documents them; Athena matches JSON keys without regard to case. */
export const DELIVERY_ERROR_COLUMNS = [
  { name: 'attemptsmade', type: 'bigint' },
  { name: 'arrivaltimestamp', type: 'bigint', comment: 'epoch milliseconds the record reached Firehose' },
  { name: 'errorcode', type: 'string' },
  { name: 'errormessage', type: 'string' },
  { name: 'attemptendingtimestamp', type: 'bigint' },
  { name: 'rawdata', type: 'string', comment: 'base64 of the record: one row, or rows separated by newlines' },
] as const;

/** Columns of the view, with their Hive (Glue) and Trino (Athena view) types. */
export const DELIVERY_ERROR_ROW_COLUMNS = [
  { name: 'schema_name', hive: 'string', trino: 'varchar' },
  { name: 'table_name', hive: 'string', trino: 'varchar' },
  { name: 'row_day', hive: 'string', trino: 'varchar' },
  { name: 'error_code', hive: 'string', trino: 'varchar' },
  { name: 'error_message', hive: 'string', trino: 'varchar' },
  { name: 'arrival_timestamp', hive: 'bigint', trino: 'bigint' },
  { name: 'row_text', hive: 'string', trino: 'varchar' },
  { name: ERROR_TYPE_COLUMN, hive: 'string', trino: 'varchar' },
  { name: 'error_day', hive: 'string', trino: 'varchar' },
] as const;

/**
 * One line per row Firehose failed: the record decoded, split at the row delimiter (a record holds
 * one row, or a whole packed one), and the schema, table and day read from the row's routing field.
 * A piece that is not JSON shows with NULL schema, table and day.
 */
export function deliveryErrorRowsSql(database: string): string {
  const route = (key: string) => `json_extract_scalar(r.row_text, ${stringLiteral(`$.${PARTITION_FIELD}.${key}`)})`;
  const delimiter = `chr(${ROW_DELIMITER.codePointAt(0)})`;
  return (
    `SELECT ${route('schema')} AS schema_name, ${route('table')} AS table_name, ${route('dt')} AS row_day, ` +
    'e.errorcode AS error_code, e.errormessage AS error_message, e.arrivaltimestamp AS arrival_timestamp, r.row_text, ' +
    `e.${ERROR_TYPE_COLUMN}, e.${PARTITION_COLUMN} AS error_day ` +
    `FROM ${quoteIdentifier(database)}.${quoteIdentifier(DELIVERY_ERRORS_TABLE)} e ` +
    `CROSS JOIN UNNEST(split(from_utf8(from_base64(e.rawdata)), ${delimiter})) AS r (row_text) ` +
    `WHERE r.row_text <> ''`
  );
}

/** Where the table's partitions are: `errors/<type>/dt=<day>/`, as the stack's error prefix writes them. */
export function deliveryErrorsLocationTemplate(bucketUrl: string): string {
  return `${bucketUrl}${ERROR_ROOT}\${${ERROR_TYPE_COLUMN}}/${PARTITION_COLUMN}=\${${PARTITION_COLUMN}}/`;
}
