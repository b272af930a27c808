/**
 * Runs the tasks of one key one at a time, in call order; tasks of different keys run side by side.
 * A failed task does not stop the ones queued after it.
 */
export class KeyedSerial {
  /** The last task queued per key: the next one waits for it. */
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => this.tails.get(key) === tail && this.tails.delete(key));
    return result;
  }
}
