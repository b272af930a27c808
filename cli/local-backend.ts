import { resolve } from 'node:path';
import type { QueryEngine } from '../lambdas/app/ports';
import { openLocalStore } from '../local/local-store';
import { DEFAULT_LOCAL_BASE_URL, type Backend } from './backend';

/** The local runtime's data directory; one that holds no Hooklake data is only started when `mayCreate`. */
export async function openLocalBackend(dataDir: string, options: { readonly mayCreate?: boolean } = {}): Promise<Backend> {
  const directory = resolve(dataDir);
  const local = await openLocalStore(directory, options);
  let replaySink: { close(): Promise<void> } | undefined;
  return {
    store: local.store,
    counts: local.counts,
    engine: onFirstQuery(() => (require('../local/lake-query-engine') as typeof import('../local/lake-query-engine')).lakeQueryEngine(directory, local.store)),
    webhookBaseUrl: local.serverUrl ?? DEFAULT_LOCAL_BASE_URL,
    serverRunning: local.serverUrl !== undefined,
    localDataDir: directory,
    replaySources: () => {
      const { localRawArchive } = require('../local/raw-archive-files') as typeof import('../local/raw-archive-files');
      const { localReplayJournal } = require('../local/replay-journal-file') as typeof import('../local/replay-journal-file');
      const { FileLakeSink } = require('../local/file-lake-sink') as typeof import('../local/file-lake-sink');
      // Lake files of their own, beside the server's; its compactor merges them as it merges its own.
      const sink = new FileLakeSink(directory);
      replaySink = sink;
      return { archive: localRawArchive(directory), journal: localReplayJournal(directory), sink };
    },
    close: async () => {
      await replaySink?.close();
      await local.close();
    },
  };
}

/** DuckDB takes a while to load: only commands that run SQL pay for it. */
function onFirstQuery(make: () => QueryEngine): QueryEngine {
  let engine: QueryEngine | undefined;
  return { query: (sql, limits) => (engine ??= make()).query(sql, limits) };
}
