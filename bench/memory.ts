/**
 * Peak memory of the local server (`hooklake serve` as `npm start` runs it, in its own process)
 * under issue 9's burst: 64 concurrent 5 MB bodies, each retried after its Retry-After when the
 * server turns it away, until all are stored. The figure is the server's peak RSS (VmHWM) less the
 * issue's 100 MB allowance, per byte of bodies in flight; the target is at most 4.
 *
 * Bytes in flight: the server's budget (its default cap) or, if smaller, the most bytes of bodies
 * that were at once between being sent and being answered 200 as the client saw it, which is at
 * least what the server held.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_MAX_BYTES_IN_FLIGHT } from '../local/in-flight-budget';
import { openLocalStore } from '../local/local-store';
import { addIntegrationWithToken, arrayBody, sampleEvent } from './fixtures';
import { startHooklakeProcess } from './processes';
import { mib } from './stats';
import type { BenchResult } from './target';

const BODIES = 64;
const BODY_BYTES = 5 * 1024 * 1024;
const ALLOWANCE_BYTES = 100 * 1024 * 1024;

export async function benchMemory(progress: (line: string) => void): Promise<BenchResult> {
  const root = await mkdtemp(join(tmpdir(), 'hooklake-bench-mem-'));
  const dataDir = join(root, 'hooklake');
  const server = await startHooklakeProcess(dataDir);
  try {
    const local = await openLocalStore(dataDir);
    const token = await addIntegrationWithToken(local.store).finally(() => local.close());
    const url = `${server.url}/v1/hooks/${token}`;
    const eventBytes = JSON.stringify(sampleEvent(0)).length + 1;
    const body = arrayBody(Math.round(BODY_BYTES / eventBytes));
    // Warm-up: the integration's columns registered, the hot code compiled.
    await post(url, arrayBody(10));
    const idleRss = await rssOf(server.pid, 'VmRSS');

    progress(`memory: ${BODIES} concurrent ${mib(body.length)} bodies to hooklake serve (default cap ${mib(DEFAULT_MAX_BYTES_IN_FLIGHT)} in flight), 503s retried`);
    const intervals: [number, number][] = [];
    let refused = 0;
    let cut = 0;
    await Promise.all(
      Array.from({ length: BODIES }, async () => {
        for (;;) {
          const started = performance.now();
          // On a machine this busy an upload can pass the server's 30 s request timeout, which answers 408 and
          // closes the connection mid-body (a network error to fetch): as a provider would, send it again.
          const response = await post(url, body).catch((error: unknown) => {
            cut += 1;
            progress(`memory: a connection was cut (${String((error as { cause?: unknown }).cause ?? error)}); sending again`);
            return undefined;
          });
          if (response === undefined || response.status === 408) {
            if (response !== undefined) cut += 1;
            continue;
          }
          if (response.status === 200) {
            intervals.push([started, performance.now()]);
            return;
          }
          if (response.status !== 503) throw new Error(`hooklake answered ${response.status}: ${await response.text()}`);
          refused += 1;
          await sleep(Number(response.headers.get('retry-after') ?? '1') * 1000);
        }
      }),
    );
    const peakRss = await rssOf(server.pid, 'VmHWM');
    const inFlight = Math.min(DEFAULT_MAX_BYTES_IN_FLIGHT, mostAtOnce(intervals) * body.length);
    return {
      id: 'memory-burst',
      name: 'Peak RSS, 64 concurrent 5 MB bodies',
      meaning: 'hooklake serve peak RSS − 100 MB, ÷ body bytes in flight (capped)',
      value: (peakRss - ALLOWANCE_BYTES) / inFlight,
      unit: 'x',
      max: 4,
      figures: `peak RSS ${mib(peakRss)} (idle ${mib(idleRss)}); ${mib(inFlight)} in flight at most; ${refused} answers were 503 and retried, ${cut} uploads cut (408 or reset) and sent again; all ${BODIES} bodies stored`,
    };
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
}

function post(url: string, body: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

/** The most intervals that overlap at one instant. */
function mostAtOnce(intervals: readonly [number, number][]): number {
  const edges = intervals.flatMap(([start, end]) => [[start, 1], [end, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, step] of edges) most = Math.max(most, (open += step));
  return most;
}

async function rssOf(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
  if (kib === undefined) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kib) * 1024;
}
