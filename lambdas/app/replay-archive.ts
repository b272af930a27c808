/**
 * Replay: rows derived again from the raw archive, through the same decode and stamp path as a
 * webhook, into a new table version (for example after changing the primary key or fixing a
 * mapping). The reset comes first, so `data_latest` shows only what the replay and later webhooks write.
 *
 * Idempotent: the journal records the version the replay made and each archive file whose rows the
 * sink took; running the same replay again (same days, and the version is still current) carries on
 * from there, and once finished does nothing. Replayed rows are the same every time (sequences and
 * UUID keys come from the archived request, `_sdc_batched_at` from the replay's start), so the one
 * window, a crash between the sink taking a file's rows and the journal saying so, leaves identical
 * copies that `data_latest` collapses, as a webhook's retry would.
 */
import { decodeBody } from '../core/decode-body';
import { ValidationError } from '../core/errors';
import { eventTypeRuleOf } from '../core/event-types';
import type { Integration } from '../core/integration';
import type { ArchivedRequest } from '../core/raw-archive';
import { replaySequences, replayUuid } from '../core/replay-ids';
import type { ColumnTypes } from '../core/column-mapping';
import { REJECTED_TABLE } from '../core/lake-layout';
import type { LakeRow } from '../core/rows';
import { stampRecords } from '../core/stamp';
import { messageOf } from '../shared/error-message';
import type { CatalogSync } from './catalog-sync';
import { ColumnRegistryCache } from './column-registry-cache';
import { EventTypeRegistryCache } from './event-type-registry-cache';
import type { IntegrationStore, RawArchiveFile, RawArchiveReader, RecordSink, ReplayJournal, ReplayState } from './ports';
import { stampRegistered } from './registered-stamp';
import { resetTable } from './table-reset';
import { requireIntegration } from './tokens';

/** Rows handed to the sink at once: a day's archive file can hold many requests. */
const ROWS_PER_WRITE = 5_000;

export interface ReplayServices {
  readonly store: IntegrationStore;
  readonly sink: RecordSink;
  readonly archive: RawArchiveReader;
  readonly journal: ReplayJournal;
  readonly clock: () => Date;
  readonly catalogSync?: CatalogSync;
  readonly maxBodyBytes: number;
  readonly maxRecordBytes: number;
}

export interface ReplayOptions {
  /** First and last day (YYYY-MM-DD, UTC, inclusive) of archived requests, by arrival. */
  readonly from: string;
  /** @default today */
  readonly to?: string;
  /** A new primary key for the new version; null: none. Absent: unchanged. */
  readonly primaryKey?: string | null;
  /** Told once the files are listed, and after each one. */
  readonly onProgress?: (progress: ReplayProgress) => void;
}

export interface ReplayProgress {
  readonly files: number;
  readonly totalFiles: number;
  readonly requests: number;
  readonly rows: number;
}

export interface ReplayReport {
  readonly schema: string;
  readonly from: string;
  readonly to: string;
  readonly tableVersion: number;
  /** The version before this replay made its own; equal to tableVersion when it carried on an earlier run. */
  readonly previousVersion: number;
  readonly resumed: boolean;
  /** Files of the range, and of those, what this run read (the others an earlier run had done). */
  readonly totalFiles: number;
  readonly files: number;
  readonly requests: number;
  /** Rows written to `data` and to `_sdc_rejected` by this run. */
  readonly records: number;
  readonly rejected: number;
  /** Archived requests that no longer decode (a lower body limit, say), left out, with why. */
  readonly skipped: readonly { readonly receivedAt: string; readonly reason: string }[];
}

