import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { hooklakeDatabaseOf } from '../lambdas/core/delivery-error-sql';
import { DEFAULT_STACK_NAME, STACK_OUTPUTS } from '../lambdas/core/deployment-names';
import { AWS_MAX_BODY_BYTES, DEFAULT_TOKEN_CACHE_SECONDS, MAX_TOKEN_CACHE_SECONDS } from '../lambdas/ingest/config';
import { INGEST_ENV } from '../lambdas/ingest/env';
import { CatalogUpdater } from './constructs/catalog-updater';
import { DeliveryErrorCatalog } from './constructs/delivery-error-catalog';
import { EventLake } from './constructs/event-lake';
import { HooklakeFunction } from './constructs/hooklake-function';
import { OperationalAlarms } from './constructs/operational-alarms';
import { QueryWorkGroup } from './constructs/query-workgroup';
import { TokenTable } from './constructs/token-table';
import { SilenceCheck } from './constructs/silence-check';
import { WebhookApi, type WebhookThrottle } from './constructs/webhook-api';

/** The ingest Lambda's entry: API Gateway in front of the ingest use case. */
export const INGEST_ENTRY = path.join(__dirname, '..', 'lambdas', 'ingest', 'lambda.ts');
/** The catalog Lambda's entry: the token table's stream in front of the catalog sync. */
export const CATALOG_ENTRY = path.join(__dirname, '..', 'lambdas', 'catalog', 'lambda.ts');
/** The silence check's Lambda entry: integrations quiet past their threshold. */
export const SILENCE_ENTRY = path.join(__dirname, '..', 'lambdas', 'silence', 'lambda.ts');

/**
 * The ingest function's settings that decide much of what a webhook costs; bench/cost-model.ts
 * prices them (`npm run cost`). 512 MB (about 0.3 vCPU) suits a request that mostly waits for
 * Firehose; a multi-megabyte body parses about half as fast as at 1,024 MB. No X-Ray traces, and
 * its own lines from WARN up (`loggerLevel`, applied by the function): the access log already
 * records every request. Lambda's level lets INFO through, as the metric lines (EMF, at most one a
 * minute per warm function) have no level and count as INFO. Turn tracing on, or `loggerLevel`
 * down to INFO, while debugging.
 */
export const INGEST_FUNCTION_COST_SETTINGS = {
  memorySize: 512,
  tracing: lambda.Tracing.DISABLED,
  applicationLogLevel: lambda.ApplicationLogLevel.INFO,
  loggerLevel: 'WARN',
} as const;

/** Where the ingest function's metrics go in CloudWatch; each stack's are told apart by the `service` dimension, its name. */
export const METRICS_NAMESPACE = 'Hooklake';

/** Properties of a {@link HooklakeStack}. */
export interface HooklakeStackProps extends StackProps {
  /**
   * What happens to the token table when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly tokenTableRemovalPolicy?: RemovalPolicy;

  /**
   * What happens to the lake, access-log and query-results buckets when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly lakeRemovalPolicy?: RemovalPolicy;

  /**
   * Webhook stage throttling.
   * @default - see {@link WebhookApiProps.throttle}
   */
  readonly throttle?: WebhookThrottle;

  /**
   * Firehose buffering interval (at least 60 s).
   * @default Duration.seconds(60)
   */
  readonly bufferingInterval?: Duration;

  /**
   * Expire Firehose error output (`errors/`: rows it could not partition or deliver) this long after
   * it was written. Recover the rows first (`hooklake --target aws recover`).
   * @default - error output never expires
   */
  readonly errorOutputExpiration?: Duration;

  /**
   * Days the raw archive (`raw/` in the lake bucket) keeps each accepted request, for `hooklake replay`;
   * 0 keeps none.
   * @default 30
   */
  readonly rawArchiveDays?: number;

  /**
   * Athena per-query scan cutoff, in bytes.
   * @default 10 GiB
   */
  readonly bytesScannedCutoffPerQuery?: number;

  /**
   * Seconds a warm ingest function keeps an active token before reading it again; a revoked token
   * keeps working for at most this long. 0 reads the token table on every webhook.
   * @default 10
   */
  readonly tokenCacheSeconds?: number;

  /**
   * Active partitions (integration x table x day) the delivery stream may have: Firehose's quota in
   * your account. The PartitionsNearQuota alarm goes off at 80% of it; ask AWS for more, then set this.
   * @default 500
   */
  readonly activePartitionQuota?: number;

  /**
   * SNS topic the alarms notify (and tell when they are OK again).
   * @default - none: the alarms show in the CloudWatch console only
   */
  readonly alarmTopic?: sns.ITopic;

  /** The same, by ARN (what `-c alarmTopicArn=...` gives); ignored when `alarmTopic` is set. */
  readonly alarmTopicArn?: string;
}

/**
 * Hooklake on AWS: HTTP API -> ingest Lambda -> (token check in DynamoDB) -> Firehose ->
 * S3 lake -> Glue/Athena, and Firehose's error output as a table and a view of failed rows.
 * One construct per concern; this class only wires them.
 */
export class HooklakeStack extends Stack {
  readonly tokens: TokenTable;
  readonly lake: EventLake;
  readonly deliveryErrors: DeliveryErrorCatalog;
  readonly queries: QueryWorkGroup;
  readonly ingest: HooklakeFunction;
  readonly api: WebhookApi;
  readonly catalog: CatalogUpdater;
  readonly alarms: OperationalAlarms;
  readonly silenceCheck: SilenceCheck;

