import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { hooklakeDatabaseOf } from '../../lambdas/core/delivery-error-sql';
import { EventLake } from '../../lib/constructs/event-lake';
import { HooklakeFunction } from '../../lib/constructs/hooklake-function';
import { QueryWorkGroup } from '../../lib/constructs/query-workgroup';
import { TokenTable } from '../../lib/constructs/token-table';
import { WebhookApi } from '../../lib/constructs/webhook-api';
import { createHooklakeApp } from '../../lib/hooklake-app';
import { cdkJsonContext } from './synth-hooklake';

/** Prop handling of each construct, on small stacks without the bundled function (fast). */
const newStack = (): Stack => new Stack(new App({ context: cdkJsonContext() }), 'Test');

describe('TokenTable props', () => {
  test('removal policy comes from props; deletion protection follows it', () => {
    const stack = newStack();
    new TokenTable(stack, 'Tokens', { removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
  });

  test('retains and protects the table by default', () => {
    const stack = newStack();
    new TokenTable(stack, 'Tokens');
    const template = Template.fromStack(stack);
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });
});

describe('EventLake props', () => {
  test('refuses a buffering interval under 60 s (dynamic partitioning needs it)', () => {
    expect(() => new EventLake(newStack(), 'Lake', { bufferingInterval: Duration.seconds(30) })).toThrow(/at least 60 s/);
  });

  test('buffering interval and lake expiration come from props', () => {
    const stack = newStack();
    new EventLake(stack, 'Lake', { bufferingInterval: Duration.seconds(300), dataExpiration: Duration.days(400) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: { BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 64 } },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'lake/', ExpirationInDays: 400, Status: 'Enabled' })]),
      },
    });
  });

  test('error output expires only when a prop says so', () => {
    const stack = newStack();
    new EventLake(stack, 'Lake', { errorOutputExpiration: Duration.days(400) });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'errors/', ExpirationInDays: 400, Status: 'Enabled' })]),
      },
    });
  });
});

describe('DeliveryErrorCatalog', () => {
  test('another stack name gets a database of its own, so two stacks in one region do not collide', () => {
    expect(hooklakeDatabaseOf('Hooklake', 'Hooklake')).toBe('hooklake');
    expect(hooklakeDatabaseOf('Hooklake-Staging', 'Hooklake')).toBe('hooklake_hooklake_staging');
  });
});

describe('QueryWorkGroup props', () => {
  test('workgroup name and scan cutoff come from props', () => {
    const stack = newStack();
    new QueryWorkGroup(stack, 'Queries', {
      workGroupName: 'analytics',
      bytesScannedCutoffPerQuery: 1024 ** 3,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'analytics',
      WorkGroupConfiguration: { BytesScannedCutoffPerQuery: 1024 ** 3, EnforceWorkGroupConfiguration: true },
    });
  });

  test('refuses a cutoff below Athena minimum of 10 MiB', () => {
    const stack = newStack();
    expect(
      () => new QueryWorkGroup(stack, 'Queries', { bytesScannedCutoffPerQuery: 1000 }),
    ).toThrow(/bytesScannedCutoffPerQuery/);
  });
});

describe('WebhookApi props', () => {
  const inlineFunction = (stack: Stack) =>
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 })'),
    });

  test('throttling comes from props; POST-only routes when other methods are not routed', () => {
    const stack = newStack();
    new WebhookApi(stack, 'Api', {
      handler: inlineFunction(stack),
      throttle: { rateLimit: 10, burstLimit: 20 },
      routeOtherMethods: false,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingBurstLimit: 20, ThrottlingRateLimit: 10 },
    });
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
    expect(routeKeys.sort()).toEqual(['POST /v1/hooks', 'POST /v1/hooks/{token}']);
  });
});

describe('HooklakeFunction props', () => {
  test('refuses runtimes older than Node.js 22', () => {
    expect(
      () => new HooklakeFunction(newStack(), 'Fn', { entry: 'lambdas/ingest/lambda.ts', runtime: lambda.Runtime.NODEJS_20_X }),
    ).toThrow(/Node\.js 22 or newer/);
  });
});

describe('app', () => {
  test('refuses a stackName context value that is not a CloudFormation stack name', () => {
    expect(() => createHooklakeApp({ context: { stackName: 'bad name!' } })).toThrow(/stackName/);
  });

  test('takes the alarm topic and the partition quota from -c context values, and refuses bad ones', () => {
    const unbundled = { 'aws:cdk:bundling-stacks': [] };
    const { stack } = createHooklakeApp({ context: { ...unbundled, alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops-alerts', activePartitionQuota: '2000' } });
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
    expect(alarms.length).toBeGreaterThan(5);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual(['arn:aws:sns:eu-west-1:123456789012:ops-alerts']);
    expect(alarms.find((alarm) => alarm.MetricName === 'PartitionCount')?.Threshold).toBe(1600);
    expect(() => createHooklakeApp({ context: { ...unbundled, alarmTopicArn: 'ops-alerts' } })).toThrow(/"alarmTopicArn" must be an SNS topic ARN/);
    expect(() => createHooklakeApp({ context: { ...unbundled, activePartitionQuota: 'many' } })).toThrow(/"activePartitionQuota" must be a positive whole number/);
  });
});
