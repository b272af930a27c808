/**
 * The seams between the use cases and the world. AWS adapters live in `lambdas/aws/`, local ones
 * in `local/`; the use cases (and through them the Lambdas, the local server and the CLI) see only
 * these interfaces.
 */
import type { ColumnType } from '../core/column-mapping';
import type { CatalogColumn } from '../core/column-types';
import type { EventColumns } from '../core/event-types';
import type { CountDelta } from '../core/ingest-counts';
import type { Integration } from '../core/integration';
import type { LakeTable } from '../core/lake-layout';
import type { LakeBatch, RowPacker } from '../core/rows';
import type { SigningConfig } from '../core/signing';
import type { TokenRecord } from '../core/tokens';
import type { JoinedLines } from '../core/raw-archive';

export interface IntegrationStore {
  /** Throws ConflictError when the schema is taken. */
  createIntegration(integration: Integration): Promise<void>;
  getIntegration(schema: string): Promise<Integration | undefined>;
  /** Every integration without its `signing`: keys are read only where a webhook is checked (getIntegration). */
  listIntegrations(): Promise<Integration[]>;
  /** Replaces the integration's signature checking (undefined turns it off); NotFoundError for an unknown schema. */
  setSigning(schema: string, signing: SigningConfig | undefined): Promise<void>;
  /** Throws NotFoundError for an unknown schema, TokenLimitError past `maxActive` active tokens. */
  addToken(record: TokenRecord, maxActive: number): Promise<void>;
  /** Every token of the integration, revoked ones included, oldest first. */
  listTokens(schema: string): Promise<TokenRecord[]>;
  /** Idempotent; throws NotFoundError for an unknown schema or token id. Returns the revoked record. */
  revokeToken(schema: string, tokenId: string, at: Date): Promise<TokenRecord>;
  /** Lookup by SHA-256 hash (hex); strongly consistent so a new token works at once. */
  findTokenByHash(tokenHash: string): Promise<TokenRecord | undefined>;
  /** The integration's column registry, in the order columns were first seen; NotFoundError for an unknown schema. */
  listColumns(schema: string): Promise<RegisteredColumn[]>;
  /**
   * Registers columns the registry lacks. A column someone registered first (a concurrent writer)
   * keeps its type: the result is the whole registry after the call, for the caller to map again
   * where it guessed a type that lost. NotFoundError for an unknown schema.
   */
  addColumns(schema: string, columns: readonly RegisteredColumn[]): Promise<RegisteredColumn[]>;
  /** The integration's event types and the columns each has carried; NotFoundError for an unknown schema. */
  listEventTypes(schema: string): Promise<EventTypeRegistry>;
  /**
   * Adds columns to event types (a type's set only grows, safely under concurrent writers). A type not
   * registered yet is taken only while the integration has fewer than `maxTypes`; the first one turned
   * away is noted, and no later new type of the call is tried. Returns the registry after the call.
   * NotFoundError for an unknown schema.
   */
  addEventColumns(schema: string, additions: readonly EventColumns[], at: Date, maxTypes: number): Promise<EventTypeRegistry>;
  /**
   * Raises the table version from `change.from` to `from + 1` (a table reset), with the primary key
   * changed when `change.primaryKey` is given (null removes it). Returns the integration after.
   * NotFoundError for an unknown schema; ConflictError when the version is no longer `from`.
   */
  raiseTableVersion(schema: string, change: TableVersionChange): Promise<Integration>;
}

export interface TableVersionChange {
  readonly from: number;
  readonly at: Date;
  /** A new primary key for the new version; null: none (a UUID per row). Absent: unchanged. */
  readonly primaryKey?: string | null;
}

/** One event type of an integration: what its per-event view shows. */
export interface RegisteredEventType {
  readonly eventType: string;
  /** Columns of `data` its rows have carried, sorted by name. */
  readonly columns: readonly string[];
  /** ISO 8601 UTC. */
  readonly firstSeenAt: string;
}

export interface EventTypeRegistry {
  /** In the order first seen, then by name. */
  readonly types: RegisteredEventType[];
  /** When a new type was first turned away for passing the bound (ISO 8601 UTC); absent while none was. */
  readonly firstRefusedAt?: string;
}

