import { resolve } from 'node:path';
import type { QueryEngine } from '../lambdas/app/ports';
import { openLocalStore, type LocalStore } from '../local/local-store';
import { messageOf } from '../lambdas/shared/error-message';
import { DEFAULT_LOCAL_BASE_URL, type Backend } from './backend';

/** The local runtime's data directory; one that holds no Hooklake data is only started when `mayCreate`. */
export async function openLocalBackend(dataDir: string, options: { readonly mayCreate?: boolean } = {}): Promise<Backend> {
  const directory = resolve(dataDir);
  const local = await openLocalStore(directory, options);
  let replaySink: { close(): Promise<void> } | undefined;
  let settled: Promise<void> | undefined;
  // Rows wait in the lake's log a moment before they reach the files a query or a replay reads: once per command, before either.
  const settleOnce = () => (settled ??= settleLake(directory, local));
  return {
    store: local.store,
    counts: local.counts,
    engine: onFirstQuery(settleOnce, () => (require('../local/lake-query-engine') as typeof import('../local/lake-query-engine')).lakeQueryEngine(directory, local.store)),
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
      const archive = localRawArchive(directory);
      return { archive: { ...archive, listFiles: async (...args) => (await settleOnce(), archive.listFiles(...args)) }, journal: localReplayJournal(directory), sink };
    },
    close: async () => {
      await replaySink?.close();
      await local.close();
    },
  };
}

/** DuckDB takes a while to load: only commands that run SQL pay for it. */
function onFirstQuery(settle: () => Promise<void>, make: () => QueryEngine): QueryEngine {
  let engine: QueryEngine | undefined;
  return { query: async (sql, limits) => (await settle(), (engine ??= make()).query(sql, limits)) };
}

/**
 * Every row answered for in the lake's files: the running server is asked to put them there; with none
 * running, this command (the data directory's one user while it holds the store) applies what the log
 * holds. A failure only costs the newest rows their place in this command's answer, so it is a warning.
 */
async function settleLake(directory: string, local: LocalStore): Promise<void> {
  let problem: string | undefined;
  if (local.serverUrl === undefined) {
    const { LakeLogApplier } = require('../local/lake-log-apply') as typeof import('../local/lake-log-apply');
    try {
      new LakeLogApplier(directory).applyAll();
    } catch (error) {
      problem = `could not apply the lake's log under ${directory}: ${messageOf(error)}`;
    }
  } else if (local.controlKey !== undefined) {
    const { askServerToSettle } = require('../local/settle-route') as typeof import('../local/settle-route');
    const why = await askServerToSettle(local.serverUrl, local.controlKey);
    if (why !== undefined) problem = `the server at ${local.serverUrl} did not store its latest rows in the lake's files (${why})`;
  }
  const missing = local.serverUrl === undefined ? 'rows still in its log (wal/) are missing from this answer' : 'rows received in the last second may be missing from this answer';
  if (problem !== undefined) process.stderr.write(`Warning: ${problem}; ${missing}.\n`);
}
