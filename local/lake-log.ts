/**
 * The lake's write-ahead log: `<data-dir>/wal/<segment>.log`. A flush of the sink is one append of one
 * record (lake-log-format.ts) to the open segment, written with O_DSYNC: when the write returns, the
 * rows and archived requests it holds survive a `kill -9` or a power loss, and their webhooks are answered.
 * That is one step on the disk per flush, where files of their own took five each (create, write, close,
 * rename, folder fsync), for the lake's partition and again for the raw archive's.
 *
 * A segment is sealed (closed, and handed to `onSealed`) once it is `sealAfterMs` old or `sealAtBytes`
 * large; then its records are applied to the lake as files (lake-log-apply.ts) and it is deleted.
 * Appends are written one after another: a write that fails or comes back short leaves a record cut
 * short, after which a reader stops, so that segment is sealed at once and nothing follows it there.
 */
import { close, constants, fdatasync, mkdirSync, open, write } from 'node:fs';
import { join } from 'node:path';
import { fsyncDirectory, HAS_O_DSYNC, SYNCED_WRITES } from './durable-files';

export const LOG_FOLDER = 'wal';
export const SEGMENT_SUFFIX = '.log';
/** Appends only, each on disk before it returns; never a file that is already there. */
const SEGMENT_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_APPEND | SYNCED_WRITES;

export interface LakeLogOptions {
  /** A segment that took its first record this long ago is sealed, so its rows reach the lake's files. */
  readonly sealAfterMs: number;
  /** A segment this large is sealed after the append that made it so. */
  readonly sealAtBytes: number;
  /** A segment was sealed: nothing more will be written to it. */
  readonly onSealed: (segment: string) => void;
}

interface Segment {
  readonly name: string;
  readonly fd: number;
  bytes: number;
  /** The last write queued to it; the next waits for it. */
  tail: Promise<void>;
  broken: boolean;
  sealed: boolean;
  timer?: NodeJS.Timeout;
}

let segmentCounter = 0;

/** The folder of the log of a data directory. */
export function logFolder(dataDir: string): string {
  return join(dataDir, LOG_FOLDER);
}

export class LakeLog {
  /** The segment appends go to, while it is being opened. */
  private opening: Promise<Segment> | undefined;
  private readonly sealing = new Set<Promise<void>>();
  private folderReady = false;

  constructor(
    private readonly dataDir: string,
    private readonly options: LakeLogOptions,
  ) {}

  /** Resolves once `record` is on disk; rejects (and seals the segment) when it could not be written whole. */
  async append(record: Buffer): Promise<void> {
    let opening: Promise<Segment>;
    let segment: Segment;
    // A seal asked for while the segment was opening goes before this append: its fd is being closed, so the next segment takes the record.
    do {
      opening = this.opening ??= this.openSegment();
      try {
        segment = await opening;
      } catch (error) {
        if (this.opening === opening) this.opening = undefined;
        throw error;
      }
    } while (segment.sealed);
    const written = segment.tail.then(() => {
      if (segment.broken) throw new Error('the log segment was cut short by a failed write; retry');
      return writeWhole(segment.fd, record);
    });
    segment.tail = written.catch(() => undefined);
    try {
      await written;
    } catch (error) {
      segment.broken = true;
      this.seal(segment, opening);
      throw error;
    }
    segment.bytes += record.length;
    if (segment.bytes >= this.options.sealAtBytes) this.seal(segment, opening);
  }

  /** Seals the open segment, if any; resolves once every sealed segment is closed and handed on. */
  async sealNow(): Promise<void> {
    const opening = this.opening;
    if (opening !== undefined) await opening.then((segment) => this.seal(segment, opening), () => undefined);
    await Promise.all([...this.sealing]);
  }

  /** Closes `segment` once its writes are done; appends from now on open a new one. */
  private seal(segment: Segment, opening: Promise<Segment>): void {
    if (segment.sealed) return;
    segment.sealed = true;
    if (this.opening === opening) this.opening = undefined;
    clearTimeout(segment.timer);
    const done = segment.tail.then(
      () =>
        new Promise<void>((resolve) => {
          close(segment.fd, () => {
            this.options.onSealed(segment.name);
            resolve();
          });
        }),
    );
    this.sealing.add(done);
    void done.finally(() => this.sealing.delete(done));
  }

  private async openSegment(): Promise<Segment> {
    const folder = logFolder(this.dataDir);
    const name = `${Date.now()}-${process.pid}-${++segmentCounter}${SEGMENT_SUFFIX}`;
    let fd: number;
    try {
      fd = await this.create(folder, name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !this.folderReady) throw error;
      // The folder was removed by hand: made again, or every later webhook would be refused.
      this.folderReady = false;
      fd = await this.create(folder, name);
    }
    try {
      await fsyncDirectory(folder);
    } catch (error) {
      close(fd, () => undefined);
      throw error;
    }
    const segment: Segment = { name, fd, bytes: 0, tail: Promise.resolve(), broken: false, sealed: false };
    const opening = this.opening as Promise<Segment>;
    segment.timer = setTimeout(() => this.seal(segment, opening), this.options.sealAfterMs);
    // close() seals what is open: the timer never holds the process.
    segment.timer.unref();
    return segment;
  }

  /** Creates segment `name` in `folder`, made first (and its entry made durable) if this log has not yet. */
  private async create(folder: string, name: string): Promise<number> {
    if (!this.folderReady) {
      // Its entry in the data directory must be on disk before a record in it is answered for.
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      await fsyncDirectory(this.dataDir);
      this.folderReady = true;
    }
    return new Promise<number>((resolve, reject) => open(join(folder, name), SEGMENT_FLAGS, 0o600, (error, opened) => (error ? reject(error) : resolve(opened))));
  }
}

/** One write of the whole record (with O_DSYNC, on disk when it returns); a short write is an error, never continued. */
function writeWhole(fd: number, record: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    write(fd, record, 0, record.length, null, (error, written) => {
      if (error) return reject(error);
      if (written !== record.length) return reject(new Error(`the disk took ${written} of ${record.length} bytes`));
      if (HAS_O_DSYNC) return resolve();
      // Where there is no O_DSYNC (Windows), the write is synced by hand.
      fdatasync(fd, (syncError) => (syncError ? reject(syncError) : resolve()));
    }),
  );
}
