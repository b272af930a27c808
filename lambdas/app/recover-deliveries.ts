/**
 * Recovering rows Firehose could not partition or deliver: each error object's rows are put to the
 * record sink again, grouped by schema, and the object is marked recovered only after the sink took
 * every one of them. A re-run skips marked objects, so each row is put again once.
 *
 * A crash (or a failed marker write) after the sink took an object's rows and before its marker is
 * written puts that object's rows again on the next run: byte-identical duplicates, same
 * `_sdc_sequence`, in the same table and day. That window is one object's marker write; the
 * promise stays at-least-once, as for webhooks, and `data_latest` picks one of the copies.
 * Rows the sink takes may fail again inside Firehose (the partition quota still exceeded): they go
 * to new error objects, which a later run recovers.
 */
import { errorObjectPlace, parseErrorObject, rowsOfErrorDocument, type RecoveredArchiveLine, type RecoveredRow } from '../core/delivery-errors';
import { DependencyUnavailableError, ValidationError } from '../core/errors';
import { partitionDate } from '../core/lake-layout';
import type { LakeRow } from '../core/rows';
import { messageOf } from '../shared/error-message';
import { mapWithConcurrency } from '../shared/concurrency';
import type { DeliveryErrorStore, ErrorObjectRef, RecordSink } from './ports';

export interface RecoveryServices {
  readonly errors: DeliveryErrorStore;
  readonly sink: RecordSink;
  readonly clock: () => Date;
}

export interface RecoveryOptions {
  /** First and last day (YYYY-MM-DD, UTC, inclusive) of error objects to recover, by the day Firehose wrote them. */
  readonly since?: string;
  readonly until?: string;
  /** Read and count, put nothing and mark nothing. */
  readonly dryRun?: boolean;
  /** Error objects read and written at once. @default 4 */
  readonly concurrency?: number;
  /** Told once the error objects are listed, and after each one. */
  readonly onProgress?: (progress: RecoveryProgress) => void;
}

export interface RecoveryProgress {
  readonly done: number;
  readonly total: number;
  readonly rows: number;
}

/** Rows recovered (or, with dryRun, to recover) into one table. */
export type TableCount = {
  readonly schema: string;
  readonly table: string;
  readonly rows: number;
};

/** An error object, or a part of one, left as it is, and why. */
export interface SkippedObject {
  readonly key: string;
  readonly reason: string;
  /** Pieces of it that were left (records or rows), when only part of it was. */
  readonly pieces?: number;
}

