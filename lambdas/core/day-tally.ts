/**
 * One integration's loading counts for one day, added to in place. What a process keeps between its
 * writes of counts: a webhook answered adds to numbers and, the first time a token is seen, one entry,
 * rather than new counts per webhook (objects and ISO texts on the hot path). `toCounts()` gives the
 * same as merging each webhook's own counts with `mergeCounts` (checked by property in the tests).
 */
import { reasonName, type CountedOutcome, type DayCounts } from './ingest-counts';

export class DayTally {
  private accepted = 0;
  private records = 0;
  private rejected = 0;
  private readonly refused = new Map<string, number>();
  private readonly failed = new Map<string, number>();
  /** Milliseconds since the epoch: compared as numbers, written as ISO text only by `toCounts()`. */
  private lastEventMs: number | undefined;
  private readonly tokensUsed = new Map<string, number>();

  /** Adds one answered webhook, which arrived at `receivedAt`. */
  add(outcome: Omit<CountedOutcome, 'receivedAt'>, receivedAt: Date): void {
    if (outcome.status < 400) {
      const at = receivedAt.getTime();
      this.accepted += 1;
      this.records += outcome.records;
      this.rejected += outcome.rejected;
      this.lastEventMs = latest(this.lastEventMs, at);
      if (outcome.tokenId !== undefined) this.tokensUsed.set(outcome.tokenId, latest(this.tokensUsed.get(outcome.tokenId), at));
      return;
    }
    const reasons = outcome.status < 500 ? this.refused : this.failed;
    const reason = reasonName(outcome.reason);
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }

  /** Adds counts summed elsewhere (a write that failed, kept for the next one). */
  addCounts(counts: DayCounts): void {
    this.accepted += counts.accepted;
    this.records += counts.records;
    this.rejected += counts.rejected;
    for (const [reason, n] of Object.entries(counts.refused)) this.refused.set(reason, (this.refused.get(reason) ?? 0) + n);
    for (const [reason, n] of Object.entries(counts.failed)) this.failed.set(reason, (this.failed.get(reason) ?? 0) + n);
    if (counts.lastEventAt !== undefined) this.lastEventMs = latest(this.lastEventMs, Date.parse(counts.lastEventAt));
    for (const [tokenId, at] of Object.entries(counts.tokensUsed)) this.tokensUsed.set(tokenId, latest(this.tokensUsed.get(tokenId), Date.parse(at)));
  }

  toCounts(): DayCounts {
    const tokensUsed: Record<string, string> = {};
    for (const [tokenId, at] of this.tokensUsed) tokensUsed[tokenId] = new Date(at).toISOString();
    return {
      accepted: this.accepted,
      records: this.records,
      rejected: this.rejected,
      refused: Object.fromEntries(this.refused),
      failed: Object.fromEntries(this.failed),
      ...(this.lastEventMs !== undefined && { lastEventAt: new Date(this.lastEventMs).toISOString() }),
      tokensUsed,
    };
  }
}

function latest(a: number | undefined, b: number): number {
  return a === undefined || b > a ? b : a;
}
