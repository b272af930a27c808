/**
 * Background compaction of the local lake. The file sink writes one small file per partition per
 * group commit (one per request when a provider sends one event at a time); left alone, a busy day
 * holds tens of thousands of files and DuckDB spends seconds just opening them. The compactor merges a
 * partition's small files into larger gzip NDJSON files (the same format, so the lake stays as S3
 * holds it), in size tiers, and removes the files they replace once no reader can still need them.
 *
 * Crash safety (the rules are in lambdas/core/lake-compaction.ts): a merge writes and fsyncs the list
 * of its sources, then the merged file under a temporary name, fsyncs it and the folder, and renames
 * it into place. The rename is the commit: before it, readers read the sources; after it, the merged
 * file and not the sources. A `kill -9` or a power loss at any point leaves readers one or the other,
 * never both and never neither; the next pass deletes what an unfinished merge left. The replaced
 * files stay for a grace period, so a query that listed the folder just before a commit still finds
 * them; then they go, and then their list.
 *
 * It runs in the server process, one pass at a time, on a timer that never holds the process open:
 * gzip and gunzip run on libuv's thread pool, so ingest keeps the main thread. One merge per partition
 * per pass bounds a pass's work. A pass that leaves more to merge is followed at once by another, so
 * a backlog drains quickly; while files keep arriving (the sink says so through `noteWrite`), passes
 * come every `busyIntervalMs`, else every `intervalMs`.
 *
 * Only one compactor may work on a data directory, since it deletes what it takes for the leftovers
 * of unfinished merges; the server it runs in is the only one of its data directory.
 */
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip, createGzip, gunzip } from 'node:zlib';
import {
  DEFAULT_COMPACTION_POLICY,
  partitionState,
  planMerge,
  readyToRemove,
  type CompactionPolicy,
  type SizedFile,
} from '../lambdas/core/lake-compaction';
import { compactedFileName, compactedFileOf, LAKE_PREFIX, LAKE_TABLES, sourcesFileName, temporaryFileName } from '../lambdas/core/lake-layout';
import type { AppLogger } from '../lambdas/app/ports';
import { messageOf } from '../lambdas/shared/error-message';
import { fsyncDirectory, writeFileAtomically } from './durable-files';
import { isMissing, partitionFolders, readPartition } from './lake-files';

export interface LakeCompactorOptions {
  readonly logger: AppLogger;
  /** How long replaced files stay after a merge commits, for readers that listed the folder before. */
  readonly graceMs?: number;
  /** Time from the start of a pass that found nothing to merge to the next pass. */
  readonly intervalMs?: number;
  /** Time from the start of a pass that merged to the next: files are arriving, keep their number down. */
  readonly busyIntervalMs?: number;
  readonly policy?: CompactionPolicy;
}

/** A query reads its files within seconds of listing them; a minute leaves a wide margin. */
export const DEFAULT_GRACE_MS = 60_000;
const DEFAULT_INTERVAL_MS = 1_000;
// A busy server's sink can write hundreds of files a second (one per flush); merging them 5 times a
// second keeps a partition under a few hundred files.
const DEFAULT_BUSY_INTERVAL_MS = 200;
const NEWLINE = 0x0a;
/** Sources read ahead during a merge, and the largest read whole (NDJSON bytes). */
const READ_AHEAD = 16;
const READ_AHEAD_MAX_BYTES = 1024 * 1024;
const gunzipAsync = promisify(gunzip);
/** A gzip file is at least a 10-byte header and an 8-byte trailer; anything shorter has no size to read. */
const MIN_GZIP_BYTES = 18;

export interface PassReport {
  /** Merges committed. */
  readonly merged: number;
  /** Files deleted: replaced files, their lists, leftovers of unfinished merges. */
  readonly removed: number;
  /** Whether a partition had more to merge than one pass does. */
  readonly backlog: boolean;
  /** Whether a list whose replaced files this pass removed is left for the next pass to remove. */
  readonly listsLeft: boolean;
}

interface DescribedFile {
  /** NDJSON bytes. */
  readonly bytes: number;
  readonly at: number;
}

interface SourceFile {
  readonly path: string;
  readonly bytes: number;
}

/** Per process, not per compactor: with the time and the pid, it makes every merged file's name unique. */
let mergeCounter = 0;

const NOTHING_DONE: PassReport = { merged: 0, removed: 0, backlog: false, listsLeft: false };

