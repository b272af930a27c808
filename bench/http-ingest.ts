/**
 * Webhooks per second over real HTTP: the local Hooklake server as `npm start` runs it (embedded
 * DynamoDB for tokens, fsync'd group-committed lake files) against two receivers on the same
 * machine: a bare node:http server that only parses the body (what any JSON endpoint must do), and
 * one that fsyncs a file per body (what any durable endpoint must do).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalHooklake } from '../local/start-local';
import { startBareServer } from './bare-server';
import { addIntegrationWithToken, arrayBody, quietLogger } from './fixtures';
import { startFsyncServer } from './fsync-server';
import { runLoad, type LoadResult } from './load';
import type { BenchResult } from './target';
import { median } from './stats';

const BODY = arrayBody(1);
const CONNECTIONS = 10;
const WARMUP_SECONDS = 1;
const ROUND_SECONDS = 4;
const ROUNDS = 2;
const SIDES = ['bare', 'fsync', 'hooklake'] as const;
type Side = (typeof SIDES)[number];

interface Summary {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
}

export async function benchHttpIngest(progress: (line: string) => void): Promise<BenchResult[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hooklake-bench-'));
  await mkdir(join(dataDir, 'fsync'));
  const bare = await startBareServer();
  const fsync = await startFsyncServer(join(dataDir, 'fsync'));
  const hooklake = await startLocalHooklake({ dataDir: join(dataDir, 'hooklake'), port: 0, host: '127.0.0.1', maxBodyBytes: 1024 * 1024, logger: quietLogger });
  try {
    const token = await addIntegrationWithToken(hooklake.store);
    const urls: Record<Side, string> = { bare: bare.url, fsync: fsync.url, hooklake: `${hooklake.url}/v1/hooks/${token}` };
    const runs: Record<Side, LoadResult[]> = { bare: [], fsync: [], hooklake: [] };
    progress(`http: warm-up, ${WARMUP_SECONDS} s each`);
    for (const side of SIDES) await load(side, urls[side], WARMUP_SECONDS);
    // Alternating rounds, so a burst of load from a neighbour hits every side alike.
    for (let round = 1; round <= ROUNDS; round++) {
      for (const side of SIDES) {
        progress(`http: round ${round}/${ROUNDS}, ${side}, ${CONNECTIONS} connections, ${ROUND_SECONDS} s`);
        runs[side].push(await load(side, urls[side], ROUND_SECONDS));
      }
    }
    const [bareSummary, fsyncSummary, measured] = SIDES.map((side) => summarize(runs[side]));
    const hooklakeFigures = `hooklake ${measured.requestsPerSecond.toFixed(0)} req/s, p99 ${measured.p99Ms} ms`;
    return [
      {
        id: 'http-vs-bare',
        name: 'HTTP ingest throughput vs bare node:http',
        meaning: 'hooklake req/s ÷ read + JSON.parse receiver req/s, 1-event JSON bodies',
        value: measured.requestsPerSecond / bareSummary.requestsPerSecond,
        unit: 'x',
        // Measured 0.016-0.017 (about 900 vs 55,000 req/s) on a 2-core VM. Far below 1 by design:
        // each request waits for an fsync'd lake file and looks its token up over HTTP in the
        // embedded DynamoDB (not cached, so a revoked token stops at once); this baseline does
        // neither. Half the measured ratio: fails when throughput halves, not on a noisy neighbour.
        min: 0.008,
        figures: `${hooklakeFigures}; bare ${bareSummary.requestsPerSecond.toFixed(0)} req/s, p99 ${bareSummary.p99Ms} ms (autocannon rounds to whole ms)`,
      },
      {
        id: 'http-vs-fsync',
        name: 'HTTP ingest throughput vs fsync-per-request receiver',
        meaning: 'hooklake req/s ÷ file + fsync per body receiver req/s, 1-event JSON bodies',
        value: measured.requestsPerSecond / fsyncSummary.requestsPerSecond,
        unit: 'x',
        // The first target of these benchmarks, kept as it was (see fsync-server.ts). Group commit
        // shares fsyncs across requests, the per-request token lookup is what is left; 0.05
        // catches a regression that halves throughput without failing on noise.
        min: 0.05,
        figures: `${hooklakeFigures}; fsync receiver ${fsyncSummary.requestsPerSecond.toFixed(0)} req/s, p99 ${fsyncSummary.p99Ms} ms`,
      },
    ];
  } finally {
    await bare.close();
    await fsync.close();
    await hooklake.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function load(side: Side, url: string, seconds: number): Promise<LoadResult> {
  const result = await runLoad({ url, body: BODY, connections: CONNECTIONS, seconds });
  if (result.failed > 0) throw new Error(`${result.failed} of ${result.total} requests to the ${side} server failed`);
  return result;
}

/** Throughput and p99 as the median over rounds. */
function summarize(runs: readonly LoadResult[]): Summary {
  return { requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)), p99Ms: median(runs.map((run) => run.p99Ms)) };
}