export async function replayArchive(services: ReplayServices, schema: string, options: ReplayOptions): Promise<ReplayReport> {
  const today = services.clock().toISOString().slice(0, 10);
  const from = day('--from', options.from);
  if (from > today) throw new ValidationError(`--from ${from} is after today (${today}, UTC): nothing has arrived then yet.`);
  const to = options.to === undefined ? today : day('--to', options.to);
  if (to < from) throw new ValidationError(`--to ${to} is before --from ${from}.`);
  const current = await requireIntegration(services.store, schema);
  const earlier = await services.journal.load(current.schema);
  const resumed = earlier !== undefined && sameReplay(earlier, current, { from, to, primaryKey: options.primaryKey });
  // Files written after the reset hold rows of the new version, and late ones of older versions are
  // taken by running the replay again. A new replay lists again once its journal is saved (below).
  let files = await services.archive.listFiles(current.schema, from, to);
  let integration = current;
  let state: ReplayState;
  if (resumed) state = earlier;
  else {
    // Before the reset: a replay of days the archive does not hold would only empty data_latest.
    if (files.length === 0) {
      throw new ValidationError(`The raw archive holds no request of "${current.schema}" from ${from} to ${to}; nothing was changed. Archived days are kept for serve --raw-archive-days (AWS: rawArchiveDays), 30 by default.`);
    }
    ({ integration } = await resetTable(services, current.schema, { primaryKey: options.primaryKey, from: current.tableVersion }));
    state = { schema: integration.schema, from, to, tableVersion: integration.tableVersion, primaryKey: integration.primaryKey ?? null, startedAt: services.clock().toISOString(), doneDays: [], doneFiles: [] };
    await services.journal.save(state);
    // Listed again now that the journal names these days: the local compactor leaves them as they are
    // from here on, so the names listed now are the names a run carrying on later will see.
    files = await services.archive.listFiles(current.schema, from, to);
  }

  const pending = files.filter((file) => !state.doneDays.includes(file.dt) && !state.doneFiles.includes(file.key));
  const registries = new ColumnRegistryCache(services.store);
  const eventRegistries = new EventTypeRegistryCache(services.store);
  const totals = { files: 0, requests: 0, records: 0, rejected: 0 };
  const skipped: { receivedAt: string; reason: string }[] = [];
  const progress = () => options.onProgress?.({ files: files.length - pending.length + totals.files, totalFiles: files.length, requests: totals.requests, rows: totals.records + totals.rejected });
  progress();

  for (const [i, file] of pending.entries()) {
    const { requests, incomplete } = await services.archive.readFile(file);
    if (incomplete > 0) skipped.push({ receivedAt: file.dt, reason: `${file.key}: ${incomplete} request(s) too large for one record whose parts are not all in this file; left out` });
    let rows: LakeRow[] = [];
    for (const request of requests) {
      // Already in the version being filled: it arrived after the reset (or is a duplicate line of such a request).
      if (!beforeReset(request, state)) continue;
      try {
        rows.push(...(await rowsOf(request, integration, state, services, registries, eventRegistries)));
      } catch (error) {
        skipped.push({ receivedAt: request.receivedAt, reason: messageOf(error) });
        continue;
      }
      totals.requests += 1;
      if (rows.length >= ROWS_PER_WRITE) rows = await write(services.sink, integration.schema, rows, totals);
    }
    await write(services.sink, integration.schema, rows, totals);
    totals.files += 1;
    state = markDone(state, file, pending[i + 1], files);
    await services.journal.save(state);
    progress();
  }
  const resetDay = state.startedAt.slice(0, 10);
  state = {
    ...state,
    doneDays: [...new Set([...state.doneDays, ...files.map((file) => file.dt).filter((dt) => dt < resetDay)])].sort(),
    doneFiles: [...new Set([...state.doneFiles, ...files.filter((file) => file.dt >= resetDay).map((file) => file.key)])],
    finishedAt: state.finishedAt ?? services.clock().toISOString(),
  };
  await services.journal.save(state);
  return { schema: integration.schema, from, to, tableVersion: integration.tableVersion, previousVersion: resumed ? integration.tableVersion : current.tableVersion, resumed, totalFiles: files.length, files: totals.files, requests: totals.requests, records: totals.records, rejected: totals.rejected, skipped };
}

