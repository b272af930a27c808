/**
 * CPU per request of the ingest handler in-process (token check on an in-memory store, decode,
 * stamping, a sink that keeps nothing) against the least any JSON receiver does with the same body:
 * JSON.parse it and JSON.stringify it back. The ratio is the handler's cost in "JSON passes".
 */
import { performance } from 'node:perf_hooks';
import { webhookRequest } from '../test/support/webhook-requests';
import { arrayBody, benchHandler, discardSink, ndjsonBody } from './fixtures';
import type { BenchResult } from './target';
import { median } from './stats';

const EVENTS_PER_REQUEST = 100;
const BLOCKS = 15;
const REQUESTS_PER_BLOCK = 150;

type Format = 'array' | 'ndjson';

export async function benchHandlerCpu(progress: (line: string) => void): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const format of ['array', 'ndjson'] as const) {
    progress(`handler CPU, ${format} bodies: ${BLOCKS} blocks of ${REQUESTS_PER_BLOCK} requests, baseline and handler interleaved`);
    results.push(await measureFormat(format));
  }
  return results;
}

async function measureFormat(format: Format): Promise<BenchResult> {
  const { handler, token } = await benchHandler(discardSink);
  const body = format === 'array' ? arrayBody(EVENTS_PER_REQUEST) : ndjsonBody(EVENTS_PER_REQUEST);
  const contentType = format === 'array' ? 'application/json' : 'application/x-ndjson';
  const request = webhookRequest({ token, body, headers: { 'content-type': contentType } });

  let sink = 0; // keeps the baseline's results alive so the JIT cannot drop the work
  const baseline = async () => {
    if (format === 'array') sink += JSON.stringify(JSON.parse(body)).length;
    else for (const line of body.split('\n')) sink += JSON.stringify(JSON.parse(line)).length;
  };
  const measured = async () => {
    const response = await handler(request);
    if (response.statusCode !== 200) throw new Error(`handler answered ${response.statusCode}: ${response.body}`);
  };

  // Warm-up, so both sides are optimized before timing starts.
  await timeRequests(baseline, 300);
  await timeRequests(measured, 300);
  // Interleaved blocks: both sides see the same machine load; one ratio per block.
  const ratios: number[] = [];
  const baselineMs: number[] = [];
  const handlerMs: number[] = [];
  for (let block = 0; block < BLOCKS; block++) {
    baselineMs.push(await timeRequests(baseline, REQUESTS_PER_BLOCK));
    handlerMs.push(await timeRequests(measured, REQUESTS_PER_BLOCK));
    ratios.push(handlerMs[block] / baselineMs[block]);
  }
  if (sink === 0) throw new Error('baseline did no work');
  const usPerRequest = (ms: number[]) => ((median(ms) / REQUESTS_PER_BLOCK) * 1000).toFixed(0);
  return {
    id: `handler-cpu-${format}`,
    name: `Handler CPU per request (${format})`,
    meaning: `handler time ÷ JSON.parse + JSON.stringify time, ${EVENTS_PER_REQUEST}-event ${format} body, median of ${BLOCKS} blocks`,
    value: median(ratios),
    unit: 'x',
    // Measured 2.8-3.2 (array) and 2.2-2.5 (ndjson) on a 2-core VM, the column mapping included: parse,
    // the walk over every leaf, one native serialization per row, GC, the token hash and UTF-8
    // checks. 6x leaves room for noise and still catches another full pass or a quadratic step.
    max: 6,
    figures: `handler ${usPerRequest(handlerMs)} µs/request; baseline ${usPerRequest(baselineMs)} µs/request (${(body.length / 1024).toFixed(1)} KiB body)`,
  };
}

async function timeRequests(work: () => Promise<void>, count: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) await work();
  return performance.now() - start;
}
