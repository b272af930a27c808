import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GlueClient } from '@aws-sdk/client-glue';
import { AthenaQueryEngine } from '../lambdas/aws/athena-query';
import { DynamoIntegrationStore } from '../lambdas/aws/dynamo-store';
import { DynamoIngestCountStore } from '../lambdas/aws/dynamo-ingest-counts';
import { GlueLakeCatalog } from '../lambdas/aws/glue-catalog';
import { readStackOutputs } from '../lambdas/aws/stack-outputs';
import { CatalogSync } from '../lambdas/app/catalog-sync';
import type { Backend, DeliveryRecovery, ReplaySources } from './backend';
import type { CliIo } from './io';
import type { TargetOptions } from './target';

/** How often a running Athena query is reported on stderr. */
const PROGRESS_EVERY_MS = 5000;
/**
 * How long `recover` keeps putting one error object's rows to Firehose through throttling and
 * partial failures: nobody waits on the other end, unlike a webhook's 2.5 s.
 */
const RECOVERY_PUT_BUDGET_MS = 120_000;

/**
 * The deployed Hooklake, found by its CloudFormation stack's outputs: integrations and tokens in
 * its DynamoDB table, tables in Glue, SQL through Athena in the stack's workgroup. Credentials and
 * region come from the usual AWS places (AWS_PROFILE, AWS_REGION, SSO), or `--region`.
 */
export async function openAwsBackend(options: TargetOptions, io: CliIo): Promise<Backend> {
  const config = options.region === undefined ? {} : { region: options.region };
  const cloudFormation = new CloudFormationClient(config);
  const outputs = await readStackOutputs(cloudFormation, options.stack).finally(() => cloudFormation.destroy());

  const dynamo = new DynamoDBClient(config);
  const glue = new GlueClient(config);
  const athenaClient = new AthenaClient(config);
  const location = { bucket: outputs.lakeBucketName, lakePrefix: outputs.lakePrefix };
  const store = new DynamoIntegrationStore(dynamo, outputs.tokenTableName);
  const athena = new AthenaQueryEngine(athenaClient, { workGroup: outputs.athenaWorkGroup, onProgress: progressReporter(io) });
  const lateClients: { destroy(): void }[] = [];
  let recovery: DeliveryRecovery | undefined;
  let replay: ReplaySources | undefined;

  return {
    store,
    counts: new DynamoIngestCountStore(dynamo, outputs.tokenTableName),
    engine: athena,
    catalogSync: new CatalogSync(new GlueLakeCatalog(glue, location), store, athena),
    webhookBaseUrl: outputs.webhookBaseUrl,
    serverRunning: true,
    deliveryRecovery: () => {
      if (recovery === undefined) {
        // Loaded here: only `recover` needs S3 and Firehose.
        const { S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
        const { FirehoseClient } = require('@aws-sdk/client-firehose') as typeof import('@aws-sdk/client-firehose');
        const { S3DeliveryErrorStore } = require('../lambdas/aws/s3-delivery-errors') as typeof import('../lambdas/aws/s3-delivery-errors');
        const { FirehoseRecordSink } = require('../lambdas/aws/firehose-sink') as typeof import('../lambdas/aws/firehose-sink');
        const s3 = new S3Client(config);
        // The sink retries by itself (see firehose-sink.ts): one SDK attempt per call.
        const firehose = new FirehoseClient({ ...config, maxAttempts: 1 });
        lateClients.push(s3, firehose);
        recovery = {
          errors: new S3DeliveryErrorStore(s3, outputs.lakeBucketName),
          sink: new FirehoseRecordSink(firehose, outputs.deliveryStreamName, { timeBudgetMs: RECOVERY_PUT_BUDGET_MS, maxDelayMs: 5000 }),
        };
      }
      return recovery;
    },
    replaySources: () => {
      if (replay === undefined) {
        const { S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
        const { FirehoseClient } = require('@aws-sdk/client-firehose') as typeof import('@aws-sdk/client-firehose');
        const { S3RawArchive } = require('../lambdas/aws/s3-raw-archive') as typeof import('../lambdas/aws/s3-raw-archive');
        const { FirehoseRecordSink } = require('../lambdas/aws/firehose-sink') as typeof import('../lambdas/aws/firehose-sink');
        const s3 = new S3Client(config);
        const firehose = new FirehoseClient({ ...config, maxAttempts: 1 });
        lateClients.push(s3, firehose);
        const archive = new S3RawArchive(s3, outputs.lakeBucketName);
        // Replayed rows go where webhooks' rows go, as recover puts rows back: the lake's own stream.
        replay = { archive, journal: archive, sink: new FirehoseRecordSink(firehose, outputs.deliveryStreamName, { timeBudgetMs: RECOVERY_PUT_BUDGET_MS, maxDelayMs: 5000 }) };
      }
      return replay;
    },
    close: async () => {
      for (const client of [dynamo, glue, athenaClient, ...lateClients]) client.destroy();
    },
  };
}

/** Reports a query's state when it changes, and every few seconds while it runs. */
function progressReporter(io: CliIo): (state: string, elapsedMs: number) => void {
  let lastState = '';
  let lastReportMs = 0;
  return (state, elapsedMs) => {
    if (state === lastState && elapsedMs - lastReportMs < PROGRESS_EVERY_MS) return;
    if (state === 'SUCCEEDED' && lastState === '') return;
    io.err(`Athena: ${state.toLowerCase()} (${(elapsedMs / 1000).toFixed(1)} s)`);
    lastState = state;
    lastReportMs = elapsedMs;
  };
}
