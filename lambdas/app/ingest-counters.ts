import { DayTally } from '../core/day-tally';
import { UNATTRIBUTED, type CountDelta } from '../core/ingest-counts';
import { partitionDate } from '../core/lake-layout';
import type { IngestCountStore, IngestMetrics, WebhookOutcome } from './ports';

const DAY_MS = 86_400_000;

/** On AWS: at most one write per integration and day per function a minute, whatever the traffic. */
export const AWS_COUNT_FLUSH_MS = 60_000;

/**
 * Loading-report counters of one process: every answered webhook is summed in memory, and the sums
 * are added to the store at most once per `intervalMs` (one write per integration and day), not once
 * per webhook. A write that fails is kept and added to the next one. Counts not yet written when the
 * process ends are lost unless it calls `flush()` first (the local server does; a reclaimed Lambda
 * cannot): they are a report, the lake is the record.
 */
export class IngestCounters implements IngestMetrics {
  private pending = new Map<string, { readonly schema: string; readonly day: string; readonly tally: DayTally }>();
  /** The UTC day last counted under, and the milliseconds it spans: most webhooks fall on it. */
  private day = { text: '', from: 0, to: 0 };
  private flushedAt: number;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: Pick<IngestCountStore, 'addCounts'>,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    // The first webhook of a new process is written at once: a function that answers one now and then loses nothing.
    this.flushedAt = -Infinity;
  }

  answered(outcome: WebhookOutcome): void {
    const { receivedAt } = outcome;
    if (receivedAt === undefined) return;
    this.tallyOf(outcome.schema ?? UNATTRIBUTED, this.dayOf(receivedAt)).add(outcome, receivedAt);
  }

  /** Whether counts wait and the interval since the last write has passed. */
  isDue(): boolean {
    return this.pending.size > 0 && this.flushing === undefined && this.now() - this.flushedAt >= this.intervalMs;
  }

  /** Writes what waits if it is due; resolves once written (or failed and kept for the next time). */
  flushIfDue(): Promise<void> {
    return this.isDue() ? this.flush() : (this.flushing ?? Promise.resolve());
  }

  /** Writes what waits now, whatever the interval; one write at a time. */
  async flush(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = this.waiting();
    this.pending = new Map();
    this.flushedAt = this.now();
    // Each integration's day is one write of its own: one that fails is kept, not retried here, and
    // the next flush carries it with whatever came since; the others are not written twice.
    this.flushing = Promise.all(
      batch.map((delta) =>
        this.store.addCounts(delta).catch((error: unknown) => {
          this.keep(delta);
          this.onError(error);
        }),
      ),
    ).then(() => undefined);
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  /** Counts waiting to be written, for tests and shutdown checks. */
  waiting(): CountDelta[] {
    return [...this.pending.values()].map(({ schema, day, tally }) => ({ schema, day, ...tally.toCounts() }));
  }

  private keep(delta: CountDelta): void {
    this.tallyOf(delta.schema, delta.day).addCounts(delta);
  }

  private tallyOf(schema: string, day: string): DayTally {
    const key = `${schema}\u0000${day}`;
    let pending = this.pending.get(key);
    if (pending === undefined) this.pending.set(key, (pending = { schema, day, tally: new DayTally() }));
    return pending.tally;
  }

  private dayOf(at: Date): string {
    const ms = at.getTime();
    // Written so that an invalid date (NaN) misses the cache too: partitionDate then refuses it.
    if (!(ms >= this.day.from && ms < this.day.to)) {
      const from = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
      this.day = { text: partitionDate(at), from, to: from + DAY_MS };
    }
    return this.day.text;
  }
}

/** Tells every one of several IngestMetrics of each answered webhook. */
export function allMetrics(...metrics: readonly IngestMetrics[]): IngestMetrics {
  return { answered: (outcome) => metrics.forEach((each) => each.answered(outcome)) };
}
