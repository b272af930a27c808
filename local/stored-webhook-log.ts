/**
 * The local server's log of stored webhooks: a line per webhook while they come slowly (what someone
 * setting up a provider watches for), and past `perSecond` in a second, one line a second that sums
 * the rest. At thousands of webhooks a second a line each is unreadable, and its synchronous write to
 * the terminal or log file takes the event loop's time from the webhooks themselves.
 */
import { WEBHOOK_STORED } from '../lambdas/app/ingest-webhook';
import type { AppLogger } from '../lambdas/app/ports';

export const DEFAULT_STORED_LINES_PER_SECOND = 20;
export const MORE_WEBHOOKS_STORED = 'More webhooks stored';

interface Held {
  webhooks: number;
  schemas: Set<string>;
  records: number;
  rejected: number;
  slowestMs: number;
}

export interface StoredWebhookLog extends AppLogger {
  /** Writes the sum of what the current second held back, if anything. */
  flush(): void;
}

/** `now` in milliseconds, monotonic: a step of the wall clock must not hold lines back or split a second. */
export function storedWebhookLog(logger: AppLogger, perSecond = DEFAULT_STORED_LINES_PER_SECOND, now: () => number = () => performance.now()): StoredWebhookLog {
  let secondStart = -Infinity;
  let lines = 0;
  let held: Held | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (held === undefined) return;
    const { schemas, ...sums } = held;
    logger.info(MORE_WEBHOOKS_STORED, { ...sums, schemas: [...schemas].sort(), seconds: 1 });
    held = undefined;
  };
  const numberIn = (fields: Record<string, unknown> | undefined, name: string) => (typeof fields?.[name] === 'number' ? (fields[name] as number) : 0);
  return {
    info(message, ...fields) {
      if (message !== WEBHOOK_STORED) return logger.info(message, ...fields);
      const at = now();
      if (at - secondStart >= 1000) {
        flush();
        secondStart = at;
        lines = 0;
      }
      if (lines < perSecond) {
        lines += 1;
        return logger.info(message, ...fields);
      }
      held ??= { webhooks: 0, schemas: new Set(), records: 0, rejected: 0, slowestMs: 0 };
      held.webhooks += 1;
      const schema = fields[0]?.schema;
      if (typeof schema === 'string') held.schemas.add(schema);
      held.records += numberIn(fields[0], 'records');
      held.rejected += numberIn(fields[0], 'rejected');
      held.slowestMs = Math.max(held.slowestMs, numberIn(fields[0], 'ms'));
      // The sum comes when the second ends, even if no webhook follows to end it.
      if (timer === undefined) {
        timer = setTimeout(flush, Math.max(0, secondStart + 1000 - at));
        timer.unref();
      }
    },
    warn: (message, ...fields) => logger.warn(message, ...fields),
    error: (message, ...fields) => logger.error(message, ...fields),
    flush,
  };
}
