/**
 * Background compaction of the local lake. The server's lake log becomes one file per partition per
 * segment (ten a second under load), the CLI's replay and an older Node's file sink write one per group
 * commit (one per request when a provider sends one event at a time); left alone, a busy day
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
 * The server runs it on a thread of its own (compactor-thread.ts), one pass at a time, on a timer that
 * never holds the process open: its many small reads and gunzips, synchronous there, never queue
 * between webhooks. One merge per partition per pass bounds a pass's work. A pass that leaves more to merge is followed at once by another, so
 * a backlog drains quickly; while files keep arriving (the sink says so through `noteWrite`), passes
 * come every `busyIntervalMs`, or as soon as the sink has written `busyFiles` files since the last
 * one (a fast burst is merged by its number of files, a slow one by time), else every `intervalMs`.
 * Each merge costs a few fsyncs that the sink's flushes wait behind, so a merge takes many files.
 *
 * A large merge (upper tiers: tens of MB, seconds of gzip) is not waited for by the timed passes: it
 * runs beside them, one at a time, its sources kept out of other merges and its list and temporary
 * file out of the leftovers a pass deletes. Otherwise a burst's small files would pile up for as long
 * as it lasts (hundreds in a few seconds). `stop()` cuts it short; its leftovers go like a crash's.
 *
 * The raw archive's day folders are merged the same way, except days a replay journal names files of
 * (lambdas/core/raw-archive.ts, `rawDayCompactable`). A merge keeps each source's lines together and in
 * order, so the parts of a request stay in one file; the archive reader follows the same rule. No
 * query reads the archive, so timed passes take its days only every `rawIntervalMs` (30 s).
 *
 * Only one compactor may work on a data directory, since it deletes what it takes for the leftovers
 * of unfinished merges; the server it runs in is the only one of its data directory.
 */
import { unlinkSync } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  DEFAULT_COMPACTION_POLICY,
  mergeGzipLevel,
  partitionState,
  planMerge,
  readyToRemove,
  type CompactionPolicy,
  type SizedFile,
} from '../lambdas/core/lake-compaction';
import { compactedFileName, compactedFileOf, partitionDateOf, sourcesFileName, temporaryFileName } from '../lambdas/core/lake-layout';
import { rawDayCompactable } from '../lambdas/core/raw-archive';
import type { AppLogger } from '../lambdas/app/ports';
import { messageOf } from '../lambdas/shared/error-message';
import { fsyncDirectory, writeFileAtomically } from './durable-files';
import { isMissing, lakeTableFolders, partitionFolders, rawArchiveFolders, readPartition } from './lake-files';
import { describeFile, writeConcatenated, type DescribedFile } from './lake-merge-files';
import { localReplayJournal } from './replay-journal-file';

export interface LakeCompactorOptions {
  readonly logger: AppLogger;
  /** How long replaced files stay after a merge commits, for readers that listed the folder before. */
  readonly graceMs?: number;
  /** Time from the start of a pass that found nothing to merge to the next pass. */
  readonly intervalMs?: number;
  /** Time from the start of a pass that merged to the next: files are arriving, keep their number down. */
  readonly busyIntervalMs?: number;
  /** Files the sink wrote (over all partitions) after which the next pass comes at once. */
  readonly busyFiles?: number;
  /** Least time between the timed passes that take the raw archive's days (unless they have more to merge). */
  readonly rawIntervalMs?: number;
  readonly policy?: CompactionPolicy;
  /** A timed pass's merge of more NDJSON bytes than this runs beside the passes (default `DETACHED_MERGE_BYTES`). */
  readonly detachedMergeBytes?: number;
  /**
   * Files no merge may take for now: those of a segment of the lake's log that is not yet wholly applied
   * (a failed apply left some), which applying it again would write a second time had a merge replaced them.
   */
  readonly isHeld?: (fileName: string) => boolean;
}

/** A query reads its files within seconds of listing them; a minute leaves a wide margin. */
export const DEFAULT_GRACE_MS = 60_000;
const DEFAULT_INTERVAL_MS = 5_000;
// The server's log gives a partition ten files a second under load; a replay, or the file sink on an
// older Node, up to a few hundred (one per flush, in the lake and in the raw archive): merging every
// 256 files, or every second when slower, keeps a partition under a few hundred files, and each merge
// takes enough of them that its fsyncs are a small share of the writers'.
const DEFAULT_BUSY_INTERVAL_MS = 1_000;
const DEFAULT_BUSY_FILES = 256;
const MIN_PASS_GAP_MS = 100;
const DEFAULT_RAW_INTERVAL_MS = 30_000;
/**
 * A merge of more NDJSON bytes than this runs beside the timed passes. Below it a merge takes a few
 * hundred ms at most, which a pass can wait for.
 */
