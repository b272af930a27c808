/**
 * Group commit: whatever is submitted while a flush runs waits and goes, all of it, into a later
 * flush, so under load each flush (and its fsyncs) serves many callers; when idle, a lone submit
 * flushes at once. No timers: the batching comes from the flushes' own duration.
 *
 * With `maxInFlight` above 1, a second flush may start while one runs, but only once as many items
 * wait as the last flush carried: under steady load the callers split into groups that alternate
 * (one group's answers go out while the other's flush waits on the disk), and the next group then
 * need not wait for a flush it has no part in. It never starts a smaller batch than a lone flush would.
 */
interface Pending<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Flushes that may run at once. @default 1 */
  readonly maxInFlight?: number;
}

export class GroupCommit<T> {
  private queue: Pending<T>[] = [];
  private inFlight = 0;
  /** Items the last flush to start carried: a full group to wait for before overlapping another flush. */
  private lastBatchSize = Number.POSITIVE_INFINITY;
  /** Whether a flush is about to start (after the current tick), so submits of one tick share it. */
  private starting = false;
  private readonly idle: (() => void)[] = [];
  private readonly maxInFlight: number;

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    options: GroupCommitOptions = {},
  ) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 1);
  }

  /** Resolves once the flush that took `item` succeeded; rejects with that flush's error. */
  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.maybeStart();
    });
  }

  /** Resolves when nothing is queued or being flushed. Never rejects: failures go to submitters. */
  drain(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0 && !this.starting) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private maybeStart(): void {
    if (this.starting || this.queue.length === 0) return;
    const mayOverlap = this.inFlight < this.maxInFlight && this.queue.length >= this.lastBatchSize;
    if (this.inFlight > 0 && !mayOverlap) return;
    this.starting = true;
    // Start after this tick: submits made in the same tick join this flush, and `flush` throwing
    // synchronously cannot surface inside `submit`.
    queueMicrotask(() => {
      this.starting = false;
      void this.runOne();
    });
  }

  private async runOne(): Promise<void> {
    if (this.queue.length === 0) return this.notifyIfIdle();
    const group = this.queue;
    this.queue = [];
    this.inFlight += 1;
    this.lastBatchSize = group.length;
    try {
      await this.flush(group.map((pending) => pending.item));
      for (const pending of group) pending.resolve();
    } catch (error) {
      // Only this group failed; items queued meanwhile get their own attempt.
      for (const pending of group) pending.reject(error);
    } finally {
      this.inFlight -= 1;
    }
    this.maybeStart();
    this.notifyIfIdle();
  }

  private notifyIfIdle(): void {
    if (this.inFlight > 0 || this.queue.length > 0 || this.starting) return;
    for (const resolve of this.idle.splice(0)) resolve();
  }
}
