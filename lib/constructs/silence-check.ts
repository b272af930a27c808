import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { SILENCE_ENV, SILENT_INTEGRATIONS_METRIC } from '../../lambdas/silence/env';
import { hooklakeAlarm } from './hooklake-alarm';
import { HooklakeFunction } from './hooklake-function';
import type { TokenTable } from './token-table';

/** Properties of a {@link SilenceCheck}. */
export interface SilenceCheckProps {
  readonly tokens: TokenTable;
  /** The check's Lambda entry (lambdas/silence/lambda.ts). */
  readonly entry: string;
  /** CloudWatch namespace and service dimension of the metric, as the stack's functions publish them. */
  readonly metricsNamespace: string;
  readonly serviceName: string;
  /**
   * How often integrations are checked against their silence threshold (`integrations silence`).
   * @default Duration.minutes(15)
   */
  readonly every?: Duration;
  /** Where the alarm (and its return to OK) is sent. @default - none: it shows in the console only */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * A provider gone quiet: a scheduled function reads the loading counters of integrations that have
 * a silence threshold and publishes how many passed it; the SilentIntegrations alarm goes off while
 * any has. Cheap whatever the traffic: 96 small runs a day, one metric, two alarms.
 */
export class SilenceCheck extends Construct {
  readonly fn: HooklakeFunction;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: SilenceCheckProps) {
    super(scope, id);
    const every = props.every ?? Duration.minutes(15);
    this.fn = new HooklakeFunction(this, 'Function', {
      entry: props.entry,
      description: 'Hooklake silence check: integrations with no accepted webhook for longer than their threshold',
      memorySize: 256,
      timeout: Duration.minutes(1),
      environment: {
        [SILENCE_ENV.tokenTableName]: props.tokens.tableName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
      },
    });
    props.tokens.table.grant(this.fn, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan');
    new events.Rule(this, 'Schedule', { schedule: events.Schedule.rate(every), targets: [new targets.LambdaFunction(this.fn.function)] });

    const silent = new cloudwatch.Metric({ namespace: props.metricsNamespace, metricName: SILENT_INTEGRATIONS_METRIC, dimensionsMap: { service: props.serviceName }, statistic: cloudwatch.Stats.MAXIMUM, period: every });
    this.alarms = [
      hooklakeAlarm(this, 'SilentIntegrations', {
        metric: silent,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarmDescription: 'An integration has had no accepted webhook for longer than its silence threshold: check the provider (its webhook settings, its delivery log). `hooklake --target aws status` shows which, and since when; the check function\'s log names them.',
      }, props.alarmTopic),
      hooklakeAlarm(this, 'SilenceCheckFailing', {
        metric: this.fn.function.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.hours(1) }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription: 'The silence check failed this hour, so quiet providers may go unflagged; see its log.',
      }, props.alarmTopic),
    ];
  }
}
