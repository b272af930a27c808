import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_STACK_NAME } from '../lambdas/core/deployment-names';
import { HooklakeStack, type HooklakeStackProps } from './hooklake-stack';


/**
 * The CDK app as `cdk synth` builds it: one environment-agnostic Hooklake stack (named by the
 * `stackName` context value) checked by cdk-nag's AwsSolutions pack as a validation plugin, so
 * that an unacknowledged finding fails the synth. Tests build the same app through here.
 */
export function createHooklakeApp(props: AppProps = {}): { app: App; stack: HooklakeStack } {
  const app = new App(props);
  const stackName: unknown = app.node.tryGetContext('stackName') ?? DEFAULT_STACK_NAME;
  if (typeof stackName !== 'string' || !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    throw new Error(`Context "stackName" must be a CloudFormation stack name (letters, digits, hyphens), got ${JSON.stringify(stackName)}.`);
  }
  const stack = new HooklakeStack(app, stackName, {
    description: 'Hooklake: webhooks into a queryable lake (API Gateway, Lambda, DynamoDB, Firehose, S3, Athena)',
    ...alarmContext(app),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/** `-c alarmTopicArn=arn:aws:sns:...` and `-c activePartitionQuota=N`: the alarm props, from the deploy command. */
function alarmContext(app: App): Pick<HooklakeStackProps, 'activePartitionQuota'> & { alarmTopicArn?: string } {
  const topicArn: unknown = app.node.tryGetContext('alarmTopicArn');
  const quota: unknown = app.node.tryGetContext('activePartitionQuota');
  if (topicArn !== undefined && (typeof topicArn !== 'string' || !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(topicArn))) {
    throw new Error(`Context "alarmTopicArn" must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got ${JSON.stringify(topicArn)}.`);
  }
  const partitions = quota === undefined ? undefined : Number(quota);
  if (partitions !== undefined && (!Number.isInteger(partitions) || partitions < 1)) {
    throw new Error(`Context "activePartitionQuota" must be a positive whole number (your Firehose quota of active partitions), got ${JSON.stringify(quota)}.`);
  }
  return { ...(topicArn === undefined ? {} : { alarmTopicArn: topicArn as string }), ...(partitions === undefined ? {} : { activePartitionQuota: partitions }) };
}
