import type { QueryEngine, QueryLimits, QueryResult } from '../lambdas/app/ports';
import { QueryStoppedError } from '../lambdas/core/errors';

/**
 * The engine, running at most `slots` queries at once; the rest wait their turn (and leave the line
 * when their signal fires). Each running DuckDB query holds one of libuv's four threads, which the
 * webhook path needs for its file writes: four long console queries at once would stall every webhook.
 */
export function limitQueries(engine: QueryEngine, slots: number): QueryEngine {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  const acquire = (signal: AbortSignal | undefined) =>
    new Promise<void>((resolve, reject) => {
      if (running < slots) {
        running++;
        return resolve();
      }
      const turn = () => {
        signal?.removeEventListener('abort', leave);
        running++;
        resolve();
      };
      const leave = () => {
        waiting.splice(waiting.indexOf(turn), 1);
        const reason: unknown = signal?.reason;
        reject(new QueryStoppedError(reason instanceof Error ? reason.message : 'The query was stopped.', { cause: reason }));
      };
      waiting.push(turn);
      signal?.addEventListener('abort', leave, { once: true });
    });
  return {
    async query(sql: string, limits?: QueryLimits): Promise<QueryResult> {
      await acquire(limits?.signal);
      try {
        return await engine.query(sql, limits);
      } finally {
        release();
      }
    },
  };
}
