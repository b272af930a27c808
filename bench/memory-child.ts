/**
 * Ingests one large body in a fresh process and reports how far its peak RSS rose above the RSS
 * just before. A fresh process, because peak RSS (maxRSS) can never be reset within one.
 * Modes: "hooklake" runs the handler with the real file lake sink, as the local server does after
 * reading a body; "baseline" JSON.parses the body and JSON.stringifies it back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLakeSink } from '../local/file-lake-sink';
import { webhookRequest } from '../test/support/webhook-requests';
import { arrayBody, benchHandler, sampleEvent } from './fixtures';

export interface MemoryReport {
  readonly bodyBytes: number;
  readonly rssBeforeBytes: number;
  /** Peak RSS minus RSS before; an upper bound when the peak was already reached at start-up. */
  readonly peakGrowthBytes: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('memory-child needs --expose-gc');

async function main(mode: string, targetBytes: number): Promise<MemoryReport> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hooklake-bench-mem-'));
  try {
    const sink = new FileLakeSink(dataDir);
    const { handler, token } = await benchHandler(sink);
    const one = JSON.stringify(sampleEvent(0)).length + 1;
    const body = Buffer.from(arrayBody(Math.ceil(targetBytes / one)), 'utf8');
    // Warm-up on a small body: loads modules, creates the lake directories, compiles hot code.
    const small = Buffer.from(arrayBody(10), 'utf8');
    if (mode === 'hooklake') await handler(webhookRequest({ token, body: small }));
    else JSON.stringify(JSON.parse(small.toString('utf8')));

    gc!();
    const rssBefore = process.memoryUsage.rss();
    if (mode === 'hooklake') {
      // As the local server does: the body Buffer travels base64-encoded in the API Gateway event.
      const response = await handler(webhookRequest({ token, body }));
      if (response.statusCode !== 200) throw new Error(`handler answered ${response.statusCode}: ${response.body}`);
    } else {
      JSON.stringify(JSON.parse(body.toString('utf8')));
    }
    const peak = process.resourceUsage().maxRSS * 1024;
    await sink.close();
    return { bodyBytes: body.length, rssBeforeBytes: rssBefore, peakGrowthBytes: Math.max(0, peak - rssBefore) };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

main(process.argv[2] ?? 'hooklake', Number(process.argv[3] ?? 5 * 1024 * 1024)).then(
  (report) => process.send!(report, () => process.exit(0)),
  (error: unknown) => {
    process.stderr.write(`memory child failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
