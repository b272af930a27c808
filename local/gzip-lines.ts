import { once } from 'node:events';
import { createGzip, gzipSync } from 'node:zlib';
import { STORED_GZIP_OVERHEAD, storedGzip } from './stored-gzip';

/** Text handed to gzip at a time: big enough to keep the calls few, small next to a large body. */
const CHUNK_CHARS = 256 * 1024;
const SYNC_CHARS = 256 * 1024;
const SYNC_LINES = 1000;
/**
 * A file system's block: a file no larger takes one block on disk whether its text is compressed or
 * not, so its text is stored as it is (storedGzip), which costs a fraction of a zlib call.
 */
export const DISK_BLOCK_BYTES = 4096;

/**
 * Gzip of `lines` as NDJSON (each line ended by "\n"). Up to SYNC_CHARS it is compressed at once
 * (stored uncompressed when it fits in one disk block); beyond, a chunk at a time on libuv's thread
 * pool, so the uncompressed file is never held whole, only the compressed result. `level` is zlib's
 * (default 6 when undefined).
 */
export async function gzipLines(lines: readonly string[], level?: number): Promise<Buffer> {
  // Up to a few hundred KB (a group of single events, a request of a hundred events) the text is
  // compressed at once: at the sink's level that costs less than the JSON.parse of the bodies, which
  // runs on the event loop anyway, and a trip through the thread pool costs more CPU than it saves.
  if (lines.length <= SYNC_LINES) {
    let chars = 0;
    for (const line of lines) chars += line.length;
    if (chars <= SYNC_CHARS) {
      return gzipNdjson(ndjsonBytes(lines, chars), level);
    }
  }
  const gzip = createGzip({ level });
  const output: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => output.push(chunk));
  const ended = once(gzip, 'end');
  let chunk: string[] = [];
  let chars = 0;
  for (const line of lines) {
    chunk.push(line);
    chars += line.length + 1;
    if (chars >= CHUNK_CHARS) {
      if (!gzip.write(`${chunk.join('\n')}\n`)) await once(gzip, 'drain');
      chunk = [];
      chars = 0;
    }
  }
  if (chunk.length > 0) gzip.write(`${chunk.join('\n')}\n`);
  gzip.end();
  await ended;
  return Buffer.concat(output);
}

/** Gzip of NDJSON bytes, at once: stored when it fits in one disk block. */
export function gzipNdjson(text: Buffer, level?: number): Buffer {
  return text.length + STORED_GZIP_OVERHEAD <= DISK_BLOCK_BYTES ? storedGzip(text) : gzipSync(text, { level });
}

/**
 * The lines' UTF-8, each ended by "\n", encoded straight into one buffer: joining them first would
 * copy every row's text once more (rows are built by concatenation, so the join flattens them).
 */
export function ndjsonBytes(lines: readonly string[], chars: number): Buffer {
  // `chars`: the lines' length in UTF-16 units, newlines not counted.
  // A UTF-16 unit is at most 3 bytes of UTF-8.
  const bytes = Buffer.allocUnsafe(chars * 3 + lines.length);
  return bytes.subarray(0, writeNdjson(lines, bytes, 0));
}

/** Writes the lines' UTF-8, each ended by "\n", into `target` from `at`, which has room; returns where they end. */
export function writeNdjson(lines: readonly string[], target: Buffer, at: number): number {
  let end = at;
  for (const line of lines) {
    end += target.write(line, end, 'utf8');
    target[end++] = 0x0a;
  }
  return end;
}

/** The UTF-8 bytes of the lines, each ended by "\n", as `writeNdjson` writes them. */
export function ndjsonByteLength(lines: readonly string[]): number {
  let bytes = lines.length;
  for (const line of lines) bytes += Buffer.byteLength(line, 'utf8');
  return bytes;
}