export const DETACHED_MERGE_BYTES = 4 * 1024 * 1024;

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

/** What a timed pass says beyond its report: whether a large merge runs or waits, so passes keep coming. */
interface PassOutcome extends PassReport {
  readonly largeMergePending: boolean;
}

/** A large merge running beside the passes. */
interface DetachedMerge {
  readonly dir: string;
  /** Its sources: no other merge may take them while it runs. */
  readonly sources: ReadonlySet<string>;
  /** Its sources list, that list's temporary file and its own: not a crash's leftovers while it runs. */
  readonly own: ReadonlySet<string>;
  readonly abort: AbortController;
  readonly done: Promise<void>;
}

/** Per process, not per compactor: with the time and the pid, it makes every merged file's name unique. */
let mergeCounter = 0;
const nextMergeId = () => `${Date.now()}-${process.pid}-${++mergeCounter}`;

const NOTHING_DONE: PassOutcome = { merged: 0, removed: 0, backlog: false, listsLeft: false, largeMergePending: false };

export class LakeCompactor {
  private readonly dataDir: string;
  private readonly graceMs: number;
  private readonly intervalMs: number;
  private readonly busyIntervalMs: number;
  private readonly busyFiles: number;
  /** Files the sink wrote since the current or last pass started, and when it started. */
  private filesSincePass = 0;
  private passStartedAt = 0;
  private readonly policy: CompactionPolicy;
  private readonly detachedMergeBytes: number;
  /** What each lake file's size and age are, by folder and name: files never change once in place. */
  private readonly described = new Map<string, Map<string, DescribedFile>>();
  /** Partitions a pass found nothing to do in: their listing then, and when a pending removal falls due. */
  private readonly settled = new Map<string, { readonly listing: string; readonly until: number }>();
  private timer: NodeJS.Timeout | undefined;
  /** When the timer fires; undefined while a pass runs. */
  private nextPassAt: number | undefined;
  /** Whether the sink wrote since the current or last pass started. */
  private written = false;
  private current: Promise<PassOutcome> | undefined;
  private detached: DetachedMerge | undefined;
  private readonly rawIntervalMs: number;
  /** When a timed pass last took the raw archive's days, and whether one of them had more to do. */
  private rawPassAt = 0;
  private rawBusy = false;
  private stopped = false;

  constructor(
    dataDir: string,
    private readonly options: LakeCompactorOptions,
  ) {
    this.dataDir = dataDir;
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.busyIntervalMs = options.busyIntervalMs ?? DEFAULT_BUSY_INTERVAL_MS;
    this.busyFiles = options.busyFiles ?? DEFAULT_BUSY_FILES;
    this.rawIntervalMs = options.rawIntervalMs ?? DEFAULT_RAW_INTERVAL_MS;
    this.policy = options.policy ?? DEFAULT_COMPACTION_POLICY;
    this.detachedMergeBytes = options.detachedMergeBytes ?? DETACHED_MERGE_BYTES;
  }

  /** Runs passes in the background until `stop()`; the first clears what a crash left behind. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /**
   * The sink stored rows: files are arriving, so the next pass comes within `busyIntervalMs` rather
   * than a whole idle interval (a burst after a quiet spell would otherwise pile up files meanwhile),
   * and at once after `busyFiles` of them.
   */
  noteWrite(files = 1): void {
    this.written = true;
    this.filesSincePass += files;
    // Not sooner than MIN_PASS_GAP_MS after the last pass began: with many partitions, each short of a
    // merge, `busyFiles` can arrive during every pass, and passes would follow each other at once.
    const due = this.filesSincePass >= this.busyFiles ? Math.max(0, this.passStartedAt + MIN_PASS_GAP_MS - Date.now()) : this.busyIntervalMs;
    if (this.nextPassAt !== undefined && this.nextPassAt - Date.now() > due) {
      clearTimeout(this.timer);
      this.schedule(due);
    }
  }

  /**
   * Stops the timer, waits for a pass in progress (which finishes its merge, bounded in size), and
   * cuts a large merge short.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.detached?.abort.abort();
    await this.current?.catch(() => undefined);
    await this.detached?.done;
  }

  /** One pass over every partition, every merge in it waited for; passes never overlap. */
  async runPass(): Promise<PassReport> {
    const { largeMergePending: _, ...report } = await this.queuePass(false);
    return report;
  }

