import { once } from 'node:events';
import { createGzip, gzipSync } from 'node:zlib';

/** Text handed to gzip at a time: big enough to keep the calls few, small next to a large body. */
const CHUNK_CHARS = 256 * 1024;
const SYNC_CHARS = 64 * 1024;
const SYNC_LINES = 1000;

/**
 * Gzip of `lines` as NDJSON (each line ended by "\n"), made a chunk at a time: the uncompressed
 * file is never held whole (a joined string, then its UTF-8 copy), only the compressed result.
 * Compression of more than a little text runs on libuv's thread pool, off the event loop.
 * `level` is zlib's (default 6 when undefined).
 */
export async function gzipLines(lines: readonly string[], level?: number): Promise<Buffer> {
  // A small flush (a group of single events) is compressed at once: a trip through the thread pool
  // costs more waiting on a busy event loop than the compression itself.
  if (lines.length <= SYNC_LINES) {
    let chars = 0;
    for (const line of lines) chars += line.length;
    if (chars <= SYNC_CHARS) return gzipSync(lines.length === 0 ? '' : `${lines.join('\n')}\n`, { level });
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