/** One column of an integration's `data` table, as the registry keeps it. */
export interface RegisteredColumn {
  readonly name: string;
  readonly type: ColumnType;
  /** ISO 8601 UTC. */
  readonly firstSeenAt: string;
}

export interface RecordSink {
  /**
   * Stores every row durably before resolving. Throws SinkUnavailableError when that cannot be
   * done; some rows may then have been stored, and the provider's retry may write them again.
   */
  write(batch: LakeBatch, options?: SinkWriteOptions): Promise<SinkReport>;
  /**
   * For a request of `bodyBytes`, something that takes its rows as they are stamped and turns them
   * into the sink's stored form at once, so a large request never holds all its rows' texts; the
   * result goes to `write` as `packed`. Undefined (or absent): the rows are handed over as they are.
   */
  packer?(bodyBytes: number): RowPacker | undefined;
}

export interface SinkWriteOptions {
  /**
   * Epoch milliseconds by which the caller stops waiting (the webhook's latency budget): a sink that
   * retries gives up before it rather than retry past it. @default - the sink's own budget
   */
  readonly deadline?: number;
}

export interface SinkReport {
  /** Rows of `data` the sink could not store as they were and stored in `_sdc_rejected` instead. */
  readonly rejected: number;
  /** Rounds of sending again what the store refused at first (throttling, partial failures). @default 0 */
  readonly retries?: number;
}

/** What the ingest path reports of each answered webhook, for metrics (EMF through Powertools on AWS). */
export interface IngestMetrics {
  answered(outcome: WebhookOutcome): void;
}

export interface WebhookOutcome {
  readonly status: number;
  /** For a refusal or failure, the error's name (`SignatureError`, `SinkUnavailableError`, ...). */
  readonly reason?: string;
  /** Rows stored in `data` and in `_sdc_rejected`. */
  readonly records: number;
  readonly rejected: number;
  readonly sinkRetries: number;
  /** The integration, once the token named one; absent when it did not (unknown token, wrong method). */
  readonly schema?: string;
  /** The token it was accepted or refused with, once known. */
  readonly tokenId?: string;
  /** When the request arrived. @default - unknown: not counted in loading reports */
  readonly receivedAt?: Date;
}

/**
 * Loading-report counters (ingest-counts.ts), kept next to the integrations: DynamoDB on AWS,
 * dynalite locally. Ingest adds to them in batches, `hooklake status` reads them.
 */
export interface IngestCountStore {
  /** Adds the delta to its integration's day, in one write: counters summed, times set. */
  addCounts(delta: CountDelta): Promise<void>;
  /** The stored counts of these schemas on these days (YYYY-MM-DD); a day without any is left out. */
  readCounts(schemas: readonly string[], days: readonly string[]): Promise<CountDelta[]>;
  /** Sets (or with undefined, clears) how long the integration may go without events; NotFoundError for an unknown schema. */
  setSilenceAfter(schema: string, seconds: number | undefined): Promise<void>;
  /** schema -> seconds, for every integration that has a silence threshold. */
  silenceThresholds(): Promise<ReadonlyMap<string, number>>;
}

export interface QueryResult {
  readonly columns: readonly string[];
  /** Values are JSON-safe: numbers, strings, booleans, null, arrays and objects. */
  readonly rows: readonly Record<string, unknown>[];
  /** True when the statement had more rows than `maxRows`: only the first ones are in `rows`. */
  readonly truncated?: boolean;
}

/** Bounds on one query, for callers that must not wait or hold without end (the web console). */
export interface QueryLimits {
  /** At most this many rows are read and returned; past them the result is cut and says so. */
  readonly maxRows?: number;
  /** Aborting it stops the query (its reason, an Error, is what the caller is told). */
  readonly signal?: AbortSignal;
  /**
   * One statement that reads, and no file but the lake's: enforced by the engine itself where it can
   * (DuckDB's own statement type and file access settings), not by looking at the text.
   */
  readonly readOnly?: boolean;
}

export interface QueryEngine {
  query(sql: string, limits?: QueryLimits): Promise<QueryResult>;
}

