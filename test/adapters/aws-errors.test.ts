import { normalizePrefix, setupProblem } from '../../lambdas/aws/aws-errors';
import { ValidationError } from '../../lambdas/core/errors';

const sdkError = (name: string, message = name) => Object.assign(new Error(message), { name });

describe('setupProblem', () => {
  it.each([
    [sdkError('CredentialsProviderError', 'Could not load credentials from any providers'), /^No AWS credentials found/],
    [sdkError('ExpiredTokenException'), /^Your AWS credentials have expired \(s3:GetObject\)/],
    [sdkError('InvalidAccessKeyId'), /^AWS did not accept your credentials for s3:GetObject \(InvalidAccessKeyId\)/],
    [sdkError('SignatureDoesNotMatch'), /did not accept your credentials/],
    [new Error('Region is missing'), /^No AWS region set: pass --region/],
  ])('turns %s into a ValidationError saying how to fix it', (error, message) => {
    const problem = setupProblem(error, 's3:GetObject');
    expect(problem).toBeInstanceOf(ValidationError);
    expect(problem?.message).toMatch(message);
    expect(problem?.cause).toBe(error);
  });

  it('leaves every other error to the adapter', () => {
    expect(setupProblem(sdkError('AccessDenied'), 's3:GetObject')).toBeUndefined();
    expect(setupProblem(sdkError('ThrottlingException'), 'glue:GetTable')).toBeUndefined();
  });
});

describe('normalizePrefix', () => {
  it.each([
    ['lake/', 'lake/'],
    ['lake', 'lake/'],
    ['/lake/', 'lake/'],
    ['', ''],
    ['a/b', 'a/b/'],
  ])('%j becomes %j', (input, expected) => {
    expect(normalizePrefix(input)).toBe(expected);
  });
});
