import { CfnElement, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** The logical id of a construct's CloudFormation resource, as cdk-nag prints it in `<Id.Arn>`. */
export function logicalIdOf(construct: Construct): string {
  const child = construct.node.defaultChild;
  if (!CfnElement.isCfnElement(child)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).getLogicalId(child);
}
