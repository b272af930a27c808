import {
  AccessDeniedError,
  AwsSetupError,
  CatalogUnavailableError,
  DependencyUnavailableError,
  DeploymentUnavailableError,
  HooklakeError,
  IntegrationStoreUnavailableError,
  LakeUnavailableError,
  QueryEngineUnavailableError,
  SinkUnavailableError,
} from '../../lambdas/core/errors';

describe('DependencyUnavailableError', () => {
  it.each([
    [new IntegrationStoreUnavailableError('x'), 'IntegrationStoreUnavailableError', 'integration store'],
    [new CatalogUnavailableError('x'), 'CatalogUnavailableError', 'table catalog'],
    [new LakeUnavailableError('x'), 'LakeUnavailableError', 'lake files'],
    [new QueryEngineUnavailableError('x'), 'QueryEngineUnavailableError', 'query engine'],
    [new DeploymentUnavailableError('x'), 'DeploymentUnavailableError', 'deployment'],
    [new SinkUnavailableError('x'), 'SinkUnavailableError', 'record sink'],
  ])('%s is named for its dependency and retried after 5 s', (error, name, dependency) => {
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(error).toBeInstanceOf(HooklakeError);
    expect(error.name).toBe(name);
    expect(error.dependency).toBe(dependency);
    expect(error.retryAfterSeconds).toBe(5);
  });

  it('keeps the sink\'s own Retry-After and the cause', () => {
    const cause = new Error('throttled');
    const error = new SinkUnavailableError('down', 7, { cause });
    expect(error.retryAfterSeconds).toBe(7);
    expect(error.cause).toBe(cause);
  });
});

describe('AccessDeniedError', () => {
  it('names the call, the resource and the fix in one line', () => {
    const error = new AccessDeniedError({ action: 'glue:GetTable', resource: 'shop.data', fix: 'use other credentials.', detail: 'User x is not authorized' });
    expect(error.message).toBe('Not allowed to call glue:GetTable on shop.data (User x is not authorized); use other credentials.');
    expect(error).toMatchObject({ name: 'AccessDeniedError', action: 'glue:GetTable', resource: 'shop.data' });
    expect(error).toBeInstanceOf(HooklakeError);
    expect(error).not.toBeInstanceOf(DependencyUnavailableError);
  });

  it('leaves out an empty detail', () => {
    expect(new AccessDeniedError({ action: 's3:GetObject', resource: 's3://b/k', fix: 'ask.' }).message).toBe('Not allowed to call s3:GetObject on s3://b/k; ask.');
  });
});

describe('AwsSetupError', () => {
  it('is a HooklakeError, so the CLI prints it as one line', () => {
    expect(new AwsSetupError('No AWS region set')).toBeInstanceOf(HooklakeError);
  });
});
