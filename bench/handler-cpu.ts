/**
 * CPU per request of the ingest handler in-process (decode, token check on an in-memory store,
 * stamping, a sink that keeps nothing) against the least any JSON webhook receiver does: parse the
 * body and serialize each record once. The ratio is the handler's own overhead on top of JSON.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { newIntegration } from '../lambdas/core/integration';
import { sequenceGenerator } from '../lambdas/core/sequence';
import { DEFAULT_MAX_RECORD_BYTES } from '../lambdas/core/stamp';
import { issueToken, MAX_ACTIVE_TOKENS } from '../lambdas/core/tokens';
import { createIngestHandler } from '../lambdas/ingest/ingest-handler';
import type { AppLogger, RecordSink } from '../lambdas/ports';
import { lambdaContext, webhookEvent } from '../test/support/api-events';
import { MemoryStore } from '../test/support/memory-store';
import type { RatioTarget } from './ratio';

const EVENTS_PER_REQUEST = 100;
const ROUNDS = 2000;
const quiet: AppLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const discard: RecordSink = { write: async () => ({ rejected: 0 }) };

export async function benchHandlerCpu(progress: (line: string) => void): Promise<RatioTarget> {
  const store = new MemoryStore();
  const integration = newIntegration({ name: 'Bench', primaryKey: 'messageId' }, new Date());
  await store.createIntegration(integration);
  const issued = issueToken(integration.schema, randomBytes, new Date());
  await store.addToken(issued.record, MAX_ACTIVE_TOKENS);
  const handler = createIngestHandler({
    store,
    sink: discard,
    logger: quiet,
    clock: () => new Date(),
    nextSequence: sequenceGenerator(Date.now),
    uuid: randomUUID,
    maxBodyBytes: 20 * 1024 * 1024,
    maxRecordBytes: DEFAULT_MAX_RECORD_BYTES,
  });
  const body = JSON.stringify(
    Array.from({ length: EVENTS_PER_REQUEST }, (_, i) => ({ messageId: `m${i}`, event: 'email_open', email: `u${i}@example.com`, props: { campaignId: i, tags: ['a', 'b'] } })),
  );
  const event = webhookEvent({ token: issued.token, body });

  const baseline = async () => {
    for (const record of JSON.parse(body) as unknown[]) JSON.stringify(record);
  };
  const measured = async () => {
    const response = await handler(event, lambdaContext);
    if (response.statusCode !== 200) throw new Error(`handler answered ${response.statusCode}: ${response.body}`);
  };

  progress(`handler: ${ROUNDS} requests of ${EVENTS_PER_REQUEST} events, handler and JSON baseline interleaved`);
  // Interleaved rounds so both see the same machine load; the first rounds warm the JIT.
  await timeRounds(baseline, 200);
  await timeRounds(measured, 200);
  let baselineMs = 0;
  let measuredMs = 0;
  for (let i = 0; i < 10; i++) {
    baselineMs += await timeRounds(baseline, ROUNDS / 10);
    measuredMs += await timeRounds(measured, ROUNDS / 10);
  }
  return {
    name: 'Handler CPU per request',
    meaning: `handler time ÷ JSON.parse + JSON.stringify per record, ${EVENTS_PER_REQUEST}-event bodies`,
    ratio: measuredMs / baselineMs,
    // Stamping copies each record and serializes it for its size check, and the sink serializes it
    // again; about three JSON passes plus UUIDs and bookkeeping: up to 6x leaves room for noise.
    max: 6,
    figures: `handler ${((measuredMs / ROUNDS) * 1000).toFixed(0)} µs/request; baseline ${((baselineMs / ROUNDS) * 1000).toFixed(0)} µs/request`,
  };
}

async function timeRounds(work: () => Promise<void>, rounds: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < rounds; i++) await work();
  return performance.now() - start;
}
