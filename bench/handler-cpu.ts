/**
 * CPU per request of the ingest use case in-process (token check on an in-memory store, decode,
 * column mapping, stamping, and the gzip the lake file sink does) against the least a receiver
 * storing the same body does: JSON.parse it, JSON.stringify it back, gzipSync the text (issue 9's
 * baseline). File I/O is left out of both sides: it is the HTTP benchmark's business.
 */
import { webhookRequest } from '../test/support/webhook-requests';
import { gzipSync } from 'node:zlib';
import type { RecordSink } from '../lambdas/app/ports';
import { FAST_GZIP_LEVEL } from '../lambdas/core/lake-compaction';
import { gzipLines } from '../local/gzip-lines';
import { arrayBody, benchHandler, sampleEvent } from './fixtures';
import type { BenchResult } from './target';
import { median } from './stats';

const BLOCKS = 15;

interface Shape {
  readonly id: string;
  readonly label: string;
  readonly body: string;
  readonly requestsPerBlock: number;
}

const SHAPES: readonly Shape[] = [
  { id: 'handler-cpu-1kb-object', label: '1 KB object', body: JSON.stringify(sampleEvent(7)), requestsPerBlock: 3000 },
  { id: 'handler-cpu-100-array', label: '100-element array of 1 KB objects', body: arrayBody(100), requestsPerBlock: 60 },
];

/**
 * What the file lake sink spends CPU on, without its file I/O: its gzip of the rows' NDJSON text, and of
 * the raw archive line (a file of its own), as a flush of this one request makes them.
 */
let gzipped = 0;
const gzipSink: RecordSink = {
  write: async (batch) => {
    gzipped += (await gzipLines(batch.rows.map((row) => row.text), FAST_GZIP_LEVEL)).length;
    if (batch.raw !== undefined) gzipped += (await gzipLines([batch.raw.text], FAST_GZIP_LEVEL)).length;
    return { rejected: 0 };
  },
};

export async function benchHandlerCpu(progress: (line: string) => void): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const shape of SHAPES) {
    progress(`handler CPU, ${shape.label}: ${BLOCKS} blocks of ${shape.requestsPerBlock} requests, baseline and handler interleaved`);
    results.push(await measureShape(shape));
  }
  return results;
}

async function measureShape(shape: Shape): Promise<BenchResult> {
  const { handler, token } = await benchHandler(gzipSink);
  const { body } = shape;
  const request = webhookRequest({ token, body, headers: { 'content-type': 'application/json' } });

  let sink = 0; // keeps the baseline's results alive so the JIT cannot drop the work
  const baseline = async () => {
    sink += gzipSync(JSON.stringify(JSON.parse(body))).length;
  };
  const measured = async () => {
    const response = await handler(request);
    if (response.statusCode !== 200) throw new Error(`handler answered ${response.statusCode}: ${response.body}`);
  };

  // Warm-up, so both sides are optimized before timing starts.
  await timeRequests(baseline, shape.requestsPerBlock * 2);
  await timeRequests(measured, shape.requestsPerBlock * 2);
  // Interleaved blocks: both sides see the same machine load; one ratio per block.
  const ratios: number[] = [];
  const baselineMs: number[] = [];
  const handlerMs: number[] = [];
  for (let block = 0; block < BLOCKS; block++) {
    baselineMs.push(await timeRequests(baseline, shape.requestsPerBlock));
    handlerMs.push(await timeRequests(measured, shape.requestsPerBlock));
    ratios.push(handlerMs[block] / baselineMs[block]);
  }
  if (sink === 0 || gzipped === 0) throw new Error('a side did no work');
  const usPerRequest = (ms: number[]) => ((median(ms) / shape.requestsPerBlock) * 1000).toFixed(0);
  return {
    id: shape.id,
    name: `Ingest CPU per request, ${shape.label}`,
    meaning: `use case time ÷ JSON.parse + JSON.stringify + gzipSync time, median of ${BLOCKS} blocks`,
    value: median(ratios),
    unit: 'x',
    // Issue 9's target, as it is.
    max: 2,
    figures: `handler ${usPerRequest(handlerMs)} µs/request; baseline ${usPerRequest(baselineMs)} µs/request (${(body.length / 1024).toFixed(1)} KiB body)`,
  };
}

/**
 * CPU milliseconds of `count` runs of `work`, of every thread of the process: the sink's gzip of a
 * large flush runs on libuv's thread pool, and the wait for it is not CPU.
 */
async function timeRequests(work: () => Promise<void>, count: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) await work();
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}
