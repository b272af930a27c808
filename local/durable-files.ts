/** Making file system changes survive a crash or a power loss. */
import { close, closeSync, constants, fsync, fsyncSync, open as openFd, openSync, renameSync, unlinkSync, write, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { temporaryFileName } from '../lambdas/core/lake-layout';

/** Where the platform has no O_DSYNC (Windows), the file is fsynced before it is closed instead. */
export const HAS_O_DSYNC = typeof constants.O_DSYNC === 'number';
/** O_DSYNC where there is one: each write returns once its bytes, and the size, are on disk. */
export const SYNCED_WRITES = HAS_O_DSYNC ? constants.O_DSYNC : 0;
/** A new file (never one already there) whose every write returns once its bytes, and the size, are on disk. */
const NEW_FILE_SYNCED_WRITES = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | SYNCED_WRITES;

/** Makes the entries of `dir` (files created, renamed or removed in it) durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncDirectory, blocking: for a thread whose steps need not share it (the compactor's). */
export function fsyncDirectorySync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * writeFileAtomically, blocking. A temporary file of the same name left by a crash is replaced: the
 * caller is the one writer of this name.
 */
export function writeFileAtomicallySync(dir: string, name: string, data: Uint8Array): void {
  const temp = join(dir, temporaryFileName(name));
  try {
    unlinkSync(temp);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    const fd = openSync(temp, NEW_FILE_SYNCED_WRITES, 0o666);
    try {
      for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset, data.length - offset);
      if (!HAS_O_DSYNC) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, join(dir, name));
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Not there, or the failure that stopped the write stops this too: the next start removes it.
    }
    throw error;
  }
}

/**
 * Writes `dir/name` whole or not at all: under its temporary name, on disk before the write returns, then renamed into place.
 * The rename is not yet durable when this returns; fsync the directory for that.
 */
export async function writeFileAtomically(dir: string, name: string, data: string | Uint8Array): Promise<void> {
  const temp = join(dir, temporaryFileName(name));
  try {
    await writeNewFileSynced(temp, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    await rename(temp, join(dir, name));
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Creates `path` with `data`, durable when this resolves: writes made with O_DSYNC are fdatasync'd as
 * they go, so a file takes three trips through the thread pool (open, write, close), not four.
 * Callbacks rather than a FileHandle: each of its steps costs the event loop more.
 */
function writeNewFileSynced(path: string, data: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    openFd(path, NEW_FILE_SYNCED_WRITES, 0o666, (openError, fd) => {
      if (openError) return reject(openError);
      const closeOnly = (error: Error | null) => close(fd, (closeError) => (error ?? closeError ? reject(error ?? closeError) : resolve()));
      const closeThen = (error: Error | null) => (error === null && !HAS_O_DSYNC ? fsync(fd, closeOnly) : closeOnly(error));
      const writeFrom = (offset: number) =>
        write(fd, data, offset, data.length - offset, null, (writeError, written) => {
          if (writeError) return closeThen(writeError);
          if (offset + written < data.length) return writeFrom(offset + written);
          closeThen(null);
        });
      if (data.length === 0) closeThen(null);
      else writeFrom(0);
    });
  });
}

/** True when `path` is below `root`, not `root` itself. */
export function isStrictlyInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
