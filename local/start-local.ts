import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { IntegrationStoreUnavailableError, ValidationError } from '../lambdas/core/errors';
import { sequenceGenerator } from '../lambdas/core/sequence';
import { DEFAULT_MAX_RECORD_BYTES } from '../lambdas/core/stamp';
import { createIngestWebhook } from '../lambdas/app/ingest-webhook';
import { IngestCounters } from '../lambdas/app/ingest-counters';
import { IntegrationCache } from '../lambdas/app/integration-cache';
import { TokenCache } from '../lambdas/app/token-cache';
import type { AppLogger, IngestCountStore, IntegrationStore } from '../lambdas/app/ports';
import { retry } from '../lambdas/shared/retry';
import { messageOf } from '../lambdas/shared/error-message';
import { removeCrashLeftovers } from './crash-leftovers';
import { DEFAULT_RAW_ARCHIVE_DAYS, RAW_PREFIX } from '../lambdas/core/raw-archive';
import { LAKE_PREFIX } from '../lambdas/core/lake-layout';
import { ownerOnlyFolder } from './owner-only-folder';
import { RAW_ARCHIVE_ON } from '../lambdas/aws/raw-body-gzip';
import { startRawArchiveRetention } from './raw-archive-retention';
import { storedWebhookLog } from './stored-webhook-log';
import { openLocalLake } from './local-lake';
import { LOG_FOLDER } from './lake-log';
import type { LoggedLakeSinkOptions } from './logged-lake-sink';
import { startOwnStore, type LocalStore } from './local-store';
import { findRunningServer, removeRuntimeInfo, writeRuntimeInfo } from './runtime-file';
import { createLocalServer, firstOwner, shutDownLocalServer, type OtherRoutes } from './server';
import { settleRoute } from './settle-route';

/**
 * How long the server keeps an active token or an integration without reading the store again. Writes to the store
 * invalidate at once; this bound only matters if the store changed some other way.
 */
export const LOCAL_TOKEN_CACHE_MS = 60_000;
/** Loading-report counters reach the embedded store this often: writes there cost nothing. */
export const LOCAL_COUNT_FLUSH_MS = 1000;

export interface LocalHooklakeOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly maxBodyBytes: number;
  /** @default DEFAULT_MAX_BYTES_IN_FLIGHT (in-flight-budget.ts) */
  readonly maxBytesInFlight?: number;
  /** A request that has not arrived whole by then gets 408. @default 30000 */
  readonly requestTimeoutMs?: number;
  readonly logger: AppLogger;
  /** Days the raw archive keeps each accepted body (raw/ in the data directory); 0 keeps none. @default DEFAULT_RAW_ARCHIVE_DAYS */
  readonly rawArchiveDays?: number;
  /** When the lake's log hands its rows to the lake's files (tests stretch it to show who waits for it). */
  readonly lakeLog?: LoggedLakeSinkOptions;
  /** Other paths the server answers (the web console), made once the server's URL is known. */
  readonly otherRoutes?: (runtime: { readonly url: string; readonly store: IntegrationStore; readonly counts: IngestCountStore; readonly settleLake: () => Promise<void> }) => OtherRoutes;
}

export interface RunningLocalHooklake {
  readonly url: string;
  readonly store: IntegrationStore;
  /** Resolves once every row answered for so far is in the lake's files (they wait in its log a moment). */
  settleLake(): Promise<void>;
  close(): Promise<void>;
}

function rawArchiveDaysOf(options: LocalHooklakeOptions): number {
  return options.rawArchiveDays ?? DEFAULT_RAW_ARCHIVE_DAYS;
}

