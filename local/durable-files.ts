/** Making file system changes survive a crash or a power loss. */
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { temporaryFileName } from '../lambdas/core/lake-layout';

/** Makes the entries of `dir` (files created, renamed or removed in it) durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `dir/name` whole or not at all: under its temporary name, fsynced, then renamed into place.
 * The rename is not yet durable when this returns; fsync the directory for that.
 */
export async function writeFileAtomically(dir: string, name: string, data: string | Uint8Array): Promise<void> {
  const temp = join(dir, temporaryFileName(name));
  try {
    const file = await open(temp, 'wx');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, join(dir, name));
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
