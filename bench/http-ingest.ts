/**
 * Webhooks per second over real HTTP, issue 9's figures: the local server exactly as `npm start`
 * runs it (its own process, embedded store, group commit into the lake's log written with O_DSYNC and
 * made into lake files behind it, its logs going to a file) against the group-commit receiver
 * (group-commit-receiver.ts), which appends each group to a log with O_DSYNC and does nothing else.
 * autocannon loads each from a third process; rounds alternate so a burst from a neighbour hits every side alike,
 * and each starts once every server has gone quiet (quiet.ts): work a round leaves behind is reported, never
 * charged to the next side.
 * For 1 KB bodies a third side is shown beside them, not as a target: the receiver writing a gzip file
 * per group, as Hooklake did before its log.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalStore } from '../local/local-store';
import { addIntegrationWithToken, arrayBody, sampleEvent } from './fixtures';
import { runLoad, type LoadResult } from './load';
import { startHooklakeProcess, startReceiverProcess, type ServerProcess } from './processes';
import { waitUntilQuiet, type QuietWait } from './quiet';
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
    await mkdir(join(root, 'files-receiver'));
    const filesReceiver = await startReceiverProcess(join(root, 'files-receiver'), 'files');
    servers.push(filesReceiver);
    progress('http: starting hooklake serve');
    const hooklake = await startHooklakeProcess(join(root, 'hooklake'));
    servers.push(hooklake);
    const token = await withStore(join(root, 'hooklake'), addIntegrationWithToken);
    const urls = { receiver: receiver.url, hooklake: `${hooklake.url}/v1/hooks/${token}`, filesReceiver: filesReceiver.url };

    const pids = servers.map((server) => server.pid);
    const single = await compare(SINGLE, urls, ['receiver', 'hooklake', 'filesReceiver'], pids, progress);
    const hundred = await compare(HUNDRED, urls, ['receiver', 'hooklake'], pids, progress);
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
function throughput(id: string, name: string, summary: Summaries, min: number): BenchResult {
  return {
    id,
    name,
    meaning: `hooklake req/s ÷ group-commit receiver (appending to a log) req/s, ${CONNECTIONS} connections, durable acks`,
    value: summary.hooklake.requestsPerSecond / summary.receiver.requestsPerSecond,
    min,
    unit: 'x',
    figures: figures(summary),
  };
}

interface Summary {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  /** CPU the servers used after this side's rounds, before they were quiet again (median, ms of one core); undefined where it cannot be read. */
  readonly leftoverCpuMs: number | undefined;
  /** Rounds after which the servers were still busy when the wait gave up. */
  readonly neverQuiet: number;
}

type Side = 'receiver' | 'hooklake' | 'filesReceiver';
/** Each side's figures; the file-writing receiver's only where it ran. */
type Summaries = Partial<Record<Side, Summary>> & Record<'receiver' | 'hooklake', Summary>;
const SIDE_NAMES: Readonly<Record<Side, string>> = { receiver: 'receiver', hooklake: 'hooklake', filesReceiver: 'receiver writing a file per group' };

interface Round {
  readonly load: LoadResult;
  /** What the servers did after the load, before the next round started (undefined: not measurable here). */
  readonly after: QuietWait | undefined;
}

async function compare(scenario: Scenario, urls: Record<Side, string>, sides: readonly Side[], pids: readonly number[], progress: (line: string) => void): Promise<Summaries> {
  const runs: Record<Side, Round[]> = { receiver: [], hooklake: [], filesReceiver: [] };
  progress(`http, ${scenario.label}: warm-up, ${WARMUP_SECONDS} s each`);
  for (const side of sides) {
    await load(side, urls[side], scenario, WARMUP_SECONDS);
    await waitUntilQuiet(pids);
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const side of sides) {
      progress(`http, ${scenario.label}: round ${round}/${ROUNDS}, ${SIDE_NAMES[side]}, ${CONNECTIONS} connections, ${ROUND_SECONDS} s`);
      const result = await load(side, urls[side], scenario, ROUND_SECONDS);
      runs[side].push({ load: result, after: await waitUntilQuiet(pids) });
    }
  }
  const summaries = Object.fromEntries(sides.map((side) => [side, summarize(runs[side])]));
  return summaries as Summaries;
}

async function load(side: Side, url: string, scenario: Scenario, seconds: number): Promise<LoadResult> {
  const result = await runLoad({ url, body: scenario.body, connections: CONNECTIONS, seconds });
  if (result.failed > 0) throw new Error(`${result.failed} of ${result.total} requests to the ${SIDE_NAMES[side]} failed (${scenario.label})`);
  return result;
}

function summarize(runs: readonly Round[]): Summary {
  return {
    requestsPerSecond: median(runs.map((run) => run.load.requestsPerSecond)),
    p99Ms: median(runs.map((run) => run.load.p99Ms)),
    leftoverCpuMs: runs.every((run) => run.after !== undefined) ? median(runs.map((run) => run.after?.cpuMs ?? 0)) : undefined,
    neverQuiet: runs.filter((run) => run.after?.quiet === false).length,
  };
}

function figures(summary: Summaries): string {
  const side = (name: Side, of: Summary) => `${SIDE_NAMES[name]} ${of.requestsPerSecond.toFixed(0)} req/s, p99 ${of.p99Ms} ms`;
  const files = summary.filesReceiver;
  const reference = files === undefined ? '' : `; for comparison, the ${side('filesReceiver', files)} (hooklake ${(summary.hooklake.requestsPerSecond / files.requestsPerSecond).toFixed(2)}x of it)`;
  const left = summary.hooklake;
  const settled = left.neverQuiet > 0 ? `; after ${left.neverQuiet} of its rounds they were still busy when the next began, 30 s on` : ', all before the next round began';
  const leftover = left.leftoverCpuMs === undefined ? '' : `; after each of hooklake's rounds the servers used ${(left.leftoverCpuMs / 1000).toFixed(2)} s more CPU (median; hooklake applying its log and merging the lake's files)${settled}`;
  return `${side('hooklake', summary.hooklake)}; ${side('receiver', summary.receiver)}${reference} (medians of ${ROUNDS} rounds of ${ROUND_SECONDS} s)${leftover}`;
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
