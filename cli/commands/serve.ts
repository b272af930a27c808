import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { positiveInteger } from '../../lambdas/core/config-values';
import { DEFAULT_MAX_BODY_BYTES } from '../../lambdas/core/decode-body';
import { ValidationError } from '../../lambdas/core/errors';
import { DEFAULT_RAW_ARCHIVE_DAYS } from '../../lambdas/core/raw-archive';
import { randomBytes } from 'node:crypto';
import type { AppLogger, IngestCountStore, IntegrationStore, QueryEngine } from '../../lambdas/app/ports';
import type { WebConsole } from '../../console/console-handler';
import { DEFAULT_MAX_BYTES_IN_FLIGHT } from '../../local/in-flight-budget';
import { webhookUrl } from '../../lambdas/core/webhook-routes';
import { HOOKLAKE_COMMAND } from '../../lambdas/core/deployment-names';
import type { CliIo } from '../io';
import { requireLocalTarget, type TargetOptions } from '../target';

interface ServeOptions {
  port: string;
  host: string;
  maxBodyBytes: string;
  maxBytesInFlight: string;
  rawArchiveDays: string;
}

export function registerServe(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('receive webhooks on this machine and land them in the local lake (npm start runs this)')
    .addOption(new Option('--port <port>', 'TCP port to listen on').default('8080').env('HOOKLAKE_PORT'))
    .addOption(new Option('--host <host>', 'address to listen on; 0.0.0.0 to accept other machines').default('127.0.0.1').env('HOOKLAKE_HOST'))
    .addOption(
      new Option('--max-body-bytes <bytes>', 'largest request body accepted (413 above it)')
        .default(String(DEFAULT_MAX_BODY_BYTES))
        .env('HOOKLAKE_MAX_BODY_BYTES'),
    )
    .addOption(
      new Option('--max-bytes-in-flight <bytes>', 'request bodies held at once; past them a webhook gets 503 and Retry-After, bounding memory')
        .default(String(DEFAULT_MAX_BYTES_IN_FLIGHT))
        .env('HOOKLAKE_MAX_BYTES_IN_FLIGHT'),
    )
    .addOption(
      new Option('--raw-archive-days <days>', 'days the raw archive (raw/ in the data directory) keeps each accepted body, for "replay"; 0 keeps none')
        .default(String(DEFAULT_RAW_ARCHIVE_DAYS))
        .env('HOOKLAKE_RAW_ARCHIVE_DAYS'),
    )
    .action(async (options: ServeOptions, command: Command) => {
      const globals = command.optsWithGlobals<TargetOptions>();
      requireLocalTarget(globals, 'serve');
      const { dataDir } = globals;
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new ValidationError(`--port must be a whole number from 0 to 65535, got "${options.port}".`);
      }
      // The local runtime (dynalite, the SDK, the logger) loads only when serving, not for every command's help.
      const { startLocalHooklake } = require('../../local/start-local') as typeof import('../../local/start-local');
      const { Logger } = require('@aws-lambda-powertools/logger') as typeof import('@aws-lambda-powertools/logger');
      const logger = new Logger({ serviceName: 'hooklake' });
      let webConsole: WebConsole | undefined;
      const running = await startLocalHooklake({
        dataDir: resolve(dataDir),
        port,
        host: options.host,
        maxBodyBytes: positiveInteger('--max-body-bytes', options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES),
        maxBytesInFlight: positiveInteger('--max-bytes-in-flight', options.maxBytesInFlight, DEFAULT_MAX_BYTES_IN_FLIGHT),
        logger,
        otherRoutes: ({ url, store, counts, settleLake }) => (webConsole = localConsole(resolve(dataDir), url, store, counts, settleLake, logger)),
        rawArchiveDays: archiveDays(options.rawArchiveDays),
      });
      await printBanner(io, running.url, resolve(dataDir), running.store, webConsole?.loginUrl(running.url));
      await untilStopped(io);
      io.err('Stopping: finishing requests in flight (at most 10 s; Ctrl+C again, after 2 s, stops at once)...');
      // A console query could run for its whole time limit: interrupt it, so its request ends now.
      webConsole?.stopQueries();
      await running.close();
      io.err('Stopped.');
    });
}