export interface RecoveryReport {
  readonly dryRun: boolean;
  readonly since?: string;
  readonly until?: string;
  /** Error objects in the range. */
  readonly objects: number;
  /** Of those, recovered by this run (with dryRun: that would be). */
  readonly recoveredObjects: number;
  /** Of those, recovered by an earlier run and skipped. */
  readonly alreadyRecovered: number;
  readonly rows: number;
  /** Raw archive lines (requests' bodies, `hooklake replay`'s input) put back with the rows. */
  readonly archived: number;
  readonly tables: TableCount[];
  readonly skipped: SkippedObject[];
  /** Why the run stopped before the end, when it did; running again carries on. */
  readonly stoppedBy?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function recoverDeliveries(services: RecoveryServices, options: RecoveryOptions = {}): Promise<RecoveryReport> {
  const { since, until } = checkedRange(options);
  const recovered = await services.errors.recoveredKeys();
  const inRange: ErrorObjectRef[] = [];
  for await (const ref of services.errors.listErrorObjects({ since })) {
    const day = errorObjectPlace(ref.key).day ?? (ref.lastModified ? partitionDate(ref.lastModified) : undefined);
    if ((since !== undefined || until !== undefined) && day === undefined) continue;
    if (day !== undefined && ((since !== undefined && day < since) || (until !== undefined && day > until))) continue;
    inRange.push(ref);
  }
  const pending = inRange.filter((ref) => !recovered.has(ref.key));

  const tables = new Map<string, TableCount>();
  const skipped: SkippedObject[] = [];
  let recoveredObjects = 0;
  let rows = 0;
  let archived = 0;
  let done = 0;
  let stoppedBy: string | undefined;
  const count = (found: readonly RecoveredRow[]) => {
    for (const { schema, row } of found) {
      const key = `${schema}.${row.table}`;
      const counted = tables.get(key);
      tables.set(key, { schema, table: row.table, rows: (counted?.rows ?? 0) + 1 });
    }
    rows += found.length;
  };

  const recoverOne = async (ref: ErrorObjectRef): Promise<void> => {
    let text: string;
    try {
      text = await services.errors.readErrorObject(ref.key);
    } catch (error) {
      // One unreadable object (gone, corrupt) is reported; a permission or setup problem stops the run.
      if (!(error instanceof DependencyUnavailableError)) throw error;
      skipped.push({ key: ref.key, reason: messageOf(error) });
      return;
    }
    const parsed = parseErrorObject(text);
    const found: RecoveredRow[] = [];
    const lines: RecoveredArchiveLine[] = [];
    const reasons = new Map<string, number>();
    if (parsed.unreadable > 0) reasons.set('not an error record', parsed.unreadable);
    for (const document of parsed.documents) {
      const { rows: ok, archived: archiveLines, unroutable } = rowsOfErrorDocument(document);
      found.push(...ok);
      lines.push(...archiveLines);
      for (const { reason } of unroutable) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    const left = [...reasons.values()].reduce((sum, n) => sum + n, 0);
    if (left > 0) skipped.push({ key: ref.key, reason: [...reasons].map(([reason, n]) => `${n} ${reason}`).join('; '), pieces: left });
    if (found.length === 0 && lines.length === 0) return;
    if (!options.dryRun) {
      for (const [schema, batch] of bySchema(found)) await services.sink.write({ schema, rows: batch });
      for (const { schema, raw } of lines) await services.sink.write({ schema, rows: [], raw });
      await services.errors.markRecovered(ref.key, { recoveredAt: services.clock().toISOString(), rows: found.length, skipped: left });
    }
    recoveredObjects += 1;
    count(found);
    archived += lines.length;
  };

  // Listing a large error output takes a while: say how much there is before the first object is read.
  options.onProgress?.({ done, total: pending.length, rows });
  try {
    await mapWithConcurrency(pending, options.concurrency ?? 4, async (ref) => {
      await recoverOne(ref);
      done += 1;
      options.onProgress?.({ done, total: pending.length, rows });
    });
  } catch (error) {
    // The sink retried within its budget already: the next objects would fail the same way.
    if (!(error instanceof DependencyUnavailableError)) throw error;
    stoppedBy = messageOf(error);
  }

  return {
    dryRun: options.dryRun === true,
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    objects: inRange.length,
    recoveredObjects,
    alreadyRecovered: inRange.length - pending.length,
    rows,
    archived,
    tables: [...tables.values()].sort((a, b) => `${a.schema}.${a.table}`.localeCompare(`${b.schema}.${b.table}`)),
    skipped,
    ...(stoppedBy === undefined ? {} : { stoppedBy }),
  };
}

function bySchema(found: readonly RecoveredRow[]): Map<string, LakeRow[]> {
  const groups = new Map<string, LakeRow[]>();
  for (const { schema, row } of found) {
    const rows = groups.get(schema);
    if (rows) rows.push(row);
    else groups.set(schema, [row]);
  }
  return groups;
}

function checkedRange(options: RecoveryOptions): { since?: string; until?: string } {
  for (const [name, value] of [['--since', options.since], ['--until', options.until]] as const) {
    if (value !== undefined && (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))) {
      throw new ValidationError(`${name} ${value} is not a day; give it as YYYY-MM-DD (UTC), e.g. 2026-11-23.`);
    }
  }
  if (options.since !== undefined && options.until !== undefined && options.since > options.until) {
    throw new ValidationError(`--since ${options.since} is after --until ${options.until}; give the earlier day first.`);
  }
  return { since: options.since, until: options.until };
}
