import { integerWithin, positiveInteger, requiredString } from '../core/config-values';
import { ValidationError } from '../core/errors';
import { LOG_LEVELS, type LogLevel } from './log-level';
import { INGEST_ENV } from './env';

/** Lambda's synchronous payload limit; API Gateway refuses larger requests before we see them. */
export const AWS_MAX_BODY_BYTES = 6 * 1024 * 1024;

/**
 * How long a warm function keeps an active token, and an integration, before reading them again: a
 * revoked token keeps working, and a changed signing key waits, for at most this long. Token reads
 * stay eventually consistent (half the read cost).
 */
export const DEFAULT_TOKEN_CACHE_SECONDS = 10;
export const MAX_TOKEN_CACHE_SECONDS = 300;

export interface IngestLambdaConfig {
  readonly tokenTableName: string;
  readonly deliveryStreamName: string;
  /** Each accepted request also goes to the raw archive, in the same records as its rows. */
  readonly rawArchive: boolean;
  readonly maxBodyBytes: number;
  readonly tokenCacheSeconds: number;
  readonly logLevel: LogLevel;
}

/** Read once at cold start; a missing or bad variable fails the init with its name in the message. */
export function readIngestLambdaConfig(env: NodeJS.ProcessEnv): IngestLambdaConfig {
  return {
    tokenTableName: requiredString(INGEST_ENV.tokenTableName, env[INGEST_ENV.tokenTableName]),
    deliveryStreamName: requiredString(INGEST_ENV.deliveryStreamName, env[INGEST_ENV.deliveryStreamName]),
    rawArchive: onOff(INGEST_ENV.rawArchive, env[INGEST_ENV.rawArchive]),
    maxBodyBytes: positiveInteger(INGEST_ENV.maxBodyBytes, env[INGEST_ENV.maxBodyBytes], AWS_MAX_BODY_BYTES),
    tokenCacheSeconds: integerWithin(INGEST_ENV.tokenCacheSeconds, env[INGEST_ENV.tokenCacheSeconds], DEFAULT_TOKEN_CACHE_SECONDS, 0, MAX_TOKEN_CACHE_SECONDS),
    logLevel: logLevelOf(env[INGEST_ENV.logLevel]),
  };
}

function onOff(name: string, raw: string | undefined): boolean {
  const value = (raw ?? '').trim().toLowerCase() || 'off';
  if (value === 'on' || value === 'off') return value === 'on';
  throw new ValidationError(`${name} must be "on" or "off", got "${raw}".`);
}

function logLevelOf(raw: string | undefined): LogLevel {
  const level = (raw ?? '').trim().toUpperCase() || 'WARN';
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new ValidationError(`${INGEST_ENV.logLevel} must be one of ${LOG_LEVELS.join(', ')}, got "${raw}".`);
}
