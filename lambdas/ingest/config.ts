import { positiveInteger, requiredString } from '../core/config-values';
import { INGEST_ENV } from './env';

/** Lambda's synchronous payload limit; API Gateway refuses larger requests before we see them. */
export const AWS_MAX_BODY_BYTES = 6 * 1024 * 1024;

export interface IngestLambdaConfig {
  readonly tokenTableName: string;
  readonly deliveryStreamName: string;
  readonly maxBodyBytes: number;
}

/** Read once at cold start; a missing or bad variable fails the init with its name in the message. */
export function readIngestLambdaConfig(env: NodeJS.ProcessEnv): IngestLambdaConfig {
  return {
    tokenTableName: requiredString(INGEST_ENV.tokenTableName, env[INGEST_ENV.tokenTableName]),
    deliveryStreamName: requiredString(INGEST_ENV.deliveryStreamName, env[INGEST_ENV.deliveryStreamName]),
    maxBodyBytes: positiveInteger(INGEST_ENV.maxBodyBytes, env[INGEST_ENV.maxBodyBytes], AWS_MAX_BODY_BYTES),
  };
}
