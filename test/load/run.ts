/**
 * `npm run test:load`: evidence that nothing acknowledged is lost, on the local runtime as users run
 * it (`hooklake serve` in its own process, its embedded store, fsync'd lake files), not part of `npm test`.
 *
 *   1. load: at least 100,000 events over 64 connections (single objects, 100-event arrays, NDJSON);
 *      every answer must be a 200, and the lake must hold exactly the rows acknowledged.
 *   2. crash: the same load, the server killed with SIGKILL part-way and started again on the same
 *      data directory while the clients keep sending (resending what was not acknowledged, as
 *      providers do); every acknowledged row must be in the lake, every lake file readable, and the
 *      restarted server must take webhooks.
 *
 * Progress goes to stderr, figures to stdout; the exit code is 1 when any check fails.
 * `--events N` sets the events of the load run (default 100,000; the crash run sends 40% of it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHooklakeProcess, type ServerProcess } from '../../bench/processes';
import { hooklakeProcess } from '../support/cli-process';
import { checkLakeFiles } from './lake-files-check';
import { percentile, planRequests, runLoad, type LoadTally } from './webhook-load';

const CONNECTIONS = 64;
const SCHEMA = 'load_test';

const progress = (line: string) => process.stderr.write(`[test:load] ${line}\n`);
const failures: string[] = [];
function check(ok: boolean, what: string): void {
  progress(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

async function hooklake(dataDir: string, ...argv: string[]): Promise<string> {
  const result = await hooklakeProcess(['--data-dir', dataDir, ...argv]);
  if (result.code !== 0) throw new Error(`hooklake ${argv.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

async function countRows(dataDir: string): Promise<number> {
  const [{ n }] = JSON.parse(await hooklake(dataDir, 'query', `SELECT count(*) AS n FROM ${SCHEMA}.data`, '--json')) as { n: number }[];
  return n;
}

/** Rows per request id in `data`, as `hooklake query` reads the lake. */
async function rowsByRequest(dataDir: string): Promise<Map<number, number>> {
  const rows = JSON.parse(await hooklake(dataDir, 'query', `SELECT req, count(*) AS n FROM ${SCHEMA}.data GROUP BY req`, '--json')) as { req: number; n: number }[];
  return new Map(rows.map(({ req, n }) => [req, n]));
}

function summarize(label: string, tally: LoadTally, seconds: number): void {
  const sorted = tally.answered.map((answer) => answer.ms).sort((a, b) => a - b);
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  const statuses = [...tally.statuses].map(([status, n]) => `${status}: ${n}`).join(', ') || 'none';
  process.stdout.write(
    `${label}: ${tally.acknowledgedRows.toLocaleString('en-US')} events in ${tally.answered.length.toLocaleString('en-US')} requests acknowledged in ${seconds.toFixed(1)} s` +
      ` = ${Math.round(tally.acknowledgedRows / seconds).toLocaleString('en-US')} events/s, ${Math.round(tally.answered.length / seconds).toLocaleString('en-US')} requests/s` +
      ` over ${CONNECTIONS} connections\n` +
      `${label}: latency p50 ${fmt(percentile(sorted, 50))}, p90 ${fmt(percentile(sorted, 90))}, p99 ${fmt(percentile(sorted, 99))}, max ${fmt(sorted.at(-1) ?? Number.NaN)};` +
      ` non-2xx answers: ${statuses}; network errors: ${tally.networkErrors}\n`,
  );
}

async function loadRun(dataDir: string, url: string, events: number): Promise<void> {
  progress(`load: sending ${events.toLocaleString('en-US')} events over ${CONNECTIONS} connections`);
  const requests = planRequests(0, events);
  const started = Date.now();
  let reported = 0;
  const tally = await runLoad({ url: async () => url }, requests, {
    connections: CONNECTIONS,
    onAnswered: (so) => {
      if (so.acknowledgedRows - reported >= 20_000) progress(`load: ${(reported = so.acknowledgedRows).toLocaleString('en-US')} events acknowledged`);
    },
  });
  summarize('load', tally, (Date.now() - started) / 1000);
  const fiveXx = [...tally.statuses].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
  check(fiveXx === 0 && tally.networkErrors === 0 && tally.statuses.size === 0, `load: every answer a 200 (5xx: ${fiveXx}, other non-2xx: ${tally.statuses.size - (fiveXx > 0 ? 1 : 0)}, network errors: ${tally.networkErrors})`);
  check(tally.answered.length === requests.length, `load: all ${requests.length} requests acknowledged`);
  const lake = await rowsByRequest(dataDir);
  const inLake = await countRows(dataDir);
  process.stdout.write(`load: rows in the lake ${inLake.toLocaleString('en-US')}, rows acknowledged ${tally.acknowledgedRows.toLocaleString('en-US')}\n`);
  check(inLake === tally.acknowledgedRows, `load: rows in the lake (${inLake}) == rows acknowledged (${tally.acknowledgedRows})`);
  check(tally.answered.every(({ request }) => lake.get(request.req) === request.rows), 'load: each request has exactly its rows in the lake');
}

