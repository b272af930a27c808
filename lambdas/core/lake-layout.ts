/**
 * The lake layout, the one place it is written down: `lake/<schema>/<table>/dt=YYYY-MM-DD/<file>.json.gz`,
 * gzip NDJSON, the same on disk and on S3. The file sink, the Firehose prefix in the stack, the Glue
 * locations, the S3 sampler and the DuckDB views all build their paths here.
 */

import { columnNameOf } from './column-names';

/** Where the lake starts: on disk below the data directory, on S3 below the bucket root. */
export const LAKE_PREFIX = 'lake/';
/**
 * Top folder of the rows Firehose could not partition or deliver (its error output), beside `lake/`
 * so no table of an integration reads it. Kept until recovered (`hooklake recover`); never expired by default.
 */
export const ERROR_ROOT = 'errors/';
export const DATA_TABLE = 'data';
export const REJECTED_TABLE = '_sdc_rejected';
export type LakeTable = typeof DATA_TABLE | typeof REJECTED_TABLE;
export const LAKE_TABLES: readonly LakeTable[] = [DATA_TABLE, REJECTED_TABLE];
export const PARTITION_COLUMN = 'dt';
/** Finished lake files end so; files in progress do not, so no reader's glob sees them. */
export const LAKE_FILE_SUFFIX = '.json.gz';
/** View of `data` with the latest row of each primary key, by `_sdc_sequence`. */
export const LATEST_VIEW = 'data_latest';
/** Key column of an integration without a primary key: a UUID per row. */
export const UUID_KEY_COLUMN = '__sdc_primary_key';

/**
 * Routing-only field the Firehose sink adds to every record: dynamic partitioning reads the
 * partition keys from it. Never a column of a table or view.
 */
export const PARTITION_FIELD = '_sdc_partition';

/**
 * Top folders a delivery stream writes: the lake's tables, and the raw archive of accepted requests
 * (raw-archive.ts), which shares the rows' records so that keeping it costs no Firehose record of its own.
 */
export type StreamRoot = 'lake' | 'raw';

/** What `PARTITION_FIELD` holds; the keys are the names the Firehose prefix refers to. */
export interface PartitionKeys {
  /** The top folder, `lake` or `raw`, without its slash. */
  readonly root: StreamRoot;
  readonly schema: string;
  /** A lake table, or the raw archive's one folder per schema (`requests`). */
  readonly table: string;
  readonly dt: string;
}

/** The JQ metadata-extraction query that turns `PARTITION_FIELD` into Firehose partition keys. */
export const PARTITION_KEY_QUERY =
  // Rows routed before the root existed (an older function during a deploy, a recover) go to the lake.
  `{root: (.${PARTITION_FIELD}.root // "lake"), schema: .${PARTITION_FIELD}.schema, table: .${PARTITION_FIELD}.table, dt: .${PARTITION_FIELD}.dt}`;

/**
 * Names that are never data columns of a table or view: the partition column (its value comes from
 * the directory) and the routing-only field the Firehose sink adds to each record.
 */
export const NON_DATA_FIELDS: ReadonlySet<string> = new Set([PARTITION_COLUMN, PARTITION_FIELD]);

/** The column `data_latest` partitions by: the primary key's column (named by Stitch's rule), or the UUID column. */
export function keyColumnOf(integration: { readonly primaryKey?: string }): string {
  return integration.primaryKey === undefined ? UUID_KEY_COLUMN : columnNameOf(integration.primaryKey);
}

/** Where the lake is on S3: the bucket, and the key prefix of the layout in it (e.g. `lake/`). */
export interface LakeLocation {
  readonly bucket: string;
  readonly lakePrefix: string;
}

/** UTC calendar day of an instant (or of its ISO text, when the caller has it already), as the `dt` partition value. */
export function partitionDate(at: Date | string): string {
  return (typeof at === 'string' ? at : at.toISOString()).slice(0, 10);
}

/**
 * Folder of one table, trailing slash: `lake/<schema>/<table>/`. Parts may be placeholders
 * (Firehose's `!{partitionKeyFromQuery:schema}`), which is why they are plain strings.
 */
export function tablePath(schema: string, table: string, lakePrefix: string = LAKE_PREFIX): string {
  return `${normalizePrefix(lakePrefix)}${schema}/${table}/`;
}

/** Folder of one day of a table, trailing slash: `lake/<schema>/<table>/dt=<dt>/`; `dt` may be a placeholder. */
export function partitionPath(schema: string, table: string, dt: string, lakePrefix: string = LAKE_PREFIX): string {
  return `${tablePath(schema, table, lakePrefix)}${PARTITION_COLUMN}=${dt}/`;
}

/** The `dt` of a partition folder name (`dt=2026-11-23`, trailing slash allowed), or undefined. */
export function partitionDateOf(folder: string): string | undefined {
  return new RegExp(`^${PARTITION_COLUMN}=(\\d{4}-\\d{2}-\\d{2})/?$`).exec(folder)?.[1];
}

/** Is this file name a finished lake file? */
export function isLakeFile(name: string): boolean {
  return name.endsWith(LAKE_FILE_SUFFIX) && !name.startsWith('.');
}

/**
 * Where a file is written before it is renamed into place: a leading dot and a trailing `.tmp`, so no
 * `*.json.gz` glob (DuckDB's, a user's) and no listing of finished files sees it.
 */
export function temporaryFileName(name: string): string {
  return `.${name}.tmp`;
}

/** A file still being written (or left by a crash mid-write): never a committed lake file or list. */
export function isTemporaryFile(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

/** Names of the files the local compactor writes by merging smaller lake files of one partition. */
export const COMPACTED_FILE_PREFIX = 'compacted-';
/**
 * Next to a compacted file `<name>`, the file `<name>.sources` lists the files it replaces (a JSON
 * array of names in the same folder). It is written before the compacted file appears, and removed
 * after those files are; readers of the local lake skip what it lists (see lake-compaction.ts).
 */
export const SOURCES_FILE_SUFFIX = '.sources';

/** A compacted file's name; `unique` makes it unique (e.g. `<ms>-<pid>-<n>`). */
export function compactedFileName(unique: string): string {
  return `${COMPACTED_FILE_PREFIX}${unique}${LAKE_FILE_SUFFIX}`;
}

export function isCompactedFile(name: string): boolean {
  return isLakeFile(name) && name.startsWith(COMPACTED_FILE_PREFIX);
}

/** The name of the list of files that `compacted` replaces. */
export function sourcesFileName(compacted: string): string {
  return `${compacted}${SOURCES_FILE_SUFFIX}`;
}

/** The compacted file a sources list belongs to, or undefined when `name` is no sources list. */
export function compactedFileOf(name: string): string | undefined {
  if (!name.endsWith(SOURCES_FILE_SUFFIX)) return undefined;
  const compacted = name.slice(0, -SOURCES_FILE_SUFFIX.length);
  return isCompactedFile(compacted) ? compacted : undefined;
}

/** A temporary file the compactor left behind when it stopped mid-merge (never one of the sink's). */
export function isCompactionTemporaryFile(name: string): boolean {
  return name.startsWith(`.${COMPACTED_FILE_PREFIX}`) && name.endsWith('.tmp');
}

/** A key prefix as the layout uses it: no leading slash, one trailing slash (or empty for the bucket root). */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}
