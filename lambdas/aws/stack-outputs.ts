/**
 * The deployed stack's outputs, read back through CloudFormation: everything the CLI needs to find
 * the deployment (API URL, lake bucket, workgroup, token table). SDK failures become one-line errors
 * that say what to do.
 */
import { DescribeStacksCommand, type CloudFormationClient, type Stack } from '@aws-sdk/client-cloudformation';
import { DeploymentUnavailableError, NotFoundError, ValidationError, type HooklakeError } from '../core/errors';
import { errorName, firstLine, translateAwsError } from './aws-errors';
import { STACK_OUTPUTS, type StackOutputName } from '../core/deployment-names';

export type HooklakeStackOutputs = Record<StackOutputName, string>;

/** States in which the stack's outputs are those of a finished deployment. */
const USABLE_STATUSES = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);

export async function readStackOutputs(client: CloudFormationClient, stackName: string): Promise<HooklakeStackOutputs> {
  const stack = await describeStack(client, stackName);
  const status = stack.StackStatus ?? 'UNKNOWN';
  if (!USABLE_STATUSES.has(status)) {
    throw new ValidationError(
      `Stack "${stackName}" is ${status}, not deployed and complete; wait for it to finish, or run "npm run deploy" again.`,
    );
  }
  const values = new Map((stack.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
  const missing: string[] = [];
  const outputs: Partial<HooklakeStackOutputs> = {};
  for (const [name, key] of Object.entries(STACK_OUTPUTS) as [StackOutputName, string][]) {
    const value = values.get(key);
    if (value === undefined || value === '') missing.push(key);
    else outputs[name] = value;
  }
  if (missing.length > 0) {
    throw new ValidationError(
      `Stack "${stackName}" has no output ${missing.join(', ')}: it is not a Hooklake stack, or one from an older version; run "npm run deploy" to update it.`,
    );
  }
  return outputs as HooklakeStackOutputs;
}

async function describeStack(client: CloudFormationClient, stackName: string): Promise<Stack> {
  let stacks: Stack[] | undefined;
  try {
    ({ Stacks: stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName })));
  } catch (error) {
    throw await translate(error, client, stackName);
  }
  const stack = stacks?.[0];
  if (stack === undefined) throw await notFound(client, stackName);
  return stack;
}

async function translate(error: unknown, client: CloudFormationClient, stackName: string): Promise<HooklakeError> {
  if (errorName(error) === 'ValidationError' && /does not exist/.test(firstLine(error))) return notFound(client, stackName);
  return translateAwsError(error, {
    service: 'cloudformation',
    action: 'DescribeStacks',
    resource: `stack "${stackName}"`,
    accessFix: 'use AWS credentials that may read it, e.g. those that deployed it.',
    unavailable: (message, cause) => new DeploymentUnavailableError(message, { cause }),
  });
}

async function notFound(client: CloudFormationClient, stackName: string): Promise<NotFoundError> {
  const region = await client.config.region().catch(() => 'this region');
  return new NotFoundError(`Stack "${stackName}" not found in ${region}. Deploy it with "npm run deploy", or pass --stack and --region.`);
}
