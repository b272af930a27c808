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
import { IntegrationCache } from '../app/integration-cache';
import { TokenCache } from '../app/token-cache';
import { DynamoIntegrationStore } from '../aws/dynamo-store';
import { mapStackTracesLazily } from '../aws/lambda-source-maps';
import { FirehoseRecordSink } from '../aws/firehose-sink';
import { FirehoseRawArchive } from '../aws/firehose-raw-archive';
import { withRawArchive } from '../app/archiving-sink';
import { PowertoolsIngestMetrics } from '../aws/ingest-metrics';
import { sequenceGenerator } from '../core/sequence';
import { DEFAULT_MAX_RECORD_BYTES } from '../core/stamp';
import { createApiGatewayHandler } from './api-gateway';
import { loggerFrom } from './log-level';
import { readIngestLambdaConfig } from './config';

mapStackTracesLazily(__filename);
const config = readIngestLambdaConfig(process.env);
const logger = loggerFrom(config.logLevel, new Logger({ serviceName: 'hooklake-ingest' }));

// A provider waits a few seconds for its answer: a stalled connection must fail fast and be retried,
// not hold the request until the function times out.
const requestHandler = { connectionTimeout: 300, requestTimeout: 1000 };

const store = new DynamoIntegrationStore(new DynamoDBClient({ requestHandler }), config.tokenTableName);
const tokenCache = new TokenCache(store, config.tokenCacheSeconds * 1000);
// Namespace and service come from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME, set by the stack.
const metrics = new Metrics();
metrics.captureColdStartMetric();
// The sink retries failed entries itself within its time budget; SDK retries would multiply with it.
const firehose = new FirehoseClient({ maxAttempts: 1, requestHandler });
const lakeSink = new FirehoseRecordSink(firehose, config.deliveryStreamName);
// The raw archive goes to a stream of its own, in parallel with the rows; a 200 waits for both.
const rawStream = config.rawDeliveryStreamName;
const sink = rawStream === undefined ? lakeSink : withRawArchive(lakeSink, new FirehoseRawArchive(new FirehoseRecordSink(firehose, rawStream)));
const ingest = createIngestWebhook({
  store,
  sink,
  archiveRaw: rawStream !== undefined,
  logger,
  clock: () => new Date(),
  nextSequence: sequenceGenerator(Date.now, Math.random),
  uuid: randomUUID,
  maxBodyBytes: config.maxBodyBytes,
  maxRecordBytes: DEFAULT_MAX_RECORD_BYTES,
  tokenCache,
  // An integration's signing keys change as tokens do: kept no longer.
  integrationCache: new IntegrationCache(store, config.tokenCacheSeconds * 1000),
  metrics: new PowertoolsIngestMetrics(metrics, () => tokenCache.lookups()),
});

export const handler = createApiGatewayHandler(ingest, logger);