/** A table catalog that must be told the lake's columns (Glue); local tables read the files directly. */
export interface TableCatalog {
  /** Makes the integration's database and tables when missing; leaves existing ones as they are. */
  ensureIntegration(integration: Integration, createdAt?: Date): Promise<void>;
  columns(schema: string, table: LakeTable): Promise<CatalogColumn[]>;
  /** Adds observed columns and widens types; throws NotFoundError when the table does not exist. */
  mergeColumns(schema: string, table: LakeTable, observed: readonly CatalogColumn[]): Promise<MergedColumns>;
  hasTable(schema: string, name: string): Promise<boolean>;
  /** Every table and view of the schema with its column names (partition columns last); empty without a database. */
  tableColumns(schema: string): Promise<ReadonlyMap<string, readonly string[]>>;
}

/** The table's columns after a merge, whether they changed, and the names of those that are new. */
export interface MergedColumns {
  readonly changed: boolean;
  readonly columns: CatalogColumn[];
  readonly added: string[];
}

/** Structured logging, as Powertools' Logger offers it; fields never include a token. */
export interface AppLogger {
  info(message: string, ...fields: Record<string, unknown>[]): void;
  warn(message: string, ...fields: Record<string, unknown>[]): void;
  error(message: string, ...fields: Record<string, unknown>[]): void;
}

/**
 * Firehose's error output (rows it could not partition or deliver) and the markers of what was
 * recovered from it: S3 on AWS. The local sink has no error output, so nothing implements it there.
 */
export interface DeliveryErrorStore {
  /**
   * Every error object. With `since` (YYYY-MM-DD) it may skip objects of earlier days, not must:
   * the caller filters by day itself.
   */
  listErrorObjects(range: { readonly since?: string }): AsyncIterable<ErrorObjectRef>;
  /** The object's text, decompressed when Firehose compressed it. */
  readErrorObject(key: string): Promise<string>;
  /** Keys of the error objects whose rows were all taken by the record sink already. */
  recoveredKeys(): Promise<ReadonlySet<string>>;
  /** Records that every row of `key` was taken; `marker` is kept for people to read. */
  markRecovered(key: string, marker: RecoveryMarker): Promise<void>;
}

export interface ErrorObjectRef {
  readonly key: string;
  readonly bytes: number;
  readonly lastModified?: Date;
}

/** What a recovered error object's marker says. */
export interface RecoveryMarker {
  /** ISO 8601 UTC. */
  readonly recoveredAt: string;
  readonly rows: number;
  /** Pieces of the object that were no rows of ours, left in the error output. */
  readonly skipped: number;
}

/** The raw archive of accepted requests (raw-archive.ts): files on disk locally, objects in the lake bucket on AWS. */
export interface RawArchiveReader {
  /** The archive's files of one schema for the days from `from` to `to` (YYYY-MM-DD, inclusive), by day then name. */
  listFiles(schema: string, from: string, to: string): Promise<RawArchiveFile[]>;
  /** Every request a file holds, in the order written, and how many split requests it holds only some parts of. */
  readFile(file: RawArchiveFile): Promise<JoinedLines>;
}

export interface RawArchiveFile {
  readonly dt: string;
  /** Unique within the schema's archive; what a replay's journal records as done. */
  readonly key: string;
}

/** Where a replay records what it did, so that running it again carries on instead of writing rows twice. */
export interface ReplayJournal {
  /** The schema's last replay, if any. */
  load(schema: string): Promise<ReplayState | undefined>;
  /** Replaces the schema's record durably. */
  save(state: ReplayState): Promise<void>;
}

export interface ReplayState {
  readonly schema: string;
  readonly from: string;
  readonly to: string;
  /** The table version the replay made and fills. */
  readonly tableVersion: number;
  readonly primaryKey: string | null;
  /** ISO 8601 UTC; also every replayed row's `_sdc_batched_at`, so a resumed replay stamps the same rows. */
  readonly startedAt: string;
  /** Days whose every archive file's rows the sink has taken. */
  readonly doneDays: readonly string[];
  /** Keys of the archive files of days not done yet whose rows the sink has taken. */
  readonly doneFiles: readonly string[];
  readonly finishedAt?: string;
}
