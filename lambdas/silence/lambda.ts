/**
 * Lambda entry of the silence check, run on a schedule: counts the integrations that went quiet for
 * longer than their threshold (`integrations silence`), publishes that count as one EMF metric for
 * the SilentIntegrations alarm, and names them in a warning line.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { findSilentIntegrations } from '../app/silence-check';
import { DynamoIngestCountStore } from '../aws/dynamo-ingest-counts';
import { DynamoIntegrationStore } from '../aws/dynamo-store';
import { mapStackTracesLazily } from '../aws/lambda-source-maps';
import { requiredString } from '../core/config-values';
import { SILENCE_ENV, SILENT_INTEGRATIONS_METRIC } from './env';

mapStackTracesLazily(__filename);
const tableName = requiredString(SILENCE_ENV.tokenTableName, process.env[SILENCE_ENV.tokenTableName]);
const logger = new Logger({ serviceName: 'hooklake-silence' });
// Namespace and service come from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME, set by the stack.
const metrics = new Metrics();
const dynamo = new DynamoDBClient({});
const services = { store: new DynamoIntegrationStore(dynamo, tableName), counts: new DynamoIngestCountStore(dynamo, tableName), clock: () => new Date() };

export async function handler(): Promise<void> {
  const silent = await findSilentIntegrations(services);
  // Published every run, 0 included: the alarm goes back to OK once webhooks come again.
  metrics.addMetric(SILENT_INTEGRATIONS_METRIC, MetricUnit.Count, silent.length);
  metrics.publishStoredMetrics();
  if (silent.length > 0) logger.warn('Integrations silent past their threshold', { silent });
}