function archiveDays(text: string): number {
  const days = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(days)) throw new ValidationError(`--raw-archive-days must be a whole number of days (0 keeps no archive), got "${text}".`);
  return days;
}

/** The web console over the server's own store, its counters and the lake; DuckDB loads on its first query. */
function localConsole(dataDir: string, url: string, store: IntegrationStore, counts: IngestCountStore, settleLake: () => Promise<void>, logger: AppLogger): WebConsole {
  const { createWebConsole } = require('../../console/console-handler') as typeof import('../../console/console-handler');
  let engine: QueryEngine | undefined;
  const lazyEngine: QueryEngine = {
    // Rows wait in the lake's log a moment: a query sees every webhook answered before it. Should that fail,
    // the query still runs (the failure is in the server's log), without the newest rows.
    query: async (sql, limits) => {
      await settleLake().catch(() => undefined);
      return (engine ??= consoleEngine(dataDir, store)).query(sql, limits);
    },
  };
  return createWebConsole({ store, counts, engine: lazyEngine, webhookBaseUrl: url, clock: () => new Date(), randomBytes, logger });
}

/** Console queries share the process with the webhook path: at most this many at once (query-slots.ts says why). */
const CONSOLE_QUERY_SLOTS = 2;

function consoleEngine(dataDir: string, store: IntegrationStore): QueryEngine {
  const { lakeQueryEngine } = require('../../local/lake-query-engine') as typeof import('../../local/lake-query-engine');
  const { limitQueries } = require('../../local/query-slots') as typeof import('../../local/query-slots');
  return limitQueries(lakeQueryEngine(dataDir, store), CONSOLE_QUERY_SLOTS);
}

async function printBanner(io: CliIo, url: string, dataDir: string, store: IntegrationStore, consoleUrl: string | undefined): Promise<void> {
  io.out(`Hooklake is receiving webhooks at ${webhookUrl(url, '<token>')}`);
  io.out(`Data directory: ${dataDir} (lake files under lake/, query them with "${HOOKLAKE_COMMAND} query")`);
  const integrations = await store.listIntegrations();
  if (integrations.length === 0) {
    io.out('\nNo integrations yet. In another terminal, create one; it prints your webhook URL:');
    io.out(`  ${HOOKLAKE_COMMAND} integrations create "My Webhooks"`);
    io.out('Then send it an event (put the URL it printed in place of <webhook-url>):');
    io.out(`  curl -X POST -H 'Content-Type: application/json' -d '[{"event":"signup","email":"a@example.com"}]' <webhook-url>`);
    io.out('And read it back:');
    io.out(`  ${HOOKLAKE_COMMAND} query "SELECT * FROM my_webhooks.data"`);
  } else {
    io.out(`\nIntegrations: ${integrations.map((i) => i.schema).join(', ')}`);
    io.out(`Tokens are shown only when made; for a new URL: ${HOOKLAKE_COMMAND} tokens create <schema>`);
  }
  if (consoleUrl !== undefined) io.out(`\nWeb console (this link signs you in; a new one each start, keep it private):\n  ${consoleUrl}`);
  io.out('\nPress Ctrl+C to stop.\n');
}

/** A signal this soon after the first is the same stop (npm forwards Ctrl+C to a process that got it already). */
const REPEATED_SIGNAL_MS = 2_000;

/**
 * Resolves on the first SIGINT or SIGTERM. Later signals stay handled, so a repeat does not kill
 * the process halfway through stopping; one sent well after the first stops at once, without waiting.
 */
export function untilStopped(io: CliIo): Promise<void> {
  return new Promise((resolve) => {
    let firstAt: number | undefined;
    const stop = () => {
      if (firstAt === undefined) {
        firstAt = Date.now();
        resolve();
      } else if (Date.now() - firstAt > REPEATED_SIGNAL_MS) {
        io.err('Stopping now, without waiting for requests in flight.');
        process.exit(130);
      }
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