  /** A pass after the one in progress; with `detach`, large merges run beside it. */
  private queuePass(detach: boolean): Promise<PassOutcome> {
    const previous = this.current ?? Promise.resolve();
    const pass = previous
      .catch(() => undefined)
      .then(async () => {
        if (!detach) await this.detached?.done;
        return this.passOverLake(detach);
      });
    this.current = pass;
    return pass;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.nextPassAt = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.nextPassAt = undefined;
      this.written = false;
      this.filesSincePass = 0;
      const started = Date.now();
      this.passStartedAt = started;
      const after = (pauseMs: number) => this.schedule(Math.max(0, started + pauseMs - Date.now()));
      this.queuePass(true).then(
        // A backlog (a restart after much was written, or a burst's writes during the pass) goes at once.
        (report) =>
          after(
            report.backlog || (this.filesSincePass >= this.busyFiles && report.merged > 0)
              ? 0
              : report.merged > 0 || report.listsLeft || report.largeMergePending || this.written
                ? this.busyIntervalMs
                : this.intervalMs,
          ),
        (error: unknown) => {
          this.options.logger.warn('Lake compaction failed; trying again later', { error: messageOf(error) });
          after(this.intervalMs);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  /**
   * Every partition of the lake; the raw archive's days too in an explicit pass, and in a timed one
   * every `rawIntervalMs` or while they have more to merge: no query reads them, so their merges
   * need not take a burst's disk and CPU as often as the lake's.
   */
  private async passOverLake(detach: boolean): Promise<PassOutcome> {
    let merged = 0;
    let removed = 0;
    let backlog = false;
    let listsLeft = false;
    let largeMergePending = this.detached !== undefined;
    const withRaw = !detach || this.rawBusy || Date.now() - this.rawPassAt >= this.rawIntervalMs;
    if (withRaw) {
      this.rawPassAt = Date.now();
      this.rawBusy = false;
    }
    const lake = await foldersOf(lakeTableFolders(this.dataDir));
    const raw = withRaw ? await foldersOf(rawArchiveFolders(this.dataDir)) : [];
    for (const [folder, inArchive] of [...lake.map((dir) => [dir, false] as const), ...raw.map((dir) => [dir, true] as const)]) {
      if (this.stopped) break;
      if (inArchive && !(await this.mayRenameRawDay(folder))) continue;
      const report = await this.compactPartition(folder, detach);
      merged += report.merged;
      removed += report.removed;
      backlog ||= report.backlog;
      listsLeft ||= report.listsLeft;
      largeMergePending ||= report.largeMergePending;
      if (inArchive) this.rawBusy ||= report.backlog || report.listsLeft || report.largeMergePending;
    }
    return { merged, removed, backlog, listsLeft, largeMergePending };
  }

  /**
   * Whether the archive's day folder `raw/<schema>/requests/dt=DAY` may get new file names now
   * (rawDayCompactable): asked of the schema's replay journal just before the folder is touched, since
   * a replay may start at any moment and carries on by file name. An unreadable journal leaves the
   * schema's archive as it is; the replay says why.
   */
  private async mayRenameRawDay(dir: string): Promise<boolean> {
    const schema = basename(dirname(dirname(dir)));
    return localReplayJournal(this.dataDir)
      .load(schema)
      .then(
        (replay) => rawDayCompactable(partitionDateOf(basename(dir)) as string, replay),
        () => false,
      );
  }

  private async compactPartition(dir: string, detach: boolean): Promise<PassOutcome> {
    // Taken before the listing: a large merge that commits while the folder is read must still count as
    // running for this listing, or its list (no merged file yet in the listing) would look abandoned.
    const running = this.detached?.dir === dir ? this.detached : undefined;
    const entries = await readPartition(dir);
    if (entries === undefined) return NOTHING_DONE;
    const listing = [...entries.names].sort().join('\n');
    const settled = this.settled.get(dir);
    if (settled !== undefined && settled.listing === listing && Date.now() < settled.until) return NOTHING_DONE;

    const state = partitionState(entries);
    const present = new Set(entries.names);
    // Passes are serialised, so apart from the large merge's own files these are a crash's leftovers.
    let removed = removeAll(dir, running === undefined ? state.abandoned : state.abandoned.filter((name) => !running.own.has(name)));
    if (removed > 0) await fsyncDirectory(dir);

    const committedAt = await modifiedTimes(dir, [...state.committed.keys()].map((list) => compactedFileOf(list) as string).filter((name) => present.has(name)));
    const now = Date.now();
    let listsLeft = false;
    for (const list of readyToRemove(state, present, (compacted) => (committedAt.get(compacted) ?? 0) + this.graceMs <= now)) {
      const done = await this.removeReplaced(dir, list, state.committed.get(list) ?? [], present);
      removed += done.removed;
      listsLeft ||= done.listLeft;
    }

    const isHeld = this.options.isHeld;
    const visible = this.sizedByAge(dir, isHeld === undefined ? state.visible : state.visible.filter((name) => !isHeld(name)));
    const files = running === undefined ? visible : visible.filter((file) => !running.sources.has(file.name));
    const sources = planMerge(files, this.policy);
    if (sources !== undefined) {
      const byName = new Map(files.map((file) => [file.name, file]));
      const picked = sources.map((name) => byName.get(name) as SizedFile);
      if (detach && picked.reduce((sum, file) => sum + file.bytes, 0) > this.detachedMergeBytes) {
        // One large merge at a time; a partition whose next merge must wait is not settled.
        if (this.detached === undefined && !this.stopped) this.detach(dir, picked);
        return { merged: 0, removed, backlog: false, listsLeft, largeMergePending: true };
      }
      await this.merge(dir, compactedFileName(nextMergeId()), picked);
      this.settled.delete(dir);
      const merged = new Set(sources);
      return { merged: 1, removed, backlog: planMerge(files.filter((file) => !merged.has(file.name)), this.policy) !== undefined, listsLeft, largeMergePending: false };
    }
    const pending = [...committedAt.values()].map((at) => at + this.graceMs);
    this.settled.set(dir, { listing: removed > 0 ? '' : listing, until: pending.length === 0 ? Infinity : Math.min(...pending) });
    return { merged: 0, removed, backlog: false, listsLeft, largeMergePending: false };
  }

  /** Starts a large merge beside the passes; when it ends, passes come soon to remove what it replaced. */
  private detach(dir: string, sources: readonly SizedFile[]): void {
    const name = compactedFileName(nextMergeId());
    const abort = new AbortController();
    const done = this.merge(dir, name, sources, abort.signal).then(
      () => undefined,
      (error: unknown) => {
        if (!abort.signal.aborted) this.options.logger.warn('Lake compaction failed; trying again later', { error: messageOf(error) });
      },
    );
    const merge: DetachedMerge = {
      dir,
      sources: new Set(sources.map((source) => source.name)),
      // The list is itself written under a temporary name first (writeFileAtomically).
      own: new Set([sourcesFileName(name), temporaryFileName(sourcesFileName(name)), temporaryFileName(name)]),
      abort,
      done: done.finally(() => {
        this.detached = undefined;
        this.noteWrite(0);
      }),
    };
    this.detached = merge;
  }

  /** The files with their NDJSON sizes, oldest first (by modification time, then name). */
  private sizedByAge(dir: string, names: readonly string[]): SizedFile[] {
    const known = this.described.get(dir) ?? new Map<string, DescribedFile>();
    const current = new Map(names.map((name) => [name, known.get(name) ?? describeFile(join(dir, name))] as const));
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
      const removed = removeAll(dir, left);
      await fsyncDirectory(dir);
      return { removed, listLeft: true };
    }
    await unlink(join(dir, list));
    await fsyncDirectory(dir);
    return { removed: 1, listLeft: false };
  }

  /** Merges `sources` into the new file `name` of the same folder; see the top of this file for the order of steps. */
  private async merge(dir: string, name: string, sources: readonly SizedFile[], signal?: AbortSignal): Promise<void> {
    const list = sourcesFileName(name);
    const temp = join(dir, temporaryFileName(name));
    try {
      await writeFileAtomically(dir, list, JSON.stringify(sources.map((source) => source.name)));
      await writeConcatenated(
        temp,
        sources.map((source) => ({ path: join(dir, source.name), bytes: source.bytes })),
        mergeGzipLevel(sources.reduce((sum, source) => sum + source.bytes, 0), this.policy),
        signal,
      );
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

/** The day folders of `tables`. */
async function foldersOf(tables: Promise<string[]>): Promise<string[]> {
  return (await Promise.all((await tables).map(partitionFolders))).flat();
}

/**
 * Deletes each of `names` in `dir`; one already gone counts as deleted. Returns how many. One at a time
 * and synchronously, on the compactor's own thread: each unlink a trip through the shared pool otherwise.
 */
function removeAll(dir: string, names: readonly string[]): number {
  for (const name of names) {
    try {
      unlinkSync(join(dir, name));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
  return names.length;
}

/** When each file was last written: for a merged file, just before its commit. */
async function modifiedTimes(dir: string, names: readonly string[]): Promise<Map<string, number>> {
  return new Map(await Promise.all(names.map(async (name) => [name, (await stat(join(dir, name))).mtimeMs] as const)));
}

