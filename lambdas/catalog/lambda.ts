/**
 * Lambda entry of the catalog: the token table's stream tells it which integrations gained columns or
 * event types (or were made), and it brings their Glue tables and views in step with the registries,
 * so the Athena console and BI tools see new columns within a minute, with no CLI involved.
 * A failure throws: the stream delivers the batch again, and the sync is idempotent.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GlueClient } from '@aws-sdk/client-glue';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { CatalogSync } from '../app/catalog-sync';
import { syncCatalogs } from '../app/integrations';
import { AthenaQueryEngine } from '../aws/athena-query';
import { DynamoIntegrationStore } from '../aws/dynamo-store';
import { mapStackTracesLazily } from '../aws/lambda-source-maps';
import { GlueLakeCatalog } from '../aws/glue-catalog';
import { readCatalogLambdaConfig } from './config';
import { changedSchemas, resetSchemas } from './registry-events';

mapStackTracesLazily(__filename);
const config = readCatalogLambdaConfig(process.env);
const logger = new Logger({ serviceName: 'hooklake-catalog' });
const store = new DynamoIntegrationStore(new DynamoDBClient({}), config.tokenTableName);
const location = { bucket: config.lakeBucketName, lakePrefix: config.lakePrefix };
const catalogSync = new CatalogSync(
  new GlueLakeCatalog(new GlueClient({}), location),
  store,
  new AthenaQueryEngine(new AthenaClient({}), { workGroup: config.workGroup, timeoutMs: 60_000 }),
);

export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  const schemas = changedSchemas(event);
  if (schemas.length === 0) return;
  const reset = new Set(resetSchemas(event));
  const results = await syncCatalogs({ store, catalogSync }, schemas.filter((schema) => !reset.has(schema)));
  for (const { schema, added, views } of results ?? []) logger.info('Catalog in step with the registry', { schema, added, views });
  for (const schema of reset) {
    const integration = await store.getIntegration(schema);
    if (integration === undefined) continue;
    logger.info('Views re-made for a new table version', { schema, tableVersion: integration.tableVersion, views: await catalogSync.remakeViews(integration) });
  }
}