/** Boots the whole local runtime: embedded store, file lake and its compaction, ingest use case behind node:http. */
export async function startLocalHooklake(options: LocalHooklakeOptions): Promise<RunningLocalHooklake> {
  await mkdir(options.dataDir, { recursive: true });
  const running = await findRunningServer(options.dataDir);
  if (running) {
    throw new ValidationError(
      `Hooklake is already running for ${options.dataDir} at ${running.url} (pid ${running.pid}); stop it first, or use another --data-dir.`,
    );
  }
  // Every write to the store, a CLI command's included, goes through our embedded endpoint and
  // forgets the kept tokens and integrations at once: a revoked token stops before "tokens revoke"
  // returns, and a new signing key applies before "integrations set-secret" does.
  let storeChanged = () => {};
  const local = await openStoreWaiting(options.dataDir, () => storeChanged());
  const tokenCache = new TokenCache(local.store, LOCAL_TOKEN_CACHE_MS);
  const integrationCache = new IntegrationCache(local.store, LOCAL_TOKEN_CACHE_MS);
  storeChanged = () => {
    tokenCache.invalidate();
    integrationCache.invalidate();
  };
  // The store's lock is ours, so no other server writes this lake: what a crash left half-written goes. (A
  // replay run from the CLI at this very moment loses the file it is writing and stops; run again, it carries on.)
  const leftovers = await removeCrashLeftovers(options.dataDir).catch(async (error: unknown) => {
    await local.close();
    throw error;
  });
  if (leftovers > 0) options.logger.info('Removed temporary files left by an earlier crash', { files: leftovers });
  for (const folder of [LAKE_PREFIX, LOG_FOLDER, ...(rawArchiveDaysOf(options) > 0 ? [RAW_PREFIX] : [])]) await ownerOnlyFolder(join(options.dataDir, folder));
  const rawArchiveDays = rawArchiveDaysOf(options);
  const rawRetention = rawArchiveDays > 0 ? startRawArchiveRetention(options.dataDir, rawArchiveDays, options.logger) : undefined;
  // The compactor starts with the lake: this process is the one server, so the one compactor, of the data directory.
  let lake: ReturnType<typeof openLocalLake>;
  try {
    lake = openLocalLake(options.dataDir, options.logger, { log: options.lakeLog });
  } catch (error) {
    // Left open, the store and the retention timer would keep the process running after the error.
    rawRetention?.stop();
    await local.close();
    throw new ValidationError(
      `Could not apply the lake's log left by an earlier run (${join(options.dataDir, LOG_FOLDER)}), so nothing was started: ${messageOf(error)}. Its rows stay there; fix the cause and start again.`,
      { cause: error },
    );
  }
  const counters = new IngestCounters(local.counts, LOCAL_COUNT_FLUSH_MS, Date.now, (error) =>
    options.logger.warn('Could not write loading counts; kept for the next try', { error: messageOf(error) }),
  );
  const flushTimer = setInterval(() => void counters.flushIfDue(), LOCAL_COUNT_FLUSH_MS);
  flushTimer.unref();
  let otherRoutes: OtherRoutes | undefined;
  const controlKey = randomBytes(32).toString('base64url');
  const settle = settleRoute(controlKey, () => lake.settle());
  const webhookLog = storedWebhookLog(options.logger);
  const server = createLocalServer({
    ingest: createIngestWebhook({
      store: local.store,
      sink: lake.sink,
      logger: webhookLog,
      clock: () => new Date(),
      nextSequence: sequenceGenerator(Date.now, Math.random),
      uuid: randomUUID,
      maxBodyBytes: options.maxBodyBytes,
      maxRecordBytes: DEFAULT_MAX_RECORD_BYTES,
      tokenCache,
      integrationCache,
      ...(rawArchiveDays > 0 && { archiveRaw: RAW_ARCHIVE_ON }),
      metrics: counters,
    }),
    maxBodyBytes: options.maxBodyBytes,
    maxBytesInFlight: options.maxBytesInFlight,
    requestTimeoutMs: options.requestTimeoutMs,
    logger: options.logger,
    otherRoutes: firstOwner(() => [settle, otherRoutes]),
  });
  try {
    await listen(server, options.port, options.host);
  } catch (error) {
    rawRetention?.stop();
    clearInterval(flushTimer);
    await lake.close();
    await local.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  otherRoutes = options.otherRoutes?.({ url, store: local.store, counts: local.counts, settleLake: () => lake.settle() });
  await writeRuntimeInfo(options.dataDir, { pid: process.pid, url, dynamoEndpoint: local.endpoint, dynamoCredentials: local.credentials, startedAt: new Date().toISOString(), controlKey });

  return {
    url,
    store: local.store,
    settleLake: () => lake.settle(),
    async close() {
      rawRetention?.stop();
      await shutDownLocalServer(server);
      webhookLog.flush();
      clearInterval(flushTimer);
      // Every answered webhook is counted before the store closes.
      await counters.flush();
      await lake.close();
      await removeRuntimeInfo(options.dataDir, process.pid);
      await local.close();
    },
  };
}

/** A CLI command may hold the data directory for a moment; wait a little before giving up. */
async function openStoreWaiting(dataDir: string, onWrite: () => void): Promise<LocalStore> {
  return retry(() => startOwnStore(dataDir, { onWrite }), {
    isRetryable: (error) => error instanceof IntegrationStoreUnavailableError,
    budgetMs: 5_000,
    baseDelayMs: 200,
    maxDelayMs: 200,
    jitter: 'none',
  });
}

function listen(server: ReturnType<typeof createLocalServer>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new ValidationError(`Port ${port} on ${host} is already in use; choose another with --port.`, { cause: error }));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new ValidationError(`Cannot listen on host "${host}"; use an address of this machine, e.g. 127.0.0.1.`, { cause: error }));
      else if (error.code === 'EACCES') reject(new ValidationError(`Not allowed to listen on port ${port}; use a port above 1023.`, { cause: error }));
      else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