/**
 * Whether a request's rows went to a version before the replay's: by the version archived with it, or
 * for lines that have none, by arrival before the replay began.
 */
function beforeReset(request: ArchivedRequest, state: ReplayState): boolean {
  return request.tableVersion !== undefined ? request.tableVersion < state.tableVersion : request.receivedAt < state.startedAt;
}

/** The same replay, still able to carry on: same days and key, and no reset since it made its version. */
function sameReplay(state: ReplayState, integration: Integration, wanted: { from: string; to: string; primaryKey?: string | null }): boolean {
  const key = wanted.primaryKey === undefined ? state.primaryKey : wanted.primaryKey;
  return state.from === wanted.from && state.to === wanted.to && state.tableVersion === integration.tableVersion && key === state.primaryKey;
}

/** One archived request's rows, stamped as ingest stamps them, with the ids the request itself gives. */
async function rowsOf(request: ArchivedRequest, integration: Integration, state: ReplayState, services: ReplayServices, registries: ColumnRegistryCache, eventRegistries: EventTypeRegistryCache): Promise<LakeRow[]> {
  const records = decodeBody(Buffer.from(request.body, 'utf8'), request.headers['content-type'], services.maxBodyBytes);
  const receivedAt = new Date(request.receivedAt);
  const rule = eventTypeRuleOf(integration);
  const eventTypes = rule && { rule, registry: await eventRegistries.get(integration.schema) };
  const stamp = (columns: ColumnTypes) => {
    // Each stamping round (a concurrent writer's column type can make it map again) starts the request's sequences again.
    const sequences = replaySequences(request.sequence);
    let last = request.sequence;
    return stampRecords(records, {
      integration,
      receivedAt,
      batchedAt: new Date(state.startedAt),
      columns,
      nextSequence: () => (last = sequences()),
      // Called after the row's sequence is drawn: the key follows from it.
      uuid: () => replayUuid(integration.tableVersion, last),
      maxRecordBytes: services.maxRecordBytes,
      eventTypes,
    });
  };
  const stamped = await stampRegistered(integration.schema, stamp, await registries.get(integration.schema), registries, eventRegistries, services.clock());
  return stamped.rows;
}

async function write(sink: RecordSink, schema: string, rows: LakeRow[], totals: { records: number; rejected: number }): Promise<LakeRow[]> {
  if (rows.length === 0) return rows;
  const report = await sink.write({ schema, rows });
  const rejected = rows.filter((row) => row.table === REJECTED_TABLE).length + report.rejected;
  totals.rejected += rejected;
  totals.records += rows.length - rejected;
  return [];
}

/**
 * The state once `file` is done: a day whose last file it was becomes a done day, and its files are
 * forgotten; but not from the reset's day on, where files can still arrive that hold older requests
 * (Firehose delivers a buffer a minute or more late): those days stay a list of files, so running the
 * replay again takes what came since.
 */
function markDone(state: ReplayState, file: RawArchiveFile, next: RawArchiveFile | undefined, files: readonly RawArchiveFile[]): ReplayState {
  if ((next !== undefined && next.dt === file.dt) || file.dt >= state.startedAt.slice(0, 10)) return { ...state, doneFiles: [...state.doneFiles, file.key] };
  const ofDay = new Set(files.filter((other) => other.dt === file.dt).map((other) => other.key));
  return { ...state, doneDays: [...state.doneDays, file.dt], doneFiles: state.doneFiles.filter((key) => !ofDay.has(key)) };
}

function day(option: string, value: string): string {
  const parsed = new Date(`${value}T00:00:00Z`);
  // A round trip refuses days that do not exist (2026-02-30), which Date would roll over.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) throw new ValidationError(`${option} must be a day as YYYY-MM-DD (UTC), got "${value}".`);
  return value;
}
