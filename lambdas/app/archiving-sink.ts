import type { RawArchiveWriter, RecordSink } from './ports';

/**
 * A record sink that stores each batch's archived request through `archive` at the same time as its
 * rows: the webhook is answered 200 only once both are stored, so nothing acknowledged is missing
 * from the archive. Where the sink writes the archive itself (the local file sink), it is not needed.
 */
export function withRawArchive(sink: RecordSink, archive: RawArchiveWriter): RecordSink {
  return {
    async write({ raw, ...batch }, options) {
      const [report] = await Promise.all([batch.rows.length > 0 ? sink.write(batch, options) : { rejected: 0 }, raw === undefined ? undefined : archive.write(batch.schema, raw, options)]);
      return report;
    },
  };
}
