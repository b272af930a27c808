import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { hooklakeAlarm, type HooklakeAlarmProps } from './hooklake-alarm';

/** Firehose's default quota of active partitions per delivery stream (dynamic partitioning). */
export const DEFAULT_ACTIVE_PARTITION_QUOTA = 500;
/** The partition alarm goes off at this share of the quota: room to ask for more before rows go to errors/. */
const PARTITION_WARNING_SHARE = 0.8;
const FIVE_MINUTES = Duration.minutes(5);

export interface OperationalAlarmsProps {
  readonly api: apigwv2.IHttpApi;
  readonly ingest: lambda.IFunction;
  readonly catalog: lambda.IFunction;
  readonly tokenTable: dynamodb.ITable;
  readonly deliveryStream: firehose.IDeliveryStream;
  /**
   * Active partitions the delivery stream may have, as your account's Firehose quota says.
   * @default DEFAULT_ACTIVE_PARTITION_QUOTA
   */
  readonly activePartitionQuota?: number;
  /** Where alarms (and their return to OK) are sent. @default - none: the alarms show in the console only */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * The alarms that make a failure visible after the provider already had its 200, or before it
 * gets 5xx for long: each one names what broke and says what to do in its description.
 */
export class OperationalAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);
    const quota = props.activePartitionQuota ?? DEFAULT_ACTIVE_PARTITION_QUOTA;
    if (!Number.isInteger(quota) || quota < 1) throw new Error(`activePartitionQuota must be a positive whole number, got ${quota}.`);
    const stream = props.deliveryStream;
    const sum = { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES };
    const max = { statistic: cloudwatch.Stats.MAXIMUM, period: FIVE_MINUTES };
    const add = (alarmId: string, alarm: HooklakeAlarmProps) => this.alarms.push(hooklakeAlarm(this, alarmId, alarm, props.alarmTopic));

    add('WebhookServerErrors', {
      metric: new cloudwatch.MathExpression({
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        usingMetrics: { errors: props.api.metricServerError(sum), requests: props.api.metricCount(sum) },
        period: FIVE_MINUTES,
        label: '5xx share of webhooks (%)',
      }),
      threshold: 1,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: 'More than 1% of webhooks answered 5xx for 10 minutes: providers are retrying (and may give up). Look at the ingest function\'s errors and the Failed metric by Reason.',
    });
    add('LakeDeliveryFailing', {
      metric: stream.metric('DeliveryToS3.Success', { statistic: cloudwatch.Stats.MINIMUM, period: FIVE_MINUTES }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      alarmDescription: 'Firehose could not deliver some acknowledged rows to the lake; they go to the errors/ prefix. Check the bucket and the delivery role, then recover them.',
    });
    add('PartitionsNearQuota', {
      metric: stream.metric('PartitionCount', max),
      threshold: Math.floor(quota * PARTITION_WARNING_SHARE),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: `The delivery stream has ${PARTITION_WARNING_SHARE * 100}% of its ${quota} active partitions (integration x table x day) in use; past the quota rows go to errors/. Ask AWS for a higher Firehose quota and set activePartitionQuota to it.`,
    });
    add('PartitionQuotaExceeded', {
      metric: stream.metric('PartitionCountExceeded', max),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: 'The delivery stream passed its active partition quota: rows beyond it went to errors/. Raise the quota, then recover the rows.',
    });
    add('IngestThrottled', {
      metric: props.ingest.metricThrottles(sum),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: 'Lambda throttled the ingest function (account or reserved concurrency): webhooks got 5xx. Raise the concurrency limit.',
    });
    add('FirehoseThrottled', {
      metric: stream.metric('ThrottledRecords', sum),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: 'Firehose throttled puts: the ingest function retried within its budget, then answered 503. Ask AWS for a higher Firehose throughput quota.',
    });
    add('TokenTableThrottled', {
      metric: props.tokenTable.metricThrottledRequestsForOperations({
        operations: [dynamodb.Operation.GET_ITEM, dynamodb.Operation.QUERY, dynamodb.Operation.PUT_ITEM, dynamodb.Operation.UPDATE_ITEM],
        ...sum,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: 'DynamoDB throttled the token table: token checks answered 503 (never 401). The table is on-demand, so this is a burst past its limits.',
    });
    add('CatalogUpdatesFailing', {
      metric: props.catalog.metricErrors(sum),
      threshold: 0,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: 'The catalog function has failed for 15 minutes: new columns are not in Glue yet (the rows are in the lake). Check its log; `hooklake integrations sync` does the same work by hand.',
    });
    add('CatalogUpdatesBehind', {
      metric: props.catalog.metric('IteratorAge', max),
      threshold: Duration.minutes(15).toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: 'Column registrations have waited over 15 minutes for the catalog function; queries sync Glue themselves meanwhile.',
    });
  }
}
