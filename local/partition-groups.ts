/** A flush's rows and archived requests, grouped by the partition folder they go to. */
import { partitionPath } from '../lambdas/core/lake-layout';
import { rawPartitionPath } from '../lambdas/core/raw-archive';
import { FAST_GZIP_LEVEL } from '../lambdas/core/lake-compaction';
import type { LakeBatch, PackedRows, RowPacker } from '../lambdas/core/rows';
import { canPackRows, GzipRowPacker } from './gzip-row-packer';

/** Requests larger than this have their rows compressed as they are stamped (gzip-row-packer.ts). */
export const PACK_BODY_BYTES = 256 * 1024;

/** The local sinks' packer for a request of `bodyBytes`: none for most, whose rows are small enough to wait as text. */
export function localPacker(bodyBytes: number): RowPacker | undefined {
  return bodyBytes > PACK_BODY_BYTES && canPackRows ? new GzipRowPacker(FAST_GZIP_LEVEL) : undefined;
}

/** Whether a batch has anything to store: rows, packed rows or an archived request. */
export function holdsAnything(batch: LakeBatch): boolean {
  return batch.rows.length > 0 || (batch.packed?.length ?? 0) > 0 || batch.raw !== undefined;
}

/**
 * Row texts of every batch by partition prefix, batches in submission order and rows in batch order;
 * archived requests by their archive folder, in the same flush, so a row is never durable without its request.
 */
export function groupByPartition(batches: readonly LakeBatch[]): Map<string, string[]> {
  const partitions = new Map<string, string[]>();
  for (const batch of batches) {
    for (const row of batch.rows) appendTo(partitions, partitionPath(batch.schema, row.table, row.dt), row.text);
    if (batch.raw !== undefined) appendTo(partitions, rawPartitionPath(batch.schema, batch.raw.dt), batch.raw.text);
  }
  return partitions;
}

/** Packed rows of every batch by partition prefix, in submission order. */
export function groupPacksByPartition(batches: readonly LakeBatch[]): Map<string, PackedRows[]> {
  const partitions = new Map<string, PackedRows[]>();
  for (const batch of batches) {
    for (const pack of batch.packed ?? []) appendTo(partitions, partitionPath(batch.schema, pack.table, pack.dt), pack);
  }
  return partitions;
}

function appendTo<T>(groups: Map<string, T[]>, key: string, item: T): void {
  const group = groups.get(key);
  if (group === undefined) groups.set(key, [item]);
  else group.push(item);
}

