/**
 * RecordSink on the local disk, in the lake layout (lake-layout.ts: gzip NDJSON under
 * `lake/<schema>/<table>/dt=YYYY-MM-DD/`), the same layout Firehose writes to S3.
 *
 * Durability: `write()` resolves only once its rows survive a `kill -9` or a power loss. Each file is
 * written under a temporary name that readers' `*.json.gz` globs skip, synced as written (O_DSYNC), renamed into place,
 * and the directory fsynced so the rename itself is on disk; readers never see a partial file.
 * Concurrent writes share that cost through group commit: one file per partition (and one more for the
 * rows of large requests, compressed as they were stamped) and one round of fsyncs per flush, whatever
 * number of requests the flush serves.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { FAST_GZIP_LEVEL } from '../lambdas/core/lake-compaction';
import { LAKE_FILE_SUFFIX } from '../lambdas/core/lake-layout';
import type { LakeBatch, RowPacker } from '../lambdas/core/rows';
import type { RecordSink, SinkReport } from '../lambdas/app/ports';
import { DirectoryHandles } from './directory-handles';
import { fsyncDirectory, isStrictlyInside, writeFileAtomically } from './durable-files';
import { GroupCommit } from './group-commit';
import { groupByPartition, groupPacksByPartition, holdsAnything, localPacker } from './partition-groups';
import { sinkUnavailable } from './sink-failure';
import { gzipLines } from './gzip-lines';
import { gzipOfPacks } from './gzip-row-packer';


export class FileLakeSink implements RecordSink {
  private readonly dataDir: string;
  // Two flushes may overlap: the callers that are not in the running flush need not wait on its fsyncs.
  private readonly commits = new GroupCommit<LakeBatch>((batches) => this.flush(batches), { maxInFlight: 2 });
  /** Partition directories whose entries, and their parents' entries, this process has fsynced. */
  private readonly durableDirs = new Set<string>();
  /** Open handles of partition folders, to fsync a folder in one step. */
  private readonly dirHandles = new DirectoryHandles();
  private fileCounter = 0;

  /** `onFilesWritten` hears of each flush that stored its files, with how many (one per partition). */
  constructor(
    dataDir: string,
    private readonly onFilesWritten?: (files: number) => void,
  ) {
    this.dataDir = resolve(dataDir);
  }

  /** A file holds any record, so this sink never turns a row into a rejected one. */
  async write(batch: LakeBatch): Promise<SinkReport> {
    if (holdsAnything(batch)) await this.commits.submit(batch);
    return { rejected: 0 };
  }

  packer(bodyBytes: number): RowPacker | undefined {
    return localPacker(bodyBytes);
  }

  /** Waits for queued and in-flight flushes; their writers get their own answers. */
  async close(): Promise<void> {
    await this.commits.drain();
    this.dirHandles.closeAll();
  }

  /** One file per partition for the whole group (two with packed rows); fails as a whole, so every caller retries. */
  private async flush(batches: readonly LakeBatch[]): Promise<void> {
    const partitions = groupByPartition(batches);
    const packed = groupPacksByPartition(batches);
    // allSettled, not all: every file is finished or cleaned up before the callers hear back.
    const results = await Promise.allSettled([
      ...[...partitions].map(async ([prefix, records]) => this.writePartitionFile(join(this.dataDir, prefix), await gzipLines(records, FAST_GZIP_LEVEL))),
      // Large requests' rows, compressed already, join in a file of their own: no need to compress again.
      ...[...packed].map(([prefix, packs]) => this.writePartitionFile(join(this.dataDir, prefix), gzipOfPacks(packs))),
    ]);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw sinkUnavailable(batches, this.dataDir, failed.reason);
    this.onFilesWritten?.(partitions.size + packed.size);
  }

  // Files are compressed at the fastest level: the compactor merges a flush's file soon and compresses the
  // merge, so harder compression here would be thrown away; archive lines are mostly base64 (of gzip from 4 KB on) anyway.
  private async writePartitionFile(dir: string, body: Buffer): Promise<void> {
    const name = `${Date.now()}-${process.pid}-${++this.fileCounter}${LAKE_FILE_SUFFIX}`;
    try {
      await this.writeDurably(dir, name, body);
    } catch (error) {
      if ((error as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT') throw error;
      // The folder went away under us (removed by hand): forget what we knew of it and make it again.
      this.forgetDir(dir);
      await this.writeDurably(dir, name, body);
    }
  }

  /**
   * Under a temporary name that no `*.json.gz` glob (DuckDB's, a user's) matches until it is whole,
   * then the folder fsynced through a handle kept open: each step of a flush waits its turn on a busy
   * event loop, so a flush takes as few of them as it can.
   */
  private async writeDurably(dir: string, name: string, body: Buffer): Promise<void> {
    await this.ensureDurableDir(dir);
    await writeFileAtomically(dir, name, body);
    await this.dirHandles.sync(dir);
  }

  private forgetDir(dir: string): void {
    this.durableDirs.delete(dir);
    this.dirHandles.forget(dir);
  }

  /**
   * Creates the partition directory and makes its entry durable: a new directory is lost on power
   * failure until its parent is fsynced. The first write of this process to a partition fsyncs the
   * whole chain up to the data directory, because an earlier process or a failed flush may have
   * created a directory without getting that far.
   */
  private async ensureDurableDir(dir: string): Promise<void> {
    if (this.durableDirs.has(dir)) return;
    const firstCreated = await mkdir(dir, { recursive: true });
    // Directories we created at or above the data directory need their parents fsynced too.
    const top = firstCreated !== undefined && !isStrictlyInside(firstCreated, this.dataDir) ? dirname(firstCreated) : this.dataDir;
    const parents: string[] = [];
    for (let current = dirname(dir); ; current = dirname(current)) {
      parents.push(current);
      if (current === top || current === dirname(current)) break;
    }
    await Promise.all(parents.map(fsyncDirectory));
    this.durableDirs.add(dir);
  }
}

