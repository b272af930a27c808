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
import { storedCounts } from '../test/support/stored-counts';
import { IngestCounters } from '../lambdas/app/ingest-counters';
import { IntegrationCache } from '../lambdas/app/integration-cache';
import { TokenCache } from '../lambdas/app/token-cache';
import { RAW_ARCHIVE_ON } from '../lambdas/aws/raw-body-gzip';
import { LOCAL_COUNT_FLUSH_MS, LOCAL_TOKEN_CACHE_MS } from '../local/start-local';

export const PRIMARY_KEY = 'messageId';
/** Logging is not what is measured; a logger that writes would time stdout instead. */
export const quietLogger: AppLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * An email provider's event of about 1 KB (issue 9 measures with 1 KB events): nested objects, an
 * array, numbers, a boolean, and the long strings (URLs, user agents) such events carry.
 */
export function sampleEvent(i: number): object {
  return {
    [PRIMARY_KEY]: `msg-${i}-7f3c2a9e4b1d`,
    event: i % 3 === 0 ? 'email_click' : 'email_open',
    email: `user${i}@example.com`,
    createdAt: '2026-11-23T10:00:00Z',
    campaignId: 1000 + (i % 50),
    templateId: 52_000 + (i % 7),
    isTest: false,
    dataFields: {
      subject: 'Your November update: new features, fewer clicks',
      tags: ['newsletter', 'monthly', 'product'],
      url: `https://links.example.com/c/${i}?utm_source=newsletter&utm_medium=email&utm_campaign=nov-2026&utm_content=hero`,
      userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
      ip: `203.0.113.${i % 250}`,
      location: { city: 'Lisbon', region: 'Lisboa', country: 'PT', latitude: 38.7223, longitude: -9.1393 },
      device: { type: 'desktop', os: 'macOS', browser: 'Safari', browserVersion: '17.1' },
      profile: { firstName: 'Ana', lastName: 'Silva', plan: 'team', signupDate: '2025-03-14', lifetimeValue: 1234.5, locale: 'pt-PT' },
      message: { channelId: 31, messageTypeId: 44, campaignName: 'November newsletter', sendAt: '2026-11-23T09:00:00Z' },
    },
  };
}

/** Each event is serialized as it is made, so building a large body never holds all the objects at once. */
function eventLines(count: number): string[] {
  return Array.from({ length: count }, (_, i) => JSON.stringify(sampleEvent(i)));
}

export const arrayBody = (count: number): string => `[${eventLines(count).join(',')}]`;

/** Creates an integration keyed on PRIMARY_KEY in `store` and returns a working webhook token. */
export async function addIntegrationWithToken(store: IntegrationStore): Promise<string> {
  const integration = newIntegration({ name: 'Bench Events', primaryKey: PRIMARY_KEY }, new Date());
  await store.createIntegration(integration);
  const issued = issueToken(integration.schema, randomBytes, new Date());
  await store.addToken(issued.record, MAX_ACTIVE_TOKENS);
  return issued.token;
}

/** The ingest use case wired as the local server wires it (start-local.ts): caches, loading counters, the raw archive; on the given sink and (by default) an in-memory store. */
export async function benchHandler(sink: RecordSink, store: IntegrationStore = new MemoryStore()): Promise<{ handler: IngestWebhook; token: string; store: IntegrationStore }> {
  const token = await addIntegrationWithToken(store);
  const handler = createIngestWebhook({
    store,
    sink,
    logger: quietLogger,
    clock: () => new Date(),
    nextSequence: sequenceGenerator(Date.now, Math.random),
    uuid: randomUUID,
    maxBodyBytes: 20 * 1024 * 1024,
    maxRecordBytes: DEFAULT_MAX_RECORD_BYTES,
    tokenCache: new TokenCache(store, LOCAL_TOKEN_CACHE_MS),
    integrationCache: new IntegrationCache(store, LOCAL_TOKEN_CACHE_MS),
    // Summed in memory as the server does; the server's write a second is no per-request work.
    metrics: new IngestCounters(storedCounts([]), LOCAL_COUNT_FLUSH_MS, Date.now, () => undefined),
    archiveRaw: RAW_ARCHIVE_ON,
  });
  return { handler, token, store };
}