async function crashRun(dataDir: string, first: ServerProcess, token: string, events: number): Promise<ServerProcess> {
  const requests = planRequests(10_000_000, events);
  const killAt = Math.floor(events * 0.4);
  progress(`crash: sending ${events.toLocaleString('en-US')} events; SIGKILL once ${killAt.toLocaleString('en-US')} are acknowledged`);
  let server = first;
  let up: Promise<string> = Promise.resolve(`${first.url}/v1/hooks/${token}`);
  let killed: { acknowledgedRows: number; restart: Promise<void> } | undefined;
  let restartMs = 0;
  const started = Date.now();
  const tally = await runLoad({ url: () => up }, requests, {
    connections: CONNECTIONS,
    onAnswered: (so) => {
      if (killed !== undefined || so.acknowledgedRows < killAt) return;
      process.kill(first.pid, 'SIGKILL');
      progress(`crash: SIGKILL sent to hooklake serve (pid ${first.pid}) with ${so.acknowledgedRows.toLocaleString('en-US')} events acknowledged`);
      const restart = (async () => {
        await first.close();
        const files = await checkLakeFiles(join(dataDir, 'lake'));
        progress(`crash: after the kill, ${files.files} lake files, ${files.unreadable.length} unreadable, ${files.temporary.length} temporary files left`);
        check(files.unreadable.length === 0, `crash: no unreadable lake file after SIGKILL${files.unreadable.length ? `: ${files.unreadable.slice(0, 3).join('; ')}` : ''}`);
        const restarting = Date.now();
        server = await startHooklakeProcess(dataDir);
        restartMs = Date.now() - restarting;
        progress(`crash: hooklake serve restarted in ${restartMs} ms at ${server.url}`);
      })();
      killed = { acknowledgedRows: so.acknowledgedRows, restart };
      up = restart.then(() => `${server.url}/v1/hooks/${token}`);
    },
  });
  await killed?.restart;
  summarize('crash', tally, (Date.now() - started) / 1000);
  const resent = tally.answered.filter((answer) => answer.resends > 0).length;
  const fiveXx = [...tally.statuses].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
  process.stdout.write(`crash: restart took ${restartMs} ms; ${resent} requests were resent after a network error or 5xx\n`);
  check(killed !== undefined, 'crash: the server was killed part-way');
  check(fiveXx === 0, `crash: no 5xx answer (${fiveXx}); requests cut off by the kill are network errors, resent`);
  check(tally.acknowledgedRows > (killed?.acknowledgedRows ?? Infinity), `crash: ingestion resumed after the restart (${(tally.acknowledgedRows - (killed?.acknowledgedRows ?? 0)).toLocaleString('en-US')} more events acknowledged)`);
  const lake = await rowsByRequest(dataDir);
  const missing = tally.answered.filter(({ request }) => (lake.get(request.req) ?? 0) < request.rows);
  const duplicated = tally.answered.filter(({ request }) => (lake.get(request.req) ?? 0) > request.rows);
  const partial = tally.answered.filter(({ request }) => (lake.get(request.req) ?? 0) % request.rows !== 0);
  const inLake = [...lake].filter(([req]) => req >= 10_000_000).reduce((sum, [, n]) => sum + n, 0);
  process.stdout.write(
    `crash: rows in the lake ${inLake.toLocaleString('en-US')}, rows acknowledged ${tally.acknowledgedRows.toLocaleString('en-US')}; ` +
      `${duplicated.length} requests stored twice (in flight at the kill, stored, then resent: at-least-once)\n`,
  );
  check(missing.length === 0, `crash: every acknowledged row is in the lake (${missing.length} requests short)`);
  check(partial.length === 0, `crash: no request is in the lake in part (${partial.length})`);
  return server;
}

async function main(): Promise<void> {
  const eventsArg = process.argv.indexOf('--events');
  const events = eventsArg > 0 ? Number(process.argv[eventsArg + 1]) : 100_000;
  if (!(events > 0)) throw new Error('--events takes a positive number');
  const root = await mkdtemp(join(tmpdir(), 'hooklake-load-'));
  const dataDir = join(root, 'data');
  let server: ServerProcess | undefined;
  try {
    progress(`starting hooklake serve on ${dataDir}`);
    server = await startHooklakeProcess(dataDir);
    const created = JSON.parse(await hooklake(dataDir, 'integrations', 'create', 'Load Test', '--primary-key', 'id', '--json')) as { token: string };
    await loadRun(dataDir, `${server.url}/v1/hooks/${created.token}`, events);
    server = await crashRun(dataDir, server, created.token, Math.round(events * 0.4));
    await server.close();
    server = undefined;
    const files = await checkLakeFiles(join(dataDir, 'lake'));
    progress(`end: ${files.files} lake files, ${files.unreadable.length} unreadable, ${files.temporary.length} temporary`);
    check(files.unreadable.length === 0, 'end: every lake file is readable');
    check(files.temporary.length === 0, 'end: no temporary file left after the restart and a clean stop');
  } finally {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  }
  process.stdout.write(failures.length === 0 ? 'test:load: all checks passed\n' : `test:load: ${failures.length} checks failed:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`[test:load] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
