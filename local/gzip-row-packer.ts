/**
 * The local sinks' packer (RecordSink.packer): a large request's rows are compressed while they are
 * stamped, a few hundred KB of text at a time, so their texts die young instead of waiting for the
 * flush in the old generation (1.5–2x the body's bytes, for each large body in flight). A table and
 * day's text becomes raw deflate segments that each end on a sync flush: they join into one stream
 * without a zlib stream held open between rows, and the packs of every large request in a flush join
 * into one gzip member per partition (`gzipOfPacks`), a record of the lake's log or a file.
 */
import { constants, deflateRawSync } from 'node:zlib';
import type { LakeTable } from '../lambdas/core/lake-layout';
import type { LakeRow, PackedRows, RowPacker } from '../lambdas/core/rows';
import { combineCrc32, crc32, GZIP_HEADER, gzipTrailer } from './gzip-member';
import { ndjsonBytes } from './gzip-lines';

/** Text compressed at a time: large enough to keep the calls few, small next to a large body. */
const SEGMENT_CHARS = 256 * 1024;

interface Partition {
  readonly table: LakeTable;
  readonly dt: string;
  rows: number;
  pending: string[];
  chars: number;
  readonly segments: Buffer[];
  crc: number;
  bytes: number;
}

/** Whether this Node can pack rows (it needs zlib.crc32). */
export const canPackRows = crc32 !== undefined;

export class GzipRowPacker implements RowPacker {
  private readonly partitions = new Map<string, Partition>();

  constructor(private readonly level: number) {}

  add(row: LakeRow): void {
    const key = `${row.table}\n${row.dt}`;
    let partition = this.partitions.get(key);
    if (partition === undefined) {
      partition = { table: row.table, dt: row.dt, rows: 0, pending: [], chars: 0, segments: [], crc: 0, bytes: 0 };
      this.partitions.set(key, partition);
    }
    partition.rows += 1;
    partition.pending.push(row.text);
    partition.chars += row.text.length;
    if (partition.chars >= SEGMENT_CHARS) this.compress(partition);
  }

  finish(): PackedRows[] {
    return [...this.partitions.values()].map((partition) => {
      this.compress(partition);
      return { table: partition.table, dt: partition.dt, rows: partition.rows, segments: partition.segments, crc32: partition.crc, bytes: partition.bytes };
    });
  }

  private compress(partition: Partition): void {
    if (partition.pending.length === 0) return;
    const text = ndjsonBytes(partition.pending, partition.chars);
    partition.segments.push(deflateRawSync(text, { level: this.level, finishFlush: constants.Z_SYNC_FLUSH }));
    partition.crc = (crc32 as NonNullable<typeof crc32>)(text, partition.crc);
    partition.bytes += text.length;
    partition.pending = [];
    partition.chars = 0;
  }
}

/** A final, empty block of fixed codes: ends the deflate stream the segments make. */
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]);

/** One gzip member holding the text of `packs` one after the other (they share a table and day). */
export function gzipOfPacks(packs: readonly PackedRows[]): Buffer {
  let crc = 0;
  let bytes = 0;
  for (const pack of packs) {
    crc = combineCrc32(crc, pack.crc32, pack.bytes);
    bytes += pack.bytes;
  }
  return Buffer.concat([GZIP_HEADER, ...packs.flatMap((pack) => pack.segments), FINAL_EMPTY_BLOCK, gzipTrailer(crc, bytes)]);
}
