import type { IngestCountStore } from '../../lambdas/app/ports';
import type { CountDelta } from '../../lambdas/core/ingest-counts';

/** An IngestCountStore that answers with fixed counters and thresholds, for tests of what reads them. */
export function storedCounts(stored: readonly CountDelta[], thresholds: ReadonlyMap<string, number> = new Map()): IngestCountStore {
  return {
    addCounts: async () => {},
    setSilenceAfter: async () => {},
    silenceThresholds: async () => thresholds,
    readCounts: async (schemas, days) => stored.filter((delta) => schemas.includes(delta.schema) && days.includes(delta.day)),
  };
}
