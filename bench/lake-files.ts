/**
 * Files in the local lake after a burst of single-event requests, with compaction running as in the
 * local server. Driven in-process (not over HTTP, which would take minutes for 100,000 requests here
 * and measure the server, not the lake): the ingest use case on the local lake as the server opens
 * it (the sink's group commit into the lake's log, its segments made into files and the LakeCompactor
 * with its default settings on the compactor's thread), 64 requests in flight as 64 connections would have. Then every row is counted through the query engine: the
 * target holds only if no row is lost or counted twice.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLakeFile, keyColumnOf } from '../lambdas/core/lake-layout';
import { DuckDbQueryEngine } from '../local/duckdb-engine';
import { lakeTableFolders, partitionFolders, rawArchiveFolders, visibleTableFiles } from '../local/lake-files';
import { openLocalLake } from '../local/local-lake';
import { webhookRequest } from '../test/support/webhook-requests';
import { benchHandler, quietLogger, sampleEvent } from './fixtures';
import type { BenchResult } from './target';

const REQUESTS = 100_000;
const IN_FLIGHT = 64;

export async function benchLakeFiles(progress: (line: string) => void): Promise<BenchResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hooklake-bench-files-'));
  const lake = openLocalLake(dataDir, quietLogger);
  try {
    const { handler, token, store } = await benchHandler(lake.sink);
    progress(`lake files: ${REQUESTS.toLocaleString('en')} single-event requests, ${IN_FLIGHT} in flight, compaction running`);
    const started = Date.now();
    // What a query would read at any moment of the burst, not only at its end.
    let peakDuring = 0;
    const sampler = setInterval(() => {
      void lakeTableFolders(dataDir)
        .then((tables) => Promise.all(tables.map(async (table) => perDay(await visibleTableFiles(table)))))
        .then((counts) => (peakDuring = Math.max(peakDuring, ...counts.flat())), () => undefined);
    }, 250);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < REQUESTS; i = next++) {
        const response = await handler(webhookRequest({ token, body: JSON.stringify(sampleEvent(i)) }));
        if (response.statusCode !== 200) throw new Error(`request ${i} answered ${response.statusCode}: ${response.body}`);
        if ((i + 1) % 20_000 === 0) progress(`lake files: ${(i + 1).toLocaleString('en')} requests`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker)).finally(() => clearInterval(sampler));
    const seconds = (Date.now() - started) / 1000;

    // Right after the last request was acknowledged, and its rows' way from the lake's log into files (a CLI
    // query asks the server for the same): what a query reads, and what is on disk.
    await lake.settle();
    const tables = await lakeTableFolders(dataDir);
    const visible = await Promise.all(tables.map(async (table) => perDay(await visibleTableFiles(table))));
    const onDisk = await Promise.all(tables.map(async (table) => Promise.all((await partitionFolders(table)).map(async (day) => (await readdir(day)).filter(isLakeFile).length))));
    const maxVisible = Math.max(0, ...visible.flat());
    // The raw archive's day, compacted the same way (not a table: no query reads it, replay does).
    const rawVisible = await Promise.all((await rawArchiveFolders(dataDir)).map(async (folder) => perDay(await visibleTableFiles(folder))));
    const maxOnDisk = Math.max(0, ...onDisk.flat());

    const [integration] = await store.listIntegrations();
    const engine = await DuckDbQueryEngine.open(dataDir, [{ integration, columns: await store.listColumns(integration.schema) }]);
    let counted: Record<string, unknown>;
    try {
      [counted] = (await engine.query(`SELECT count(*) AS n, count(DISTINCT ${keyColumnOf(integration)}) AS ids FROM ${integration.schema}.data`)).rows;
    } finally {
      await engine.close();
    }
    if (counted.n !== REQUESTS || counted.ids !== REQUESTS) throw new Error(`lake files: expected ${REQUESTS} rows once each, the query counted ${JSON.stringify(counted)}`);

    return {
      id: 'lake-files',
      name: 'Lake files after 100,000 single-event requests',
      meaning: 'most files a query reads in one table and day, during or right after the burst, compaction running alongside',
      value: Math.max(maxVisible, peakDuring),
      unit: 'files',
      // Issue 9: "at most a few hundred files per table and day".
      max: 300,
      figures:
        `${REQUESTS.toLocaleString('en')} requests in ${seconds.toFixed(1)} s (${(REQUESTS / seconds).toFixed(0)} req/s, in-process, ${IN_FLIGHT} in flight); ` +
        `read by a query: ${maxVisible} files right after the burst, at most ${peakDuring} during it (sampled every 250 ms); ` +
        `${maxOnDisk} lake files on disk in that day, the replaced ones kept for the grace period; rows counted ${counted.n}, distinct ids ${counted.ids}; ` +
        `raw archive: ${Math.max(0, ...rawVisible.flat())} files in that day right after the burst (merged every 30 s; no query reads them)`,
    };
  } finally {
    await lake.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}


/** How many of `files` each day folder holds. */
function perDay(files: readonly string[]): number[] {
  const counts = new Map<string, number>();
  for (const file of files) {
    const day = join(file, '..');
    counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  return [...counts.values()];
}
