import { chmod, mkdir } from 'node:fs/promises';

/**
 * Makes `path` (and its parents) and lets only its owner in, whatever the umask: the store holds
 * signing keys, the lake and the raw archive whole webhook bodies.
 */
export async function ownerOnlyFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700).catch((error: NodeJS.ErrnoException) => {
    // Another user's folder that we may still write to: theirs to protect.
    if (error.code !== 'EPERM') throw error;
  });
}
