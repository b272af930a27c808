/**
 * The raw archive's compressor on both runtimes (node:zlib, on libuv's thread pool, so a 6 MB body
 * does not stall other webhooks). Level 1: a few times faster than the default for a few percent
 * more bytes, and the archive is written once and read only by a replay.
 */
import { gzip } from 'node:zlib';

export function gzipRawBody(bytes: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => gzip(bytes, { level: 1 }, (error, result) => (error ? reject(error) : resolve(result))));
}

/** What `createIngestWebhook` takes as `archiveRaw` when the archive is on. */
export const RAW_ARCHIVE_ON = { gzip: gzipRawBody } as const;
