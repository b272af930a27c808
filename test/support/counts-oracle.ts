/**
 * The loading counts of webhooks as a plain fold over immutable counts: the reference the in-place
 * DayTally (lambdas/core/day-tally.ts) and IngestCounters are checked against by property. Each webhook
 * is its own counts, merged in with the production `mergeCounts`.
 */
import { emptyCounts, mergeCounts, reasonName, UNATTRIBUTED, type CountedOutcome, type DayCounts } from '../../lambdas/core/ingest-counts';
import { partitionDate } from '../../lambdas/core/lake-layout';

/** The counts with one answered webhook added. */
export function countOutcome(counts: DayCounts, outcome: CountedOutcome): DayCounts {
  if (outcome.status >= 400) {
    const byReason = { [reasonName(outcome.reason)]: 1 };
    return mergeCounts(counts, outcome.status < 500 ? { ...emptyCounts(), refused: byReason } : { ...emptyCounts(), failed: byReason });
  }
  const at = outcome.receivedAt.toISOString();
  const tokensUsed = outcome.tokenId === undefined ? {} : { [outcome.tokenId]: at };
  return mergeCounts(counts, { ...emptyCounts(), accepted: 1, records: outcome.records, rejected: outcome.rejected, lastEventAt: at, tokensUsed });
}

/** Which integration and day an answered webhook counts under; throws for an invalid date. */
export function countKey(outcome: Pick<CountedOutcome, 'schema' | 'receivedAt'>): { schema: string; day: string } {
  return { schema: outcome.schema ?? UNATTRIBUTED, day: partitionDate(outcome.receivedAt) };
}
