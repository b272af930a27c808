import type { AppLogger } from '../app/ports';

export const LOG_LEVELS = ['INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The logger with the lines below `level` dropped. The ingest function filters its own lines this
 * way rather than through Lambda's log level, which must let INFO through for the metric lines.
 */
export function loggerFrom(level: LogLevel, logger: AppLogger): AppLogger {
  const rank = LOG_LEVELS.indexOf(level);
  const drop = () => {};
  return {
    info: rank <= 0 ? logger.info.bind(logger) : drop,
    warn: rank <= 1 ? logger.warn.bind(logger) : drop,
    error: logger.error.bind(logger),
  };
}
