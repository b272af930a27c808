/**
 * The file work of one compaction merge: the NDJSON size of a lake file from its gzip trailer, and the
 * concatenation of several gzip NDJSON files into one new gzip file. The order of a merge's steps and
 * what makes it crash-safe are in lake-compactor.ts.
 */
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip, createGzip, gunzip } from 'node:zlib';
import { GZIP_HEADER, GZIP_TRAILER_BYTES } from './gzip-member';

export interface SourceFile {
  readonly path: string;
  /** NDJSON bytes. */
  readonly bytes: number;
}

export interface DescribedFile {
  /** NDJSON bytes. */
  readonly bytes: number;
  readonly at: number;
}

const NEWLINE = 0x0a;
/** Sources read ahead during a merge, and the largest read whole (NDJSON bytes). */
const READ_AHEAD = 16;
const READ_AHEAD_MAX_BYTES = 1024 * 1024;
const gunzipAsync = promisify(gunzip);
/** A gzip file is at least its header and trailer; anything shorter has no size to read. */
const MIN_GZIP_BYTES = GZIP_HEADER.length + GZIP_TRAILER_BYTES;

/**
 * Gunzips each source in turn into one gzip stream at `level`, written to `target` (created, must not
 * exist) and fsynced. `signal` stops it part way; the caller then removes `target`.
 */
export async function writeConcatenated(target: string, sources: readonly SourceFile[], level: number, signal?: AbortSignal): Promise<void> {
  const file = await open(target, 'wx');
  try {
    await pipeline(
      rowBytesOf(sources),
      createGzip({ level }),
      async (compressed: AsyncIterable<Buffer>) => {
        for await (const chunk of compressed) await file.write(chunk);
      },
      { signal },
    );
    await file.sync();
  } finally {
    await file.close();
  }
}

/**
 * The NDJSON bytes of each source in turn; one that does not end its last line gets a newline, so rows
 * never run together. Most sources are tiny (one flush of the sink): a few of those are read and
 * gunzipped ahead, in parallel, since one at a time each costs a round trip through the thread pool.
 * Larger ones are streamed, so memory stays bounded.
 */
async function* rowBytesOf(sources: readonly SourceFile[]): AsyncGenerator<Buffer> {
  const ahead = new Map<number, Promise<Buffer>>();
  for (let i = 0; i < sources.length; i++) {
    for (let j = i; j < sources.length && j < i + READ_AHEAD; j++) {
      if (ahead.has(j) || sources[j].bytes > READ_AHEAD_MAX_BYTES) continue;
      const read = readGunzipped(sources[j].path);
      // A merge that fails or is stopped leaves reads ahead behind; their failures are not the merge's.
      read.catch(() => undefined);
      ahead.set(j, read);
    }
    const read = ahead.get(i);
    ahead.delete(i);
    const chunks = read === undefined ? streamGunzipped(sources[i].path) : [await read];
    let last = NEWLINE;
    for await (const chunk of chunks) {
      if (chunk.length === 0) continue;
      last = chunk[chunk.length - 1];
      yield chunk;
    }
    if (last !== NEWLINE) yield Buffer.from('\n');
  }
}

async function readGunzipped(path: string): Promise<Buffer> {
  return gunzipAsync(await readFile(path));
}

async function* streamGunzipped(path: string): AsyncGenerator<Buffer> {
  const gunzip = createGunzip();
  const reading = pipeline(createReadStream(path), gunzip);
  // Its failure also ends the loop below with the error; awaited after it, never left unhandled.
  reading.catch(() => undefined);
  yield* gunzip as AsyncIterable<Buffer>;
  await reading;
}

/**
 * The NDJSON size inside a gzip file, from its trailer (ISIZE: the size modulo 2^32 of the last
 * member; the sink and the compactor write one member, far below 4 GiB), and when it was written.
 */
export async function describeFile(path: string): Promise<DescribedFile> {
  const file = await open(path, 'r');
  try {
    const { size, mtimeMs } = await file.stat();
    if (size < MIN_GZIP_BYTES) return { bytes: size, at: mtimeMs };
    const trailer = Buffer.alloc(4);
    await file.read(trailer, 0, 4, size - 4);
    return { bytes: trailer.readUInt32LE(0), at: mtimeMs };
  } finally {
    await file.close();
  }
}
