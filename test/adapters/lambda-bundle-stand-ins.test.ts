/**
 * The modules the Lambda bundles use in place of SDK packages (lib/lambda-bundling.ts): they must do
 * what the Lambda needs of the package they replace, and fail by name when asked for more.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { credentialsFromEnvironment, defaultProvider } from '../../lambdas/aws/lambda-credentials';
import { EventStreamSerde, eventStreamSerdeProvider } from '../../lambdas/aws/no-event-streams';

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret-key' };

describe('lambda credentials (the SDK default chain in the bundles)', () => {
  test('reads the execution role keys Lambda puts in the environment, session token included', () => {
    expect(credentialsFromEnvironment({ ...KEYS, AWS_SESSION_TOKEN: 'session' })).toEqual({
      accessKeyId: 'AKIDTEST',
      secretAccessKey: 'secret-key',
      sessionToken: 'session',
    });
  });

  test('passes on an expiration, so the SDK refreshes before it', () => {
    const credentials = credentialsFromEnvironment({ ...KEYS, AWS_CREDENTIAL_EXPIRATION: '2026-11-24T12:00:00Z' });
    expect(credentials.expiration).toEqual(new Date('2026-11-24T12:00:00Z'));
    expect(credentials).not.toHaveProperty('sessionToken');
  });

  test('without keys, fails naming the variables instead of trying other sources', () => {
    expect(() => credentialsFromEnvironment({ AWS_ACCESS_KEY_ID: 'AKIDTEST' })).toThrow(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set/);
  });

  test('plugs into an SDK client as its default credential provider, read at call time', async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, KEYS, { AWS_SESSION_TOKEN: 'session' });
      const client = new DynamoDBClient({ region: 'eu-west-1', credentialDefaultProvider: defaultProvider });
      await expect(client.config.credentials()).resolves.toMatchObject({ accessKeyId: 'AKIDTEST', sessionToken: 'session' });
    } finally {
      process.env = saved;
    }
  });
});

describe('no event streams', () => {
  test('an operation that streams events fails with a message that says why', () => {
    expect(() => new EventStreamSerde()).toThrow(/event streams are not bundled/);
    expect(() => eventStreamSerdeProvider()).toThrow(/event streams are not bundled/);
  });
});
