import {
  AccessDeniedError,
  AwsSetupError,
  CatalogUnavailableError,
  DeploymentUnavailableError,
  IntegrationStoreUnavailableError,
  LakeUnavailableError,
  QueryEngineUnavailableError,
  ServerBusyError,
  SinkUnavailableError,
} from '../../lambdas/core/errors';
import { errorToResponse, failureResponse } from '../../lambdas/app/http-responses';
import { RecordingLogger } from '../support/recording-logger';

const body = (error: unknown) => JSON.parse(errorToResponse(error).body) as { status: string; message: string };

describe('failureResponse', () => {
  it('answers a busy server 503 with Retry-After 1 and logs it as a warning, a failed store as an error', () => {
    const logger = new RecordingLogger();
    const busy = failureResponse(new ServerBusyError(64 * 1024 * 1024), logger);
    expect(busy.statusCode).toBe(503);
    expect(busy.headers).toMatchObject({ 'retry-after': '1' });
    failureResponse(new SinkUnavailableError('disk full'), logger);
    expect(logger.lines.map((line) => JSON.parse(line).level)).toEqual(['WARN', 'ERROR']);
  });
});

describe('errorToResponse', () => {
  it('answers a sink failure 503 with its Retry-After', () => {
    const response = errorToResponse(new SinkUnavailableError('Firehose said no', 9));
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '9' });
    expect(body(new SinkUnavailableError('Firehose said no'))).toEqual({ status: 'ERROR', message: 'Events could not be stored right now; retry later.' });
  });

  it('answers an unavailable token store 503 with Retry-After, as a token check', () => {
    const response = errorToResponse(new IntegrationStoreUnavailableError('DynamoDB throttled'));
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '5' });
    expect(body(new IntegrationStoreUnavailableError('DynamoDB throttled'))).toEqual({ status: 'ERROR', message: 'Token check is unavailable right now; retry later.' });
  });

  it.each([
    new CatalogUnavailableError('Glue down'),
    new LakeUnavailableError('S3 down'),
    new QueryEngineUnavailableError('Athena down'),
    new DeploymentUnavailableError('CloudFormation down'),
  ])('answers any other unavailable dependency 503 with Retry-After, hiding which (%s)', (error) => {
    const response = errorToResponse(error);
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '5' });
    expect(response.body).not.toContain(error.message);
  });

  it.each([
    new AccessDeniedError({ action: 'dynamodb:GetItem', resource: 'table "t"', fix: 'fix IAM.' }),
    new AwsSetupError('No AWS region set'),
  ])('answers a setup or permission problem 503 with a later Retry-After, without its detail (%s)', (error) => {
    const response = errorToResponse(error);
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '60' });
    expect(response.body).not.toMatch(/dynamodb|IAM|region/);
  });
});
