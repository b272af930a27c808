/**
 * Queries over 1,000,000 rows in the local lake, timed as they are (issue 9's targets are absolute).
 * The lake is built the way a server builds it, only faster: the ingest use case on the embedded
 * store and the local lake (file sink and compactor), 1,000 requests of 1,000 events each; then the
 * compactor runs until it has nothing left to do, as it would within seconds on a running server.
 * Each event has a primary key shared with one other event, so `data_latest` keeps 500,000 rows.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { keyColumnOf, tablePath } from '../lambdas/core/lake-layout';
import type { IntegrationStore } from '../lambdas/app/ports';
import { DuckDbQueryEngine, type LakeSchema } from '../local/duckdb-engine';
import { LakeCompactor } from '../local/lake-compactor';
import { visibleTableFiles } from '../local/lake-files';
import { openLocalLake } from '../local/local-lake';
import { startOwnStore } from '../local/local-store';
import { webhookRequest } from '../test/support/webhook-requests';
import { benchHandler, PRIMARY_KEY, quietLogger, sampleEvent } from './fixtures';
import { median } from './stats';
import type { BenchResult } from './target';

const ROWS = 1_000_000;
const EVENTS_PER_REQUEST = 1_000;
const IN_FLIGHT = 4;
const DISTINCT_KEYS = ROWS / 2;
const ENGINE_RUNS = 5;
const CLI_RUNS = 3;
const ROOT = join(__dirname, '..');

export async function benchQuery1m(progress: (line: string) => void): Promise<BenchResult[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hooklake-bench-1m-'));
  try {
    const schema = await buildLake(dataDir, progress);
    const { integration } = schema;
    const files = await visibleTableFiles(join(dataDir, tablePath(integration.schema, 'data')));
    const bytes = (await Promise.all(files.map(async (file) => (await stat(file)).size))).reduce((a, b) => a + b, 0);
    const lakeFigures = `${files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB gzip`;

    progress(`query 1M: ${ENGINE_RUNS} runs each of count(*) and data_latest in DuckDbQueryEngine`);
    const countSql = `SELECT count(*) AS n FROM ${integration.schema}.data`;
    const latestSql = `SELECT count(*) AS n, count(DISTINCT ${keyColumnOf(integration)}) AS keys FROM ${integration.schema}.data_latest`;
    const engine = await DuckDbQueryEngine.open(dataDir, [schema]);
    let count: number[];
    let latest: number[];
    try {
      count = await timeRuns(ENGINE_RUNS, async () => expectRows(await engine.query(countSql), [{ n: ROWS }]));
      latest = await timeRuns(ENGINE_RUNS, async () => expectRows(await engine.query(latestSql), [{ n: DISTINCT_KEYS, keys: DISTINCT_KEYS }]));
    } finally {
      await engine.close();
    }

    progress(`query 1M: ${CLI_RUNS} runs of the whole CLI command`);
    const cli = await timeRuns(CLI_RUNS, async () => {
      const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin', 'hooklake.js'), '--data-dir', dataDir, 'query', '--json', countSql], { cwd: ROOT });
      expectRows({ rows: JSON.parse(stdout) as Record<string, unknown>[] }, [{ n: ROWS }]);
    });

    const figures = (runs: number[]) => `runs ${runs.map((s) => s.toFixed(2)).join(', ')} s; ${lakeFigures}`;
    return [
      {
        id: 'query-1m-count',
        name: 'count(*) over 1,000,000 local rows',
        meaning: `seconds for DuckDbQueryEngine.query (listing, views, query), median of ${ENGINE_RUNS}`,
        value: median(count),
        unit: 's',
        below: 1,
        figures: figures(count),
      },
      {
        id: 'query-1m-latest',
        name: 'data_latest over 1,000,000 local rows',
        meaning: `seconds for count(*) of data_latest (${DISTINCT_KEYS.toLocaleString('en')} keys) in DuckDbQueryEngine, median of ${ENGINE_RUNS}`,
        value: median(latest),
        unit: 's',
        below: 1,
        figures: figures(latest),
      },
      {
        id: 'query-1m-cli',
        name: 'hooklake query over 1,000,000 local rows',
        meaning: `seconds for the whole \`node bin/hooklake.js query "SELECT count(*) ..."\` process, no server running, median of ${CLI_RUNS}`,
        value: median(cli),
        unit: 's',
        below: 1.5,
        figures: figures(cli),
      },
    ];
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Ingests ROWS events into a fresh data directory and compacts until nothing is left to do. */
async function buildLake(dataDir: string, progress: (line: string) => void): Promise<LakeSchema> {
  const local = await startOwnStore(dataDir);
  try {
    const lake = openLocalLake(dataDir, quietLogger);
    const { handler, token, store } = await benchHandler(lake.sink, local.store);
    progress(`query 1M: ingesting ${ROWS.toLocaleString('en')} events, ${EVENTS_PER_REQUEST} per request, with compaction running`);
    const requests = ROWS / EVENTS_PER_REQUEST;
    let next = 0;
    const worker = async () => {
      for (let r = next++; r < requests; r = next++) {
        const body = Array.from({ length: EVENTS_PER_REQUEST }, (_, j) => eventLine(r * EVENTS_PER_REQUEST + j)).join('\n');
        const response = await handler(webhookRequest({ token, body, headers: { 'content-type': 'application/x-ndjson' } }));
        if (response.statusCode !== 200) throw new Error(`request ${r} answered ${response.statusCode}: ${response.body}`);
        if ((r + 1) % 200 === 0) progress(`query 1M: ${((r + 1) * EVENTS_PER_REQUEST).toLocaleString('en')} events`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await lake.close();
    progress('query 1M: compacting until there is nothing left to merge');
    // What the server's compactor does within its next passes; no grace period, no reader is waiting.
    const compactor = new LakeCompactor(dataDir, { logger: quietLogger, graceMs: 0 });
    for (let report = await compactor.runPass(); report.merged + report.removed > 0; report = await compactor.runPass());
    return await schemaOf(store);
  } finally {
    await local.close();
  }
}

async function schemaOf(store: IntegrationStore): Promise<LakeSchema> {
  const [integration] = await store.listIntegrations();
  return { integration, columns: await store.listColumns(integration.schema) };
}

function eventLine(i: number): string {
  return JSON.stringify({ ...sampleEvent(i), [PRIMARY_KEY]: `msg-${i % DISTINCT_KEYS}` });
}

async function timeRuns(runs: number, run: () => Promise<void>): Promise<number[]> {
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    seconds.push((performance.now() - started) / 1000);
  }
  return seconds;
}

function expectRows(result: { rows: readonly Record<string, unknown>[] }, expected: readonly Record<string, unknown>[]): void {
  if (JSON.stringify(result.rows) !== JSON.stringify(expected)) throw new Error(`query 1M: expected ${JSON.stringify(expected)}, got ${JSON.stringify(result.rows)}`);
}