export class LakeCompactor {
  private readonly lakeDir: string;
  private readonly graceMs: number;
  private readonly intervalMs: number;
  private readonly busyIntervalMs: number;
  private readonly policy: CompactionPolicy;
  /** What each lake file's size and age are, by folder and name: files never change once in place. */
  private readonly described = new Map<string, Map<string, DescribedFile>>();
  /** Partitions a pass found nothing to do in: their listing then, and when a pending removal falls due. */
  private readonly settled = new Map<string, { readonly listing: string; readonly until: number }>();
  private timer: NodeJS.Timeout | undefined;
  /** When the timer fires; undefined while a pass runs. */
  private nextPassAt: number | undefined;
  /** Whether the sink wrote since the current or last pass started. */
  private written = false;
  private current: Promise<PassReport> | undefined;
  private stopped = false;

  constructor(
    dataDir: string,
    private readonly options: LakeCompactorOptions,
  ) {
    this.lakeDir = join(dataDir, LAKE_PREFIX);
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.busyIntervalMs = options.busyIntervalMs ?? DEFAULT_BUSY_INTERVAL_MS;
    this.policy = options.policy ?? DEFAULT_COMPACTION_POLICY;
  }

  /** Runs passes in the background until `stop()`; the first clears what a crash left behind. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /**
   * The sink stored rows: files are arriving, so the next pass comes within `busyIntervalMs` rather
   * than a whole idle interval (a burst after a quiet spell would otherwise pile up files meanwhile).
   */
  noteWrite(): void {
    this.written = true;
    if (this.nextPassAt !== undefined && this.nextPassAt - Date.now() > this.busyIntervalMs) {
      clearTimeout(this.timer);
      this.schedule(this.busyIntervalMs);
    }
  }

