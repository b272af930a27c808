import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isTemporaryFile } from '../lambdas/core/lake-layout';
import { fsyncDirectory } from './durable-files';
import { isMissing, lakeTableFolders, partitionFolders, rawArchiveFolders } from './lake-files';

/**
 * Deletes the temporary files a crash (kill -9, power loss) left in the lake: the log's apply's, the
 * file sink's and the compactor's files written under a temporary name and never renamed into place, empty or partial.
 * Only run before this process writes to the lake (it is then the one writer of the data
 * directory): a temporary file then belongs to no live write. Committed files are never touched.
 * Returns how many files were removed.
 */
export async function removeCrashLeftovers(dataDir: string): Promise<number> {
  // The raw archive's folders too: the sink writes them in the same flush, the same way.
  const tables = [...(await lakeTableFolders(dataDir)), ...(await rawArchiveFolders(dataDir))];
  const folders = (await Promise.all(tables.map(partitionFolders))).flat();
  const removed = await Promise.all(folders.map(removeTemporaryFiles));
  return removed.reduce((sum, count) => sum + count, 0);
}

async function removeTemporaryFiles(folder: string): Promise<number> {
  const leftovers = (await readdir(folder).catch(() => [])).filter(isTemporaryFile);
  if (leftovers.length === 0) return 0;
  await Promise.all(leftovers.map((name) => unlink(join(folder, name)).catch((error: unknown) => {
    if (!isMissing(error)) throw error;
  })));
  await fsyncDirectory(folder);
  return leftovers.length;
}
