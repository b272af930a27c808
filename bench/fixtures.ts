/**
 * What the benchmarks feed Hooklake: webhook bodies shaped like an email provider's events, and an
 * ingest use case wired to an in-memory store holding one integration and its token.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { newIntegration } from '../lambdas/core/integration';
import { sequenceGenerator } from '../lambdas/core/sequence';
import { DEFAULT_MAX_RECORD_BYTES } from '../lambdas/core/stamp';
import { issueToken, MAX_ACTIVE_TOKENS } from '../lambdas/core/tokens';
import { createIngestWebhook, type IngestWebhook } from '../lambdas/app/ingest-webhook';
import type { AppLogger, IntegrationStore, RecordSink } from '../lambdas/app/ports';
import { MemoryStore } from '../test/support/memory-store';

export const PRIMARY_KEY = 'messageId';
/** Logging is not what is measured; a logger that writes would time stdout instead. */
export const quietLogger: AppLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
/** Keeps nothing: isolates the handler's own cost from storage. */
export const discardSink: RecordSink = { write: async () => ({ rejected: 0 }) };

export function sampleEvent(i: number): object {
  return {
    [PRIMARY_KEY]: `msg-${i}`,
    event: i % 3 === 0 ? 'email_click' : 'email_open',
    email: `user${i}@example.com`,
    createdAt: '2026-11-23T10:00:00Z',
    campaignId: 1000 + (i % 50),
    dataFields: { subject: 'Your November update', tags: ['newsletter', 'monthly'] },
  };
}

/** Each event is serialized as it is made, so building a large body never holds all the objects at once. */
function eventLines(count: number): string[] {
  return Array.from({ length: count }, (_, i) => JSON.stringify(sampleEvent(i)));
}

export const arrayBody = (count: number): string => `[${eventLines(count).join(',')}]`;
export const ndjsonBody = (count: number): string => eventLines(count).join('\n');

/** Creates an integration keyed on PRIMARY_KEY in `store` and returns a working webhook token. */
export async function addIntegrationWithToken(store: IntegrationStore): Promise<string> {
  const integration = newIntegration({ name: 'Bench Events', primaryKey: PRIMARY_KEY }, new Date());
  await store.createIntegration(integration);
  const issued = issueToken(integration.schema, randomBytes, new Date());
  await store.addToken(issued.record, MAX_ACTIVE_TOKENS);
  return issued.token;
}

/** The production ingest use case, as start-local wires it, on the given sink and (by default) an in-memory store. */
export async function benchHandler(sink: RecordSink, store: IntegrationStore = new MemoryStore()): Promise<{ handler: IngestWebhook; token: string; store: IntegrationStore }> {
  const token = await addIntegrationWithToken(store);
  const handler = createIngestWebhook({
    store,
    sink,
    logger: quietLogger,
    clock: () => new Date(),
    nextSequence: sequenceGenerator(Date.now),
    uuid: randomUUID,
    maxBodyBytes: 20 * 1024 * 1024,
    maxRecordBytes: DEFAULT_MAX_RECORD_BYTES,
  });
  return { handler, token, store };
}
