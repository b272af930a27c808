/**
 * A kill -9 torture of the local server's write-ahead log, its apply and its compaction: `hooklake serve`
 * runs as its own process on one data directory, takes single-event and array webhooks from concurrent
 * clients (every event with an id of its own), and is killed with SIGKILL at a random moment, over and
 * over; between kills, the next start (or a `hooklake query` with no server running) applies what the
 * log held. The ledger records which requests got a 200; the checks then read the lake and the raw
 * archive as a user would and say which acknowledged row is missing or any row is there twice.
 *
 * Used by test/e2e/log-crash.test.ts (a few cycles) and test/load/log-crash.ts (as many as asked).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { open, readdir, readFile } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { localRawArchive } from '../../local/raw-archive-files';
import { BIN, hooklakeProcess } from './cli-process';

export const TORTURE_SCHEMA = 'crash_torture';
/** Ids are `req * ID_SPAN + k`: a request holds fewer than ID_SPAN events. */
const ID_SPAN = 10_000;

export interface TortureOptions {
  readonly dataDir: string;
  readonly cycles: number;
  readonly connections: number;
  /** The kill comes this long after a cycle's first 200, drawn evenly from [min, max). */
  readonly killAfterMs: readonly [number, number];
  readonly seed: number;
  readonly progress: (line: string) => void;
}

/** One request of the ledger: its event ids and how it ended. */
interface Sent {
  readonly req: number;
  readonly ids: readonly number[];
  /** acked: a 200 naming all its records; refused: any other answer; unanswered: the connection failed first. */
  outcome: 'pending' | 'acked' | 'refused' | 'unanswered';
}

export interface CycleReport {
  readonly cycle: number;
  readonly killAfterMs: number;
  /** What followed the kill: the next start, or a `hooklake query` with no server first. */
  readonly recovery: 'restart' | 'query';
  /** When a start was killed too before the next one, this long after it was spawned. */
  readonly startKilledAfterMs?: number;
  readonly requests: number;
  readonly ackedRequests: number;
  readonly ackedRows: number;
  readonly unanswered: number;
  readonly refused: number;
  /** Log segments and lake files left on disk right after the kill. */
  readonly segmentsAfterKill: number;
  /** Checked when the recovery was a query: acknowledged ids missing, ids found twice or more. */
  readonly midCheck?: RowCheck;
}

export interface RowCheck {
  readonly rows: number;
  readonly distinctIds: number;
  readonly missing: number[];
  readonly duplicated: number[];
  /** Requests with some but not all of their rows. */
  readonly partial: number[];
}

export interface ArchiveCheck {
  readonly files: number;
  readonly requests: number;
  /** Acknowledged requests not in the archive. */
  readonly missing: number[];
  /** Requests archived more than once. */
  readonly duplicated: number[];
  /** Sequences on more than one archived request. */
  readonly sharedSequences: number;
  readonly incomplete: number;
  /** Requests whose rows are in the lake but not in the archive, or the other way round. */
  readonly disagreeing: number[];
}

export interface TortureReport {
  readonly cycles: CycleReport[];
  readonly final: RowCheck;
  readonly archive: ArchiveCheck;
  readonly ackedRows: number;
  readonly ackedRequests: number;
  /** Segments left in the log after the clean stop (a clean stop applies them all). */
  readonly segmentsAfterStop: number;
  /** The final clean stop's exit code. */
  readonly stopCode: number | null;
}

/** A small seeded generator (mulberry32): a failing run can be drawn again from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

/** `hooklake serve --port 0` on `dataDir` as users run it, its output appended to `log`. */
async function spawnServer(dataDir: string, log: string): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const out = await open(log, 'a');
  const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, 'serve', '--port', '0'], { stdio: ['ignore', out.fd, out.fd] });
  await out.close();
  return { child, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

/** Starts the server; resolves once its server.json names it. */
async function startServer(dataDir: string, log: string): Promise<Server> {
  const { child, exited } = await spawnServer(dataDir, log);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`hooklake serve exited (${child.exitCode ?? child.signalCode}); see ${log}`);
    // Read while the server writes it, the file can be empty or cut short: read again.
    const info = await readFile(join(dataDir, 'server.json'), 'utf8').then((text) => JSON.parse(text) as { pid?: number; url?: string }).catch(() => undefined);
    if (info !== undefined && info.pid === child.pid && info.url !== undefined) return { child, url: info.url, exited };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill('SIGKILL');
  throw new Error(`hooklake serve did not start in 30 s; see ${log}`);
}

/** Starts the server and kills it `afterMs` later, ready or not: a crash while it applies what the last one left. */
async function killWhileStarting(dataDir: string, log: string, afterMs: number): Promise<void> {
  const { child, exited } = await spawnServer(dataDir, log);
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  child.kill('SIGKILL');
  await exited;
}

