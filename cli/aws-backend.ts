import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GlueClient } from '@aws-sdk/client-glue';
import { AthenaQueryEngine } from '../lambdas/aws/athena-query';
import { DynamoIntegrationStore } from '../lambdas/aws/dynamo-store';
import { GlueLakeCatalog } from '../lambdas/aws/glue-catalog';
import { readStackOutputs } from '../lambdas/aws/stack-outputs';
import { CatalogSync } from '../lambdas/app/catalog-sync';
import type { Backend } from './backend';
import type { CliIo } from './io';
import type { TargetOptions } from './target';

/** How often a running Athena query is reported on stderr. */
const PROGRESS_EVERY_MS = 5000;

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

  return {
    store,
    engine: athena,
    catalogSync: new CatalogSync(new GlueLakeCatalog(glue, location), store, athena),
    webhookBaseUrl: outputs.webhookBaseUrl,
    serverRunning: true,
    close: async () => {
      for (const client of [dynamo, glue, athenaClient]) client.destroy();
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
