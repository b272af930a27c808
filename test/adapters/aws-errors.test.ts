import { translateAwsError, type AwsCall } from '../../lambdas/aws/aws-errors';
import { AccessDeniedError, AwsSetupError, LakeUnavailableError, NotFoundError } from '../../lambdas/core/errors';

const sdkError = (name: string, message = name) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });

const call: AwsCall = {
  service: 's3',
  action: 'GetObject',
  resource: 's3://lake/key',
  unavailable: (message, cause) => new LakeUnavailableError(message, { cause }),
};

describe('translateAwsError', () => {
  it.each([
    [sdkError('CredentialsProviderError', 'Could not load credentials from any providers'), /^No AWS credentials found/],
    [sdkError('ExpiredTokenException'), /^Your AWS credentials have expired \(s3:GetObject\)/],
    [sdkError('InvalidAccessKeyId'), /^AWS did not accept your credentials for s3:GetObject \(InvalidAccessKeyId\)/],
    [sdkError('SignatureDoesNotMatch'), /did not accept your credentials/],
    [new Error('Region is missing'), /^No AWS region set: pass --region/],
  ])('turns %s into an AwsSetupError saying how to fix it', (error, message) => {
    const problem = translateAwsError(error, call);
    expect(problem).toBeInstanceOf(AwsSetupError);
    expect(problem.message).toMatch(message);
    expect(problem.cause).toBe(error);
  });

  it.each([
    sdkError('AccessDenied', 'Access Denied'),
    sdkError('AccessDeniedException', 'User: arn:aws:iam::1:user/x is not authorized to perform: s3:GetObject'),
    sdkError('Forbidden', 'Forbidden'),
    sdkError('SomethingElse', 'User x is not authorized to perform this'),
  ])('turns %s into an AccessDeniedError naming the call, the resource and the fix', (error) => {
    const denied = translateAwsError(error, call);
    expect(denied).toBeInstanceOf(AccessDeniedError);
    expect(denied).toMatchObject({ action: 's3:GetObject', resource: 's3://lake/key', cause: error });
    expect(denied.message).toMatch(/^Not allowed to call s3:GetObject on s3:\/\/lake\/key.*; use AWS credentials whose IAM policy allows s3:GetObject on it\.$/);
  });

  it('keeps a detailed denial message and drops one that only repeats the name', () => {
    expect(translateAwsError(sdkError('AccessDenied', 'Access Denied'), call).message).not.toContain('(Access Denied)');
    expect(translateAwsError(sdkError('AccessDeniedException', 'User x is not authorized'), call).message).toContain('(User x is not authorized)');
  });

  it('uses the adapter\'s fix when it gives one', () => {
    const denied = translateAwsError(sdkError('AccessDenied'), { ...call, accessFix: 'ask for lake access.' });
    expect(denied.message).toBe('Not allowed to call s3:GetObject on s3://lake/key; ask for lake access.');
  });

  it('leaves every other failure to the adapter\'s unavailable error, in one line naming the call', () => {
    const error = sdkError('SlowDown', 'Please reduce your request rate.\nRequest id: 123');
    const unavailable = translateAwsError(error, call);
    expect(unavailable).toBeInstanceOf(LakeUnavailableError);
    expect(unavailable.message).toBe('Could not call s3:GetObject on s3://lake/key: SlowDown: Please reduce your request rate.');
    expect(unavailable.cause).toBe(error);
  });

  it('passes our own errors through', () => {
    const ours = new NotFoundError('no such thing');
    expect(translateAwsError(ours, call)).toBe(ours);
  });
});
