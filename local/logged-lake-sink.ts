/**
 * The local server's RecordSink: group commit into the lake's write-ahead log (lake-log.ts), whose
 * sealed segments become lake files behind it (lake-log-apply.ts, on the compactor's thread).
 *
 * Durability: `write()` resolves once its rows, and its request in the raw archive, are in a record
 * of the log written with O_DSYNC: they survive a `kill -9` or a power loss, and whatever start or
 * command comes next applies what the log holds. They reach the lake's files, where queries read them,
 * within `sealAfterMs` and the apply (about a tenth of a second); `settle()` waits for that, and a CLI
 * query of a running server asks it to. A flush costs one write on the disk, where a file per partition
 * cost five steps each, and the lake gets a file per partition per segment rather than per flush.
 */
import type { LakeBatch, RowPacker } from '../lambdas/core/rows';
import type { RecordSink, SinkReport } from '../lambdas/app/ports';
import { GroupCommit } from './group-commit';
import { gzipOfPacks } from './gzip-row-packer';
import { LakeLog } from './lake-log';
import { encodeLogRecord, type LogEntryToWrite } from './lake-log-format';
import { groupByPartition, groupPacksByPartition, holdsAnything, localPacker } from './partition-groups';
import { sinkUnavailable } from './sink-failure';

/** Where sealed segments go to be applied. */
export interface SegmentApplier {
  /** `segment` is sealed: apply it soon, after the ones handed before. */
  applyLater(segment: string): void;
  /** Resolves once every segment handed so far is applied; rejects when applying one failed meanwhile. */
  applied(): Promise<void>;
}

export interface LoggedLakeSinkOptions {
  /** @default DEFAULT_SEAL_AFTER_MS */
  readonly sealAfterMs?: number;
  /** @default DEFAULT_SEAL_AT_BYTES */
  readonly sealAtBytes?: number;
}

/** How long rows wait in the log, at most, before their segment is applied. */
export const DEFAULT_SEAL_AFTER_MS = 100;
/** A segment is read whole when applied: this bounds what that holds. */
export const DEFAULT_SEAL_AT_BYTES = 8 * 1024 * 1024;

export class LoggedLakeSink implements RecordSink {
  // Two flushes may overlap: one group's record is built while the other's is written.
  private readonly commits = new GroupCommit<LakeBatch>((batches) => this.flush(batches), { maxInFlight: 2 });
  private readonly log: LakeLog;

  constructor(
    private readonly dataDir: string,
    private readonly applier: SegmentApplier,
    options: LoggedLakeSinkOptions = {},
  ) {
    this.log = new LakeLog(dataDir, {
      sealAfterMs: options.sealAfterMs ?? DEFAULT_SEAL_AFTER_MS,
      sealAtBytes: options.sealAtBytes ?? DEFAULT_SEAL_AT_BYTES,
      onSealed: (segment) => applier.applyLater(segment),
    });
  }

  /** A record holds any row, so this sink never turns a row into a rejected one. */
  async write(batch: LakeBatch): Promise<SinkReport> {
    if (holdsAnything(batch)) await this.commits.submit(batch);
    return { rejected: 0 };
  }

  packer(bodyBytes: number): RowPacker | undefined {
    return localPacker(bodyBytes);
  }

  /** Resolves once every row written so far is in the lake's files. */
  async settle(): Promise<void> {
    await this.log.sealNow();
    await this.applier.applied();
  }

  /** Waits for queued and in-flight flushes, then for their rows to reach the lake's files. */
  async close(): Promise<void> {
    await this.commits.drain();
    await this.settle();
  }

  private async flush(batches: readonly LakeBatch[]): Promise<void> {
    const entries: LogEntryToWrite[] = [];
    for (const [prefix, lines] of groupByPartition(batches)) entries.push({ kind: 'lines', prefix, lines });
    // Large requests' rows, compressed as they were stamped, stay compressed.
    for (const [prefix, packs] of groupPacksByPartition(batches)) entries.push({ kind: 'gzip', prefix, data: gzipOfPacks(packs) });
    try {
      await this.log.append(encodeLogRecord(entries));
    } catch (error) {
      throw sinkUnavailable(batches, this.dataDir, error);
    }
  }
}
