/**
 * The file work of one compaction merge: the NDJSON size of a lake file from its gzip trailer, and the
 * concatenation of several gzip NDJSON files into one new gzip file. The order of a merge's steps and
 * what makes it crash-safe are in lake-compactor.ts.
 */
import { closeSync, createReadStream, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip, gunzipSync } from 'node:zlib';
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
/** The largest source read whole (NDJSON bytes). */
const READ_WHOLE_MAX_BYTES = 1024 * 1024;
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
 * never run together. Most sources are tiny (one flush of the sink) and are read whole, synchronously
 * (readGunzipped); larger ones are streamed, so memory stays bounded.
 */
async function* rowBytesOf(sources: readonly SourceFile[]): AsyncGenerator<Buffer> {
  for (const source of sources) {
    const chunks = source.bytes > READ_WHOLE_MAX_BYTES ? streamGunzipped(source.path) : [readGunzipped(source.path)];
    let last = NEWLINE;
    for await (const chunk of chunks) {
      if (chunk.length === 0) continue;
      last = chunk[chunk.length - 1];
      yield chunk;
    }
    if (last !== NEWLINE) yield Buffer.from('\n');
  }
}

/** Synchronous: the compactor has a thread of its own, and a trip through the shared pool costs more CPU than it saves. */
function readGunzipped(path: string): Buffer {
  return gunzipSync(readFileSync(path));
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
 * Synchronous, as readGunzipped: four steps a file, each a trip through the pool otherwise.
 */
export function describeFile(path: string): DescribedFile {
  const fd = openSync(path, 'r');
  try {
    const { size, mtimeMs } = fstatSync(fd);
    if (size < MIN_GZIP_BYTES) return { bytes: size, at: mtimeMs };
    const trailer = Buffer.alloc(4);
    readSync(fd, trailer, 0, 4, size - 4);
    return { bytes: trailer.readUInt32LE(0), at: mtimeMs };
  } finally {
    closeSync(fd);
  }
}
