/**
 * What the CDK stack publishes and the CLI reads back: the stack's default name and its output keys.
 * Defined here, not in lib/, so the CLI does not load aws-cdk-lib to find them.
 */
export const DEFAULT_STACK_NAME = 'Hooklake';

export const STACK_OUTPUTS = {
  webhookBaseUrl: 'WebhookBaseUrl',
  lakeBucketName: 'LakeBucketName',
  lakePrefix: 'LakePrefix',
  athenaWorkGroup: 'AthenaWorkGroup',
  tokenTableName: 'TokenTableName',
  deliveryStreamName: 'DeliveryStreamName',
} as const;

export type StackOutputName = keyof typeof STACK_OUTPUTS;
