/**
 * The one listing of the local lake's folders, shared by the query engine and the compactor, so both
 * apply the same rule (lambdas/core/lake-compaction.ts) to decide which files hold the rows.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { partitionState, type PartitionEntries } from '../lambdas/core/lake-compaction';
import { compactedFileOf, LAKE_PREFIX, LAKE_TABLES, partitionDateOf } from '../lambdas/core/lake-layout';
import { RAW_PREFIX, rawSchemaPath } from '../lambdas/core/raw-archive';

/** A sources list that vanishes while being read was removed after its sources were: list again. */
const LIST_ATTEMPTS = 5;

/** A partition folder's names and the content of its sources lists; undefined when the folder does not exist. */
export async function readPartition(dir: string): Promise<PartitionEntries | undefined> {
  for (let attempt = 1; ; attempt++) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    try {
      const lists = names.filter((name) => compactedFileOf(name) !== undefined);
      const sources = new Map(await Promise.all(lists.map(async (list) => [list, parseSourcesList(await readFile(join(dir, list), 'utf8'), join(dir, list))] as const)));
      return { names, sources };
    } catch (error) {
      if (!isMissing(error) || attempt === LIST_ATTEMPTS) throw error;
    }
  }
}

/** Every table folder of the lake (`lake/<schema>/<table>`), of every schema that has a folder. */
export async function lakeTableFolders(dataDir: string): Promise<string[]> {
  const lakeDir = join(dataDir, LAKE_PREFIX);
  return (await readdirOrNone(lakeDir)).flatMap((schema) => LAKE_TABLES.map((table) => join(lakeDir, schema, table)));
}

/** The raw archive's folder of each schema that has one (`raw/<schema>/requests`), laid out as a table's. */
export async function rawArchiveFolders(dataDir: string): Promise<string[]> {
  return (await readdirOrNone(join(dataDir, RAW_PREFIX))).map((schema) => join(dataDir, rawSchemaPath(schema)));
}

/** The partition folders (`dt=...`) of a table folder, by day; none when the table has no folder yet. */
export async function partitionFolders(tableDir: string): Promise<string[]> {
  try {
    const names = await readdir(tableDir);
    return names.filter((name) => partitionDateOf(name) !== undefined).sort().map((name) => join(tableDir, name));
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

/** Every file of a table that a reader reads (absolute paths): each of its rows is in exactly one. */
export async function visibleTableFiles(tableDir: string): Promise<string[]> {
  const folders = await partitionFolders(tableDir);
  const visible = await Promise.all(
    folders.map(async (folder) => {
      const entries = await readPartition(folder);
      return entries === undefined ? [] : partitionState(entries).visible.map((name) => join(folder, name));
    }),
  );
  return visible.flat();
}

/** A sources list is a JSON array of file names of its folder; it is renamed into place whole, so anything else is damage. */
function parseSourcesList(text: string, path: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((name) => typeof name === 'string' && !name.includes('/'))) {
    throw new Error(`${path} is not a list of file names; the local compactor writes these, and cannot tell which files it replaced.`);
  }
  return parsed as string[];
}

/** The names in `dir`; none when it does not exist (yet). */
export async function readdirOrNone(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
