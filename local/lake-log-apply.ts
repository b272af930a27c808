/**
 * A sealed segment of the lake's write-ahead log (lake-log.ts) made into lake files: for each partition
 * folder, one gzip NDJSON file of its rows (and one per packed request's rows), written as the sink's
 * files were (temporary name, O_DSYNC, rename, folder fsync), then the segment deleted.
 *
 * A file's name is the segment's and the file's place in it, so applying a segment again (a crash
 * came before its deletion) writes the same files again under the same names: nothing twice. That
 * holds as long as no merge took a file of a segment that is still there. Applying is synchronous:
 * on the compactor's thread, no pass can look at a folder between a segment's files and its
 * deletion, and at start-up (or in a CLI command, no server running) no compactor runs yet. An apply
 * that fails part way removes the files it wrote, since the segment stays for the retry.
 */
import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FAST_GZIP_LEVEL } from '../lambdas/core/lake-compaction';
import { LAKE_FILE_SUFFIX } from '../lambdas/core/lake-layout';
import { fsyncDirectorySync, isStrictlyInside, writeFileAtomicallySync } from './durable-files';
import { gzipNdjson } from './gzip-lines';
import { decodeLogSegment } from './lake-log-format';
import { logFolder, SEGMENT_SUFFIX } from './lake-log';

export interface AppliedLog {
  readonly segments: number;
  /** Lake and archive files written. */
  readonly files: number;
}

export class LakeLogApplier {
  private readonly dataDir: string;
  /** Partition folders whose entries, up to the data directory, this applier has made durable. */
  private readonly durableFolders = new Set<string>();

  constructor(dataDir: string) {
    this.dataDir = resolve(dataDir);
  }

  /** Applies the sealed segment `name` (in the log's folder) and deletes it; returns the files written (0 when it is gone already). */
  apply(name: string): number {
    const folder = logFolder(this.dataDir);
    const path = join(folder, name);
    let segment: Buffer;
    try {
      segment = readFileSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    const lines = new Map<string, Uint8Array[]>();
    const packed: { readonly prefix: string; readonly data: Uint8Array }[] = [];
    for (const entry of decodeLogSegment(segment).entries) {
      if (entry.kind === 'gzip') packed.push(entry);
      else {
        const parts = lines.get(entry.prefix);
        if (parts === undefined) lines.set(entry.prefix, [entry.data]);
        else parts.push(entry.data);
      }
    }
    const files = [
      ...[...lines].map(([prefix, parts]) => ({ prefix, data: () => gzipNdjson(Buffer.concat(parts), FAST_GZIP_LEVEL) })),
      ...packed.map(({ prefix, data }) => ({ prefix, data: () => data })),
    ];
    const touched = new Set<string>();
    const written: string[] = [];
    try {
      files.forEach((file, index) => {
        const fileName = segmentFileName(name, index);
        let dir = this.partitionFolder(file.prefix);
        try {
          writeFileAtomicallySync(dir, fileName, file.data());
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          // The folder went away (removed by hand): forget it and make it again, or every later segment would fail here too.
          this.durableFolders.delete(dir);
          dir = this.partitionFolder(file.prefix);
          writeFileAtomicallySync(dir, fileName, file.data());
        }
        written.push(join(dir, fileName));
        touched.add(dir);
      });
      for (const dir of touched) fsyncDirectorySync(dir);
      unlinkSync(path);
    } catch (error) {
      // The segment stays, to be applied again: files of it left in the lake meanwhile could be merged, and then written a second time.
      for (const file of written) removeQuietly(file);
      throw error;
    }
    fsyncDirectorySync(folder);
    return files.length;
  }

  /** Applies every segment in the log's folder, oldest first: what a crash or a stop left. */
  applyAll(): AppliedLog {
    let names: string[];
    try {
      names = readdirSync(logFolder(this.dataDir)).filter((name) => name.endsWith(SEGMENT_SUFFIX));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { segments: 0, files: 0 };
      throw error;
    }
    let files = 0;
    for (const name of names.sort(bySegmentOrder)) files += this.apply(name);
    return { segments: names.length, files };
  }

  /** The folder of `prefix`, made and durable up to the data directory. */
  private partitionFolder(prefix: string): string {
    const dir = resolve(this.dataDir, prefix);
    if (this.durableFolders.has(dir)) return dir;
    if (!isStrictlyInside(dir, this.dataDir)) throw new Error(`A log entry names a folder outside the data directory: ${prefix}`);
    mkdirSync(dir, { recursive: true });
    // A new folder's entry is lost on power failure until its parent is fsynced, and so on up.
    for (let current = dirname(dir); ; current = dirname(current)) {
      fsyncDirectorySync(current);
      if (current === this.dataDir || current === dirname(current)) break;
    }
    this.durableFolders.add(dir);
    return dir;
  }
}

/** The name of the `index`th file (from 0) that applying `segment` writes. */
function segmentFileName(segment: string, index: number): string {
  return `${segment.slice(0, -SEGMENT_SUFFIX.length)}-${index + 1}${LAKE_FILE_SUFFIX}`;
}

/** Whether `fileName` is one of the files applying `segment` writes. */
export function isFileOfSegment(fileName: string, segment: string): boolean {
  const base = segment.slice(0, -SEGMENT_SUFFIX.length);
  return fileName.startsWith(`${base}-`) && /^\d+\.json\.gz$/.test(fileName.slice(base.length + 1));
}

/** Removes `path` if it can: a file a crash leaves instead is written again, under its name, by the next start's apply. */
function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or the disk refuses this too; the retry writes the same name again.
  }
}

/** Segment names are `<ms>-<pid>-<n>.log`: by time, then process and number. */
function bySegmentOrder(a: string, b: string): number {
  const pa = a.split(/[-.]/).map(Number);
  const pb = b.split(/[-.]/).map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] || 0) - (pb[i] || 0);
  return a < b ? -1 : a > b ? 1 : 0;
}
