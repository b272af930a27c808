import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand, type StackStatus } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AccessDeniedError, AwsSetupError, DeploymentUnavailableError, NotFoundError } from '../../lambdas/core/errors';
import { STACK_OUTPUTS } from '../../lambdas/core/deployment-names';
import { readStackOutputs } from '../../lambdas/aws/stack-outputs';

const cloudFormation = mockClient(CloudFormationClient);
const client = () => new CloudFormationClient({ region: 'eu-west-1' });

const VALUES = {
  webhookBaseUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com',
  lakeBucketName: 'lake-bucket',
  lakePrefix: 'lake/',
  athenaWorkGroup: 'Hooklake-lake',
  tokenTableName: 'tokens',
  deliveryStreamName: 'stream',
};

function stack(status: StackStatus, values: Partial<typeof VALUES> = VALUES) {
  const outputs = Object.entries(values).map(([name, OutputValue]) => ({ OutputKey: STACK_OUTPUTS[name as keyof typeof STACK_OUTPUTS], OutputValue }));
  return { Stacks: [{ StackName: 'Hooklake', StackStatus: status, CreationTime: new Date(), Outputs: outputs }] };
}

const serviceError = (name: string, message: string) => new CloudFormationServiceException({ name, $fault: 'client', $metadata: {}, message });

beforeEach(() => cloudFormation.reset());

describe('readStackOutputs', () => {
  it.each(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'] as const)('reads every output of a %s stack', async (status) => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Hooklake' }).resolves(stack(status));
    await expect(readStackOutputs(client(), 'Hooklake')).resolves.toEqual(VALUES);
  });

  it('says the stack is missing in which region, and how to deploy it', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(serviceError('ValidationError', 'Stack with id Other does not exist'));
    const read = readStackOutputs(client(), 'Other');
    await expect(read).rejects.toBeInstanceOf(NotFoundError);
    await expect(readStackOutputs(client(), 'Other')).rejects.toThrow('Stack "Other" not found in eu-west-1. Deploy it with "npm run deploy", or pass --stack and --region.');
  });

  it.each(['CREATE_IN_PROGRESS', 'ROLLBACK_COMPLETE', 'DELETE_IN_PROGRESS', 'UPDATE_FAILED'] as const)('refuses a stack that is %s', async (status) => {
    cloudFormation.on(DescribeStacksCommand).resolves(stack(status));
    await expect(readStackOutputs(client(), 'Hooklake')).rejects.toThrow(new RegExp(`Stack "Hooklake" is ${status}`));
  });

  it('names the outputs a stack lacks and says to redeploy', async () => {
    const { athenaWorkGroup: _w, tokenTableName: _t, ...partial } = VALUES;
    cloudFormation.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE', partial));
    await expect(readStackOutputs(client(), 'Hooklake')).rejects.toThrow(/has no output AthenaWorkGroup, TokenTableName.*npm run deploy/);
  });

  it.each([
    [Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), /No AWS credentials found: set AWS_PROFILE/],
    [serviceError('ExpiredToken', 'The security token included in the request is expired'), /credentials have expired/],
    [new Error('Region is missing'), /No AWS region set: pass --region/],
  ])('translates %s into an AwsSetupError that says what to do', async (error, message) => {
    cloudFormation.on(DescribeStacksCommand).rejects(error);
    const read = readStackOutputs(client(), 'Hooklake');
    await expect(read).rejects.toBeInstanceOf(AwsSetupError);
    await expect(readStackOutputs(client(), 'Hooklake')).rejects.toThrow(message);
  });

  it('translates AccessDenied into an AccessDeniedError naming the call and what to do', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(serviceError('AccessDenied', 'User x is not authorized to perform: cloudformation:DescribeStacks'));
    const read = readStackOutputs(client(), 'Hooklake');
    await expect(read).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(read).rejects.toMatchObject({ action: 'cloudformation:DescribeStacks', resource: 'stack "Hooklake"' });
    await expect(read).rejects.toThrow(/Not allowed to call cloudformation:DescribeStacks on stack "Hooklake" .*those that deployed it/);
  });

  it('reports any other failure as the deployment being unavailable, in one line', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(serviceError('Throttling', 'Rate exceeded\nrequest id 1'));
    const read = readStackOutputs(client(), 'Hooklake');
    await expect(read).rejects.toBeInstanceOf(DeploymentUnavailableError);
    await expect(read).rejects.toThrow(/^Could not call cloudformation:DescribeStacks on stack "Hooklake": Throttling: Rate exceeded$/);
  });
});
