/**
 * The raw archive on AWS: a delivery stream of its own that writes `raw/<schema>/dt=YYYY-MM-DD/`
 * in the lake bucket (a prefix of its own, so a lifecycle rule can expire it). Each archived request
 * is one Firehose record, or, over the record limit (a request may be 6 MB), parts that a reader joins
 * (raw-archive.ts). Put through the lake's own sink: the same packing, retries and time budget.
 */
import { DATA_TABLE, type LakeTable } from '../core/lake-layout';
import { FIREHOSE_LIMITS } from '../core/record-packing';
import { splitRawEntry, type RawEntry } from '../core/raw-archive';
import type { RawArchiveWriter, RecordSink, SinkWriteOptions } from '../app/ports';

/** Room under Firehose's record limit for the routing field the sink appends. */
const ROUTING_BYTES = 512;

export class FirehoseRawArchive implements RawArchiveWriter {
  /** `sink` writes to the archive's delivery stream, whose partition keys are the routing field's schema and dt. */
  constructor(private readonly sink: RecordSink) {}

  async write(schema: string, entry: RawEntry, options?: SinkWriteOptions): Promise<void> {
    const parts = splitRawEntry(entry, FIREHOSE_LIMITS.maxRecordBytes - ROUTING_BYTES);
    // The table in the routing field is not read by the archive's stream; the rows are the entry's lines.
    const table: LakeTable = DATA_TABLE;
    const rows = parts.map((part) => ({ table, dt: part.dt, text: part.text, receivedAt: `${part.dt}T00:00:00.000Z`, sequence: entry.sequence }));
    await this.sink.write({ schema, rows }, options);
  }
}