  /** Stops the timer and waits for a pass in progress, which finishes its merge (bounded in size). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current?.catch(() => undefined);
  }

  /** One pass over every partition; passes never overlap. */
  runPass(): Promise<PassReport> {
    const previous = this.current ?? Promise.resolve();
    const pass = previous.catch(() => undefined).then(() => this.passOverLake());
    this.current = pass;
    return pass;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.nextPassAt = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.nextPassAt = undefined;
      this.written = false;
      const started = Date.now();
      const after = (pauseMs: number) => this.schedule(Math.max(0, started + pauseMs - Date.now()));
      this.runPass().then(
        // A backlog (a restart after much was written) drains at once.
        (report) => after(report.backlog ? 0 : report.merged > 0 || report.listsLeft || this.written ? this.busyIntervalMs : this.intervalMs),
        (error: unknown) => {
          this.options.logger.warn('Lake compaction failed; trying again later', { error: messageOf(error) });
          after(this.intervalMs);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  private async passOverLake(): Promise<PassReport> {
    let merged = 0;
    let removed = 0;
    let backlog = false;
    let listsLeft = false;
    for (const folder of await this.partitionFolders()) {
      if (this.stopped) break;
      const report = await this.compactPartition(folder);
      merged += report.merged;
      removed += report.removed;
      backlog ||= report.backlog;
      listsLeft ||= report.listsLeft;
    }
    return { merged, removed, backlog, listsLeft };
  }

  private async partitionFolders(): Promise<string[]> {
    const schemas = await readdir(this.lakeDir).catch((error: unknown) => {
      if (isMissing(error)) return [];
      throw error;
    });
    const tables = schemas.flatMap((schema) => LAKE_TABLES.map((table) => join(this.lakeDir, schema, table)));
    return (await Promise.all(tables.map(partitionFolders))).flat();
  }

  private async compactPartition(dir: string): Promise<PassReport> {
    const entries = await readPartition(dir);
    if (entries === undefined) return NOTHING_DONE;
    const listing = [...entries.names].sort().join('\n');
    const settled = this.settled.get(dir);
    if (settled !== undefined && settled.listing === listing && Date.now() < settled.until) return NOTHING_DONE;

    const state = partitionState(entries);
    const present = new Set(entries.names);
    // No merge of ours is running (passes are serialised), so these are a crash's leftovers.
    let removed = await removeAll(dir, state.abandoned);
    if (removed > 0) await fsyncDirectory(dir);

    const committedAt = await modifiedTimes(dir, [...state.committed.keys()].map((list) => compactedFileOf(list) as string).filter((name) => present.has(name)));
    const now = Date.now();
    let listsLeft = false;
    for (const list of readyToRemove(state, present, (compacted) => (committedAt.get(compacted) ?? 0) + this.graceMs <= now)) {
      const done = await this.removeReplaced(dir, list, state.committed.get(list) ?? [], present);
      removed += done.removed;
      listsLeft ||= done.listLeft;
    }

    const files = await this.sizedByAge(dir, state.visible);
    const sources = planMerge(files, this.policy);
    if (sources !== undefined) {
      const byName = new Map(files.map((file) => [file.name, file]));
      await this.merge(dir, sources.map((name) => byName.get(name) as SizedFile));
      this.settled.delete(dir);
      const merged = new Set(sources);
      return { merged: 1, removed, backlog: planMerge(files.filter((file) => !merged.has(file.name)), this.policy) !== undefined, listsLeft };
    }
    const pending = [...committedAt.values()].map((at) => at + this.graceMs);
    this.settled.set(dir, { listing: removed > 0 ? '' : listing, until: pending.length === 0 ? Infinity : Math.min(...pending) });
    return { merged: 0, removed, backlog: false, listsLeft };
  }

  /** The files with their NDJSON sizes, oldest first (by modification time, then name). */
  private async sizedByAge(dir: string, names: readonly string[]): Promise<SizedFile[]> {
    const known = this.described.get(dir) ?? new Map<string, DescribedFile>();
    const current = new Map(await Promise.all(names.map(async (name) => [name, known.get(name) ?? (await describeFile(join(dir, name)))] as const)));
    this.described.set(dir, current);
    return [...current]
      .sort(([a, x], [b, y]) => x.at - y.at || (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, { bytes }]) => ({ name, bytes }));
  }

  /**
   * The files a committed merge replaced, then, in a later pass, its list: the list hides them while
   * any is left. A pass apart, so that no reader's listing of the folder (not atomic) can see a
   * replaced file still there and the list already gone.
   */
  private async removeReplaced(dir: string, list: string, listed: readonly string[], present: ReadonlySet<string>): Promise<{ removed: number; listLeft: boolean }> {
    const left = listed.filter((name) => present.has(name));
    if (left.length > 0) {
      const removed = await removeAll(dir, left);
      await fsyncDirectory(dir);
      return { removed, listLeft: true };
    }
    await unlink(join(dir, list));
    await fsyncDirectory(dir);
    return { removed: 1, listLeft: false };
  }

  /** Merges `sources` into one new file of the same folder; see the top of this file for the order of steps. */
  private async merge(dir: string, sources: readonly SizedFile[]): Promise<void> {
    const name = compactedFileName(`${Date.now()}-${process.pid}-${++mergeCounter}`);
    const list = sourcesFileName(name);
    const temp = join(dir, temporaryFileName(name));
    try {
      await writeFileAtomically(dir, list, JSON.stringify(sources.map((source) => source.name)));
      await writeConcatenated(temp, sources.map((source) => ({ path: join(dir, source.name), bytes: source.bytes })));
      // The list's entry must be on disk before the merged file can be.
      await fsyncDirectory(dir);
      await rename(temp, join(dir, name));
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      await unlink(join(dir, list)).catch(() => undefined);
      throw error;
    }
    await fsyncDirectory(dir);
  }
}

/** Gunzips each source in turn into one gzip stream, written to `target` (created, must not exist) and fsynced. */
async function writeConcatenated(target: string, sources: readonly SourceFile[]): Promise<void> {
  const file = await open(target, 'wx');
  try {
    await pipeline(rowBytesOf(sources), createGzip(), async (compressed: AsyncIterable<Buffer>) => {
      for await (const chunk of compressed) await file.write(chunk);
    });
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
      if (!ahead.has(j) && sources[j].bytes <= READ_AHEAD_MAX_BYTES) ahead.set(j, readGunzipped(sources[j].path));
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

/** Deletes each of `names` in `dir`; one already gone counts as deleted. Returns how many. */
async function removeAll(dir: string, names: readonly string[]): Promise<number> {
  await Promise.all(
    names.map((name) =>
      unlink(join(dir, name)).catch((error: unknown) => {
        if (!isMissing(error)) throw error;
      }),
    ),
  );
  return names.length;
}

/** When each file was last written: for a merged file, just before its commit. */
async function modifiedTimes(dir: string, names: readonly string[]): Promise<Map<string, number>> {
  return new Map(await Promise.all(names.map(async (name) => [name, (await stat(join(dir, name))).mtimeMs] as const)));
}

/**
 * The NDJSON size inside a gzip file, from its trailer (ISIZE: the size modulo 2^32 of the last
 * member; the sink and the compactor write one member, far below 4 GiB), and when it was written.
 */
async function describeFile(path: string): Promise<DescribedFile> {
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

