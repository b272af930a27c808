/**
 * Webhooks per second over real HTTP, issue 9's figures: the local server exactly as `npm start`
 * runs it (its own process, embedded store, fsync'd group-committed lake files, its logs going to a
 * file) against the group-commit receiver (group-commit-receiver.ts), which does the same durable
 * work and nothing else. autocannon loads each from a third process; rounds alternate so a burst
 * from a neighbour hits both sides alike.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalStore } from '../local/local-store';
import { addIntegrationWithToken, arrayBody, sampleEvent } from './fixtures';
import { runLoad, type LoadResult } from './load';
import { startHooklakeProcess, startReceiverProcess, type ServerProcess } from './processes';
import { median } from './stats';
import type { BenchResult } from './target';

const CONNECTIONS = 64;
const WARMUP_SECONDS = 2;
const ROUND_SECONDS = 5;
const ROUNDS = 3;

interface Scenario {
  readonly label: string;
  readonly body: string;
}

const SINGLE: Scenario = { label: '1 KB single-event bodies', body: JSON.stringify(sampleEvent(1)) };
const HUNDRED: Scenario = { label: '100-event bodies (~100 KB)', body: arrayBody(100) };

export async function benchHttpIngest(progress: (line: string) => void): Promise<BenchResult[]> {
  const root = await mkdtemp(join(tmpdir(), 'hooklake-bench-http-'));
  const servers: ServerProcess[] = [];
  try {
    await mkdir(join(root, 'receiver'));
    const receiver = await startReceiverProcess(join(root, 'receiver'));
    servers.push(receiver);
    progress('http: starting hooklake serve');
    const hooklake = await startHooklakeProcess(join(root, 'hooklake'));
    servers.push(hooklake);
    const token = await withStore(join(root, 'hooklake'), addIntegrationWithToken);
    const urls = { receiver: receiver.url, hooklake: `${hooklake.url}/v1/hooks/${token}` };

    const single = await compare(SINGLE, urls, progress);
    const hundred = await compare(HUNDRED, urls, progress);
    return [
      throughput('http-1kb-single', 'Local HTTP, 1 KB single events', single, 0.7),
      {
        id: 'http-1kb-single-p99',
        name: 'Local HTTP, 1 KB single events, p99',
        meaning: `hooklake p99 latency at ${CONNECTIONS} connections (autocannon, whole ms)`,
        value: single.hooklake.p99Ms,
        below: 25,
        unit: 'ms',
        figures: `receiver p99 ${single.receiver.p99Ms} ms at the same load`,
      },
      throughput('http-100-event', 'Local HTTP, 100-event bodies', hundred, 0.5),
    ];
  } finally {
    for (const server of servers) await server.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** Hooklake's throughput as a ratio of the receiver's, against the minimum. */
function throughput(id: string, name: string, summary: Record<Side, Summary>, min: number): BenchResult {
  return {
    id,
    name,
    meaning: `hooklake req/s ÷ group-commit receiver req/s, ${CONNECTIONS} connections, durable acks`,
    value: summary.hooklake.requestsPerSecond / summary.receiver.requestsPerSecond,
    min,
    unit: 'x',
    figures: figures(summary),
  };
}

interface Summary {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
}

type Side = 'receiver' | 'hooklake';

async function compare(scenario: Scenario, urls: Record<Side, string>, progress: (line: string) => void): Promise<Record<Side, Summary>> {
  const sides: Side[] = ['receiver', 'hooklake'];
  const runs: Record<Side, LoadResult[]> = { receiver: [], hooklake: [] };
  progress(`http, ${scenario.label}: warm-up, ${WARMUP_SECONDS} s each`);
  for (const side of sides) await load(side, urls[side], scenario, WARMUP_SECONDS);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const side of sides) {
      progress(`http, ${scenario.label}: round ${round}/${ROUNDS}, ${side}, ${CONNECTIONS} connections, ${ROUND_SECONDS} s`);
      runs[side].push(await load(side, urls[side], scenario, ROUND_SECONDS));
    }
  }
  return { receiver: summarize(runs.receiver), hooklake: summarize(runs.hooklake) };
}

async function load(side: Side, url: string, scenario: Scenario, seconds: number): Promise<LoadResult> {
  const result = await runLoad({ url, body: scenario.body, connections: CONNECTIONS, seconds });
  if (result.failed > 0) throw new Error(`${result.failed} of ${result.total} requests to the ${side} failed (${scenario.label})`);
  return result;
}

function summarize(runs: readonly LoadResult[]): Summary {
  return { requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)), p99Ms: median(runs.map((run) => run.p99Ms)) };
}

function figures(summary: Record<Side, Summary>): string {
  const side = (name: Side) => `${name} ${summary[name].requestsPerSecond.toFixed(0)} req/s, p99 ${summary[name].p99Ms} ms`;
  return `${side('hooklake')}; ${side('receiver')} (medians of ${ROUNDS} rounds of ${ROUND_SECONDS} s)`;
}

/** Reaches the running server's store the way a CLI command does. */
async function withStore<T>(dataDir: string, use: (store: Parameters<typeof addIntegrationWithToken>[0]) => Promise<T>): Promise<T> {
  const local = await openLocalStore(dataDir);
  try {
    return await use(local.store);
  } finally {
    await local.close();
  }
}
