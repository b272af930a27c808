import type { IngestCounters } from '../app/ingest-counters';
import { within } from '../shared/deadline';
import type { ApiGatewayHandler } from './api-gateway';

/** Longest a webhook's answer waits for the counters' write, once a minute; past it the write goes on alone. */
export const COUNT_FLUSH_WAIT_MS = 200;

/**
 * Writes the loading counters when due, after the answer is made and before it is returned: a Lambda
 * is frozen once it returns, so a write left running then would stall until the next event. The
 * wait is bounded, and a failed write is kept for the next one (IngestCounters), so the answer is
 * never slower by more than COUNT_FLUSH_WAIT_MS, nor ever turned into an error.
 */
export function withCountFlush(handler: ApiGatewayHandler, counters: Pick<IngestCounters, 'flushIfDue'>, waitMs = COUNT_FLUSH_WAIT_MS): ApiGatewayHandler {
  return async (event) => {
    const response = await handler(event);
    await within(counters.flushIfDue(), waitMs, () => new Error('counters still being written')).catch(() => undefined);
    return response;
  };
}
