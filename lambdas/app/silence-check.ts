import { isSilent, lastDays, later } from '../core/ingest-counts';
import type { IngestCountStore, IntegrationStore } from './ports';

export interface SilentIntegration {
  readonly schema: string;
  readonly silenceAfterSeconds: number;
  /** ISO 8601 UTC, or null when it never had an accepted webhook (counted from its creation). */
  readonly lastEventAt: string | null;
}

/**
 * The integrations with a silence threshold that have passed it: the scheduled check on AWS and
 * `status` agree, as both read the same counters and the same rule (isSilent).
 */
export async function findSilentIntegrations(services: { readonly store: IntegrationStore; readonly counts: IngestCountStore; readonly clock: () => Date }): Promise<SilentIntegration[]> {
  const now = services.clock();
  const silent: SilentIntegration[] = [];
  for (const [schema, seconds] of await services.counts.silenceThresholds()) {
    const integration = await services.store.getIntegration(schema);
    if (integration === undefined) continue;
    const days = lastDays(now, Math.ceil(seconds / 86_400) + 1);
    const lastEventAt = (await services.counts.readCounts([schema], days)).reduce<string | undefined>((latest, day) => later(latest, day.lastEventAt), undefined);
    if (isSilent({ silenceAfterSeconds: seconds, since: integration.createdAt }, lastEventAt, now)) silent.push({ schema, silenceAfterSeconds: seconds, lastEventAt: lastEventAt ?? null });
  }
  return silent;
}
