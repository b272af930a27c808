/**
 * Group commit: one flush at a time; whatever is submitted while a flush runs waits and goes,
 * all of it, into the next one. Under load each flush (and its fsyncs) serves many callers;
 * when idle, a lone submit flushes at once. No timers: the batching comes from the flush's own
 * duration.
 */
interface Pending<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class GroupCommit<T> {
  private queue: Pending<T>[] = [];
  /** The loop that flushes until the queue is empty; undefined when idle. */
  private running: Promise<void> | undefined;

  constructor(private readonly flush: (items: T[]) => Promise<void>) {}

  /** Resolves once the flush that took `item` succeeded; rejects with that flush's error. */
  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.running ??= this.flushUntilEmpty();
    });
  }

  /** Resolves when nothing is queued or being flushed. Never rejects: failures go to submitters. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async flushUntilEmpty(): Promise<void> {
    // Yield once before flushing, so `running` is set before this loop can clear it (even when
    // `flush` throws synchronously), and submits from the same tick share the first flush.
    await Promise.resolve();
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      try {
        await this.flush(group.map((pending) => pending.item));
        for (const pending of group) pending.resolve();
      } catch (error) {
        // Only this group failed; items queued meanwhile get their own attempt.
        for (const pending of group) pending.reject(error);
      }
    }
    this.running = undefined;
  }
}
