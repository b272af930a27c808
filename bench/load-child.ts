/**
 * Runs autocannon in its own process, so the load generator does not share an event loop (or a
 * core) with the server it measures. Receives a LoadRequest, answers with a LoadResult.
 */
import autocannon from 'autocannon';
import type { LoadRequest, LoadResult } from './load';

process.once('message', (request: LoadRequest) => {
  void (async () => {
    const options = {
      url: request.url,
      method: 'POST' as const,
      body: request.body,
      headers: { 'content-type': 'application/json' },
      connections: request.connections,
    };
    const result = await autocannon({ ...options, duration: request.seconds });
    const answer: LoadResult = {
      requestsPerSecond: result.requests.average,
      p99Ms: result.latency.p99,
      failed: result.non2xx + result.errors + result.timeouts,
      total: result.requests.total,
    };
    process.send!(answer, () => process.exit(0));
  })().catch((error: unknown) => {
    process.stderr.write(`load child failed: ${String(error)}\n`);
    process.exit(1);
  });
});
