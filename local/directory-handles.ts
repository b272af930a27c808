import { close as closeFd, fsync, open } from 'node:fs';
import { promisify } from 'node:util';
import { fsyncDirectory } from './durable-files';

const openFd = promisify(open);
const fsyncFd = promisify(fsync);

interface Entry {
  /** A descriptor rather than a FileHandle: each of a FileHandle's steps costs the event loop more. */
  readonly handle: Promise<number>;
  /** Syncs under way through this handle: it is closed only once none is. */
  users: number;
  /** Left the cache: close when the last user is done. */
  retired: boolean;
}

/**
 * Open handles of folders, to fsync a folder in one step instead of open, sync, close (each step of a
 * flush waits its turn on a busy event loop). At most `maxOpen` are kept, least recently used first
 * out; a handle is never closed while a sync runs through it.
 */
export class DirectoryHandles {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxOpen = 64) {}

  /** Makes the entries of `dir` durable. */
  async sync(dir: string): Promise<void> {
    const entry = this.entryOf(dir);
    entry.users += 1;
    try {
      await fsyncFd(await entry.handle);
    } catch (error) {
      // A handle that could not be opened, or went bad: forget it; the plain way still works or fails for real.
      this.retire(dir, entry);
      if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw error;
      await fsyncDirectory(dir);
    } finally {
      entry.users -= 1;
      if (entry.retired && entry.users === 0) close(entry);
    }
  }

  /** Drops the handle of `dir` (the folder was removed, or is done with). */
  forget(dir: string): void {
    const entry = this.entries.get(dir);
    if (entry !== undefined) this.retire(dir, entry);
  }

  closeAll(): void {
    for (const [dir, entry] of [...this.entries]) this.retire(dir, entry);
  }

  private entryOf(dir: string): Entry {
    let entry = this.entries.get(dir);
    if (entry !== undefined) {
      // Most recently used last, so the first in the map is the one to let go.
      this.entries.delete(dir);
      this.entries.set(dir, entry);
      return entry;
    }
    if (this.entries.size >= this.maxOpen) {
      const [oldest, old] = this.entries.entries().next().value as [string, Entry];
      this.retire(oldest, old);
    }
    entry = { handle: openFd(dir, 'r'), users: 0, retired: false };
    entry.handle.catch(() => undefined);
    this.entries.set(dir, entry);
    return entry;
  }

  private retire(dir: string, entry: Entry): void {
    if (this.entries.get(dir) === entry) this.entries.delete(dir);
    if (entry.retired) return;
    entry.retired = true;
    if (entry.users === 0) close(entry);
  }
}

function close(entry: Entry): void {
  void entry.handle.then((fd) => closeFd(fd, () => undefined)).catch(() => undefined);
}
