/**
 * The raw archive on the local disk (`raw/<schema>/requests/dt=YYYY-MM-DD/*.json.gz`, written with the rows
 * (from the lake's log, or by the file sink), merged by the compactor): read back for a replay, and days past the retention removed.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import type { RawArchiveFile, RawArchiveReader } from '../lambdas/app/ports';
import { partitionState, type PartitionEntries } from '../lambdas/core/lake-compaction';
import { partitionDateOf, sourcesFileName } from '../lambdas/core/lake-layout';
import { RAW_PREFIX, joinRawLines, lastExpiredDay, rawSchemaPath } from '../lambdas/core/raw-archive';
import { messageOf } from '../lambdas/shared/error-message';
import { fsyncDirectory } from './durable-files';
import { readdirOrNone, readPartition } from './lake-files';

const gunzipAsync = promisify(gunzip);

/** The archive reader of one data directory; a file's key is its path below the data directory. */
export function localRawArchive(dataDir: string): RawArchiveReader {
  return {
    async listFiles(schema, from, to) {
      const schemaPath = rawSchemaPath(schema);
      const days = (await readdirOrNone(join(dataDir, schemaPath)))
        .map((name) => ({ name, dt: partitionDateOf(name) }))
        .filter((folder): folder is { name: string; dt: string } => folder.dt !== undefined && folder.dt >= from && folder.dt <= to)
        .sort((a, b) => (a.dt < b.dt ? -1 : 1));
      const files: RawArchiveFile[] = [];
      for (const { name, dt } of days) {
        const entries = await readPartition(join(dataDir, schemaPath, name));
        for (const file of entries === undefined ? [] : replayFiles(entries)) files.push({ dt, key: `${schemaPath}${name}/${file}` });
      }
      return files;
    },
    async readFile(file) {
      const text = (await gunzipAsync(await readFile(join(dataDir, file.key)))).toString('utf8');
      try {
        return joinRawLines(text.split('\n').filter((line) => line !== ''), gunzipSync);
      } catch (error) {
        throw new Error(`${file.key}: ${messageOf(error)}`, { cause: error });
      }
    },
  };
}

/**
 * The files a replay reads in a day folder, each request in exactly one, by name. The compactor merges
 * the archive as it does the lake, so these are what a query would read, except that a merged file
 * whose sources are all still there is read as those sources. A replay carries on by file name, and
 * in a day its journal names the compactor removes nothing; a merge that committed there between a
 * replay's listing and its journal (or one running in the server meanwhile) would otherwise rename
 * requests the replay already took, and running it again would take them twice.
 */
function replayFiles(entries: PartitionEntries): string[] {
  const present = new Set(entries.names);
  const finest = (name: string): string[] => {
    const sources = entries.sources.get(sourcesFileName(name));
    return sources === undefined || sources.length === 0 || !sources.every((source) => present.has(source)) ? [name] : sources.flatMap(finest);
  };
  return partitionState(entries).visible.flatMap(finest).sort();
}

/** Removes every archived day on or before the last one past `days` days; returns how many day folders went. */
export async function pruneRawArchive(dataDir: string, days: number, now: Date): Promise<number> {
  const root = join(dataDir, RAW_PREFIX);
  const expired = lastExpiredDay(now, days);
  let removed = 0;
  for (const schema of await readdirOrNone(root)) {
    const schemaDir = join(dataDir, rawSchemaPath(schema));
    const old = (await readdirOrNone(schemaDir)).filter((name) => (partitionDateOf(name) ?? '9999') <= expired);
    for (const name of old) await rm(join(schemaDir, name), { recursive: true, force: true });
    if (old.length > 0) await fsyncDirectory(schemaDir);
    removed += old.length;
  }
  return removed;
}