async function hooklake(dataDir: string, ...argv: string[]): Promise<string> {
  const result = await hooklakeProcess(['--data-dir', dataDir, ...argv]);
  if (result.code !== 0) throw new Error(`hooklake ${argv.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

/** The body of request `req`: one event, an array of a few, now and then one large enough to be packed (over 256 KB). */
function planBody(req: number, random: () => number): { ids: number[]; body: string } {
  const draw = random();
  const events = draw < 0.5 ? 0 : draw < 0.98 ? 2 + Math.floor(random() * 30) : 900;
  const pad = 'x'.repeat(Math.floor(random() * 300));
  const ids = Array.from({ length: Math.max(events, 1) }, (_, k) => req * ID_SPAN + k);
  const event = (id: number) => ({ id, req, pad, at: '2024-05-01T00:00:00Z' });
  return { ids, body: JSON.stringify(events === 0 ? event(ids[0]) : ids.map(event)) };
}

/** Posts `body`; resolves with the status and body of the answer, or undefined when the connection failed first. */
function post(url: URL, agent: Agent, body: string): Promise<{ status: number; text: string } | undefined> {
  return new Promise((resolve) => {
    const request = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', () => resolve(undefined));
    });
    request.on('error', () => resolve(undefined));
    request.end(body);
  });
}

/** Clients send requests one after another until `stopped()`; every request lands in `ledger`. `onAck` is called at each 200. */
async function sendUntil(webhookUrl: string, connections: number, nextReq: () => number, random: () => number, ledger: Map<number, Sent>, stopped: () => boolean, onAck: () => void = () => undefined): Promise<void> {
  const url = new URL(webhookUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const client = async () => {
    while (!stopped()) {
      const req = nextReq();
      const { ids, body } = planBody(req, random);
      const sent: Sent = { req, ids, outcome: 'pending' };
      ledger.set(req, sent);
      const answer = await post(url, agent, body);
      if (answer === undefined) sent.outcome = 'unanswered';
      else if (answer.status === 200 && (JSON.parse(answer.text) as { records?: number }).records === ids.length) {
        sent.outcome = 'acked';
        onAck();
      }
      else sent.outcome = 'refused';
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  agent.destroy();
}

async function countSegments(dataDir: string): Promise<number> {
  return (await readdir(join(dataDir, 'wal')).catch(() => [] as string[])).filter((name) => name.endsWith('.log')).length;
}

/** Reads every row's id through `hooklake query` (no server running: it applies the log first) and compares with the ledger. */
async function checkRows(dataDir: string, ledger: ReadonlyMap<number, Sent>): Promise<RowCheck> {
  const [counts] = JSON.parse(await hooklake(dataDir, 'query', `SELECT count(*) AS n, count(DISTINCT id) AS ids FROM ${TORTURE_SCHEMA}.data`, '--json')) as { n: number; ids: number }[];
  const rows = JSON.parse(await hooklake(dataDir, 'query', `SELECT id, count(*) AS n FROM ${TORTURE_SCHEMA}.data GROUP BY id`, '--json')) as { id: number | string; n: number | string }[];
  const found = new Map(rows.map(({ id, n }) => [Number(id), Number(n)]));
  const missing: number[] = [];
  const partial: number[] = [];
  for (const sent of ledger.values()) {
    const present = sent.ids.filter((id) => found.has(id)).length;
    if (sent.outcome === 'acked' && present < sent.ids.length) missing.push(...sent.ids.filter((id) => !found.has(id)));
    if (present > 0 && present < sent.ids.length) partial.push(sent.req);
  }
  const duplicated = [...found].filter(([, n]) => n > 1).map(([id]) => id);
  return { rows: Number(counts.n), distinctIds: Number(counts.ids), missing, duplicated, partial };
}

/** Reads the raw archive as a replay does and compares it with the ledger and with the rows found. */
async function checkArchive(dataDir: string, ledger: ReadonlyMap<number, Sent>, rowsFound: ReadonlySet<number>): Promise<ArchiveCheck> {
  const archive = localRawArchive(dataDir);
  const files = await archive.listFiles(TORTURE_SCHEMA, '0000-01-01', '9999-12-31');
  const perReq = new Map<number, number>();
  const sequences = new Map<bigint, number>();
  let incomplete = 0;
  let requests = 0;
  for (const file of files) {
    const joined = await archive.readFile(file);
    incomplete += joined.incomplete;
    for (const request of joined.requests) {
      requests++;
      const parsed = JSON.parse(request.body) as { req: number } | { req: number }[];
      const req = Array.isArray(parsed) ? parsed[0].req : parsed.req;
      perReq.set(req, (perReq.get(req) ?? 0) + 1);
      sequences.set(request.sequence, (sequences.get(request.sequence) ?? 0) + 1);
    }
  }
  const missing = [...ledger.values()].filter((sent) => sent.outcome === 'acked' && !perReq.has(sent.req)).map((sent) => sent.req);
  const duplicated = [...perReq].filter(([, n]) => n > 1).map(([req]) => req);
  const disagreeing = [...ledger.values()].filter((sent) => perReq.has(sent.req) !== rowsFound.has(sent.ids[0])).map((sent) => sent.req);
  return { files: files.length, requests, missing, duplicated, sharedSequences: [...sequences.values()].filter((n) => n > 1).length, incomplete, disagreeing };
}

/** Runs the torture on a fresh data directory; the checks are the caller's (see the report's fields). */
export async function runCrashTorture(options: TortureOptions): Promise<TortureReport> {
  const { dataDir, progress } = options;
  const random = seededRandom(options.seed);
  const log = join(dataDir, '..', 'hooklake-serve.log');
  const ledger = new Map<number, Sent>();
  let req = 1;
  const cycles: CycleReport[] = [];

  let server = await startServer(dataDir, log);
  const created = JSON.parse(await hooklake(dataDir, 'integrations', 'create', 'Crash Torture', '--json')) as { token: string };
  const hookPath = `/v1/hooks/${created.token}`;
  try {
    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      const killAfterMs = Math.round(options.killAfterMs[0] + random() * (options.killAfterMs[1] - options.killAfterMs[0]));
      const firstReq = req;
      let killed = false;
      let firstAck: () => void = () => undefined;
      const acking = new Promise<void>((resolve) => (firstAck = resolve));
      const load = sendUntil(`${server.url}${hookPath}`, options.connections, () => req++, random, ledger, () => killed, () => firstAck());
      // Counted from the cycle's first 200, so every cycle has acknowledged something however slow the machine.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`cycle ${cycle}: no 200 in 30 s; see ${log}`)), 30_000)));
      await Promise.race([acking, late]).finally(() => clearTimeout(timer));
      await new Promise((resolve) => setTimeout(resolve, killAfterMs));
      server.child.kill('SIGKILL');
      killed = true;
      await server.exited;
      await load;
      const segmentsAfterKill = await countSegments(dataDir);
      const sent = [...ledger.values()].filter((entry) => entry.req >= firstReq);
      const acked = sent.filter((entry) => entry.outcome === 'acked');
      const recovery = cycle % 2 === 0 ? 'query' : 'restart';
      const midCheck = recovery === 'query' ? await checkRows(dataDir, ledger) : undefined;
      // Every other restart, a start killed first (it is ready ~0.3 s after it is spawned): at boot, while it
      // applies what the log holds, or as it begins to compact.
      const startKilledAfterMs = recovery === 'restart' && cycle % 4 === 3 ? Math.round(random() * 400) : undefined;
      if (startKilledAfterMs !== undefined) await killWhileStarting(dataDir, log, startKilledAfterMs);
      const report: CycleReport = {
        cycle,
        killAfterMs,
        recovery,
        requests: sent.length,
        ackedRequests: acked.length,
        ackedRows: acked.reduce((sum, entry) => sum + entry.ids.length, 0),
        unanswered: sent.filter((entry) => entry.outcome === 'unanswered').length,
        refused: sent.filter((entry) => entry.outcome === 'refused').length,
        segmentsAfterKill,
        ...(midCheck && { midCheck }),
        ...(startKilledAfterMs !== undefined && { startKilledAfterMs }),
      };
      cycles.push(report);
      progress(
        `cycle ${cycle}: killed after ${killAfterMs} ms; ${report.requests} requests, ${report.ackedRequests} acked (${report.ackedRows} rows), ` +
          `${report.unanswered} unanswered, ${report.refused} refused; ${segmentsAfterKill} log segments left` +
          (startKilledAfterMs !== undefined ? `; the next start killed after ${startKilledAfterMs} ms` : '') +
          (midCheck ? `; query with no server: ${midCheck.rows} rows, ${midCheck.missing.length} acked missing, ${midCheck.duplicated.length} duplicated, ${midCheck.partial.length} partial` : ''),
      );
      server = await startServer(dataDir, log);
    }
    // A last load with no kill, then a clean stop: the final state a user would query.
    let stopping = false;
    const load = sendUntil(`${server.url}${hookPath}`, options.connections, () => req++, random, ledger, () => stopping);
    await new Promise((resolve) => setTimeout(resolve, 300));
    stopping = true;
    await load;
    server.child.kill('SIGTERM');
    const stopCode = await server.exited;
    const segmentsAfterStop = await countSegments(dataDir);
    const final = await checkRows(dataDir, ledger);
    const idsFound = new Set<number>(JSON.parse(await hooklake(dataDir, 'query', `SELECT DISTINCT id FROM ${TORTURE_SCHEMA}.data`, '--json')).map((row: { id: number | string }) => Number(row.id)));
    const archive = await checkArchive(dataDir, ledger, idsFound);
    const acked = [...ledger.values()].filter((entry) => entry.outcome === 'acked');
    return { cycles, final, archive, ackedRequests: acked.length, ackedRows: acked.reduce((sum, entry) => sum + entry.ids.length, 0), segmentsAfterStop, stopCode };
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }
}