  constructor(scope: Construct, id: string, props: HooklakeStackProps = {}) {
    super(scope, id, props);

    this.tokens = new TokenTable(this, 'TokenTable', { removalPolicy: props.tokenTableRemovalPolicy });
    this.lake = new EventLake(this, 'EventLake', {
      removalPolicy: props.lakeRemovalPolicy,
      bufferingInterval: props.bufferingInterval,
      errorOutputExpiration: props.errorOutputExpiration,
      rawArchiveDays: props.rawArchiveDays,
    });
    this.deliveryErrors = new DeliveryErrorCatalog(this, 'DeliveryErrors', {
      bucket: this.lake.bucket,
      databaseName: hooklakeDatabaseOf(this.stackName, DEFAULT_STACK_NAME),
    });
    // The id predates the construct's name; kept, since a new id would replace the named workgroup.
    this.queries = new QueryWorkGroup(this, 'LakeCatalog', {
      serverAccessLogsBucket: this.lake.accessLogsBucket,
      bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
      removalPolicy: props.lakeRemovalPolicy,
    });

    this.ingest = new HooklakeFunction(this, 'IngestFunction', {
      entry: INGEST_ENTRY,
      handler: 'handler',
      description: 'Hooklake webhook ingest: token check, decode, stamp, put to Firehose',
      memorySize: INGEST_FUNCTION_COST_SETTINGS.memorySize,
      tracing: INGEST_FUNCTION_COST_SETTINGS.tracing,
      applicationLogLevel: INGEST_FUNCTION_COST_SETTINGS.applicationLogLevel,
      environment: {
        [INGEST_ENV.logLevel]: INGEST_FUNCTION_COST_SETTINGS.loggerLevel,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_SERVICE_NAME: this.stackName,
        [INGEST_ENV.tokenTableName]: this.tokens.tableName,
        [INGEST_ENV.deliveryStreamName]: this.lake.deliveryStream.deliveryStreamName,
        [INGEST_ENV.rawArchive]: this.lake.rawArchive ? 'on' : 'off',
        // Lambda's synchronous payload limit: nothing larger can reach the function anyway.
        [INGEST_ENV.maxBodyBytes]: String(AWS_MAX_BODY_BYTES),
        [INGEST_ENV.tokenCacheSeconds]: String(tokenCacheSeconds(props.tokenCacheSeconds)),
      },
    });
    this.tokens.grantTokenLookup(this.ingest);
    this.tokens.grantColumnRegistry(this.ingest);
    this.tokens.grantEventTypeRegistry(this.ingest);
    this.tokens.grantLoadingCounts(this.ingest);
    this.lake.grantPutRecords(this.ingest);

    this.catalog = new CatalogUpdater(this, 'CatalogUpdater', {
      tokens: this.tokens,
      lakeBucket: this.lake.bucket,
      lakePrefix: this.lake.lakePrefix,
      queries: this.queries,
      entry: CATALOG_ENTRY,
    });

    this.api = new WebhookApi(this, 'WebhookApi', { handler: this.ingest.function, throttle: props.throttle });

    const alarmTopic = props.alarmTopic ?? (props.alarmTopicArn === undefined ? undefined : sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn));
    this.alarms = new OperationalAlarms(this, 'Alarms', {
      api: this.api.httpApi,
      ingest: this.ingest.function,
      catalog: this.catalog.fn.function,
      tokenTable: this.tokens.table,
      deliveryStream: this.lake.deliveryStream,
      activePartitionQuota: props.activePartitionQuota,
      alarmTopic,
    });
    this.silenceCheck = new SilenceCheck(this, 'SilenceCheck', {
      tokens: this.tokens,
      entry: SILENCE_ENTRY,
      metricsNamespace: METRICS_NAMESPACE,
      serviceName: this.stackName,
      alarmTopic,
    });

    output(this, STACK_OUTPUTS.webhookBaseUrl, this.api.baseUrl, 'Webhook base URL; a provider posts to <url>/v1/hooks/<token>');
    output(this, STACK_OUTPUTS.lakeBucketName, this.lake.bucket.bucketName, 'S3 bucket holding the lake');
    output(this, STACK_OUTPUTS.lakePrefix, this.lake.lakePrefix, 'Prefix of the lake in the bucket: <prefix><schema>/<table>/dt=YYYY-MM-DD/');
    output(this, STACK_OUTPUTS.athenaWorkGroup, this.queries.workGroupName, 'Athena workgroup for lake queries');
    output(this, STACK_OUTPUTS.tokenTableName, this.tokens.tableName, 'DynamoDB table of integrations and token hashes');
    output(this, STACK_OUTPUTS.deliveryStreamName, this.lake.deliveryStream.deliveryStreamName, 'Firehose stream the ingest function writes to');
  }
}

function output(stack: Stack, id: string, value: string, description: string): void {
  new CfnOutput(stack, id, { value, description });
}

export { STACK_OUTPUTS };

/** The prop, checked at synth time so a bad value fails `cdk synth`, not the function's cold start. */
function tokenCacheSeconds(seconds: number | undefined): number {
  const value = seconds ?? DEFAULT_TOKEN_CACHE_SECONDS;
  if (!Number.isInteger(value) || value < 0 || value > MAX_TOKEN_CACHE_SECONDS) {
    throw new Error(`tokenCacheSeconds must be a whole number from 0 to ${MAX_TOKEN_CACHE_SECONDS}, got ${value}.`);
  }
  return value;
}
