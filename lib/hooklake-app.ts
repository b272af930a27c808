import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_STACK_NAME } from '../lambdas/core/deployment-names';
import { HooklakeStack } from './hooklake-stack';


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
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
