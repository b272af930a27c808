/**
 * Lambda entry: reads its configuration once, builds the AWS adapters, and hands every API Gateway
 * event to the ingest use case.
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { createIngestWebhook } from '../app/ingest-webhook';
import { AWS_COUNT_FLUSH_MS, IngestCounters, allMetrics } from '../app/ingest-counters';
import { IntegrationCache } from '../app/integration-cache';
import { TokenCache } from '../app/token-cache';
import { DynamoIngestCountStore } from '../aws/dynamo-ingest-counts';
import { DynamoIntegrationStore } from '../aws/dynamo-store';
import { mapStackTracesLazily } from '../aws/lambda-source-maps';
import { FirehoseRecordSink } from '../aws/firehose-sink';
import { RAW_ARCHIVE_ON } from '../aws/raw-body-gzip';
import { PowertoolsIngestMetrics } from '../aws/ingest-metrics';
import { sequenceGenerator } from '../core/sequence';
import { DEFAULT_MAX_RECORD_BYTES } from '../core/stamp';
import { createApiGatewayHandler } from './api-gateway';
import { withCountFlush } from './count-flush';
import { messageOf } from '../shared/error-message';
import { loggerFrom } from './log-level';
import { readIngestLambdaConfig } from './config';

mapStackTracesLazily(__filename);
const config = readIngestLambdaConfig(process.env);
const logger = loggerFrom(config.logLevel, new Logger({ serviceName: 'hooklake-ingest' }));

// A provider waits a few seconds for its answer: a stalled connection must fail fast and be retried,
// not hold the request until the function times out.
const requestHandler = { connectionTimeout: 300, requestTimeout: 1000 };

const dynamo = new DynamoDBClient({ requestHandler });
const store = new DynamoIntegrationStore(dynamo, config.tokenTableName);
const tokenCache = new TokenCache(store, config.tokenCacheSeconds * 1000);
// Namespace and service come from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME, set by the stack.
const metrics = new Metrics();
metrics.captureColdStartMetric();
// Loading-report counters: summed per warm function, one DynamoDB write per integration and day a minute at most.
const counters = new IngestCounters(new DynamoIngestCountStore(dynamo, config.tokenTableName), AWS_COUNT_FLUSH_MS, Date.now, (error) =>
  logger.warn('Could not write loading counts; kept for the next try', { error: messageOf(error) }),
);
const ingest = createIngestWebhook({
  store,
  // The sink retries failed entries itself within its time budget; SDK retries would multiply with it.
  sink: new FirehoseRecordSink(new FirehoseClient({ maxAttempts: 1, requestHandler }), config.deliveryStreamName),
  ...(config.rawArchive && { archiveRaw: RAW_ARCHIVE_ON }),
  logger,
  clock: () => new Date(),
  nextSequence: sequenceGenerator(Date.now, Math.random),
  uuid: randomUUID,
  maxBodyBytes: config.maxBodyBytes,
  maxRecordBytes: DEFAULT_MAX_RECORD_BYTES,
  tokenCache,
  // An integration's signing keys change as tokens do: kept no longer.
  integrationCache: new IntegrationCache(store, config.tokenCacheSeconds * 1000),
  metrics: allMetrics(new PowertoolsIngestMetrics(metrics, () => tokenCache.lookups()), counters),
});

export const handler = withCountFlush(createApiGatewayHandler(ingest, logger), counters);
