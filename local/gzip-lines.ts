import { once } from 'node:events';
import { createGzip } from 'node:zlib';

/** Text handed to gzip at a time: big enough to keep the calls few, small next to a large body. */
const CHUNK_CHARS = 256 * 1024;

/**
 * Gzip of `lines` as NDJSON (each line ended by "\n"), made a chunk at a time: the uncompressed
 * file is never held whole (a joined string, then its UTF-8 copy), only the compressed result.
 * Compression runs on libuv's thread pool, off the event loop.
 */
export async function gzipLines(lines: readonly string[]): Promise<Buffer> {
  const gzip = createGzip();
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
