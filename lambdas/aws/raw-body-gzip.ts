/**
 * The raw archive's compressor on both runtimes (node:zlib). Level 1: a few times faster than the
 * default for a few percent more bytes, and the archive is written once and read only by a replay.
 */
import { gzip, gzipSync } from 'node:zlib';

/**
 * Bodies up to this size are compressed at once: at level 1 that costs less than the body's own
 * JSON.parse, which runs on the event loop anyway, and a trip through libuv's thread pool costs more
 * CPU than it saves. Larger ones (a 6 MB body) go to the thread pool, so other webhooks are not stalled.
 */
const RAW_GZIP_INLINE_BYTES = 256 * 1024;

export function gzipRawBody(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes.byteLength <= RAW_GZIP_INLINE_BYTES) return Promise.resolve(gzipSync(bytes, { level: 1 }));
  return new Promise((resolve, reject) => gzip(bytes, { level: 1 }, (error, result) => (error ? reject(error) : resolve(result))));
}

/** What `createIngestWebhook` takes as `archiveRaw` when the archive is on. */
export const RAW_ARCHIVE_ON = { gzip: gzipRawBody } as const;
