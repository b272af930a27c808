import { countKey, countOutcome, emptyCounts, mergeCounts, type CountDelta, type DayCounts } from '../core/ingest-counts';
import type { IngestCountStore, IngestMetrics, WebhookOutcome } from './ports';

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
  private pending = new Map<string, CountDelta>();
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
    if (outcome.receivedAt === undefined) return;
    const counted = { ...outcome, receivedAt: outcome.receivedAt };
    const { schema, day } = countKey(counted);
    const key = `${schema}\u0000${day}`;
    const before: DayCounts = this.pending.get(key) ?? emptyCounts();
    this.pending.set(key, { schema, day, ...countOutcome(before, counted) });
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
    const batch = [...this.pending.values()];
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
    return [...this.pending.values()];
  }

  private keep(delta: CountDelta): void {
    const key = `${delta.schema}\u0000${delta.day}`;
    const before = this.pending.get(key);
    this.pending.set(key, before === undefined ? delta : { schema: delta.schema, day: delta.day, ...mergeCounts(before, delta) });
  }
}

/** Tells every one of several IngestMetrics of each answered webhook. */
export function allMetrics(...metrics: readonly IngestMetrics[]): IngestMetrics {
  return { answered: (outcome) => metrics.forEach((each) => each.answered(outcome)) };
}
