/**
 * The credential provider of the Lambda bundles, in place of the SDK's default chain
 * (`@aws-sdk/credential-provider-node`; the swap is a bundler alias in lib/lambda-bundling.ts).
 * Lambda gives a function its execution role's keys in environment variables, which is where the
 * default chain looks first; nothing else of that chain ever runs in Lambda. Same export name and
 * shape as the package it replaces, so the SDK clients call it unchanged.
 */

export interface EnvironmentCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export const CREDENTIAL_ENV = {
  accessKeyId: 'AWS_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  sessionToken: 'AWS_SESSION_TOKEN',
  expiration: 'AWS_CREDENTIAL_EXPIRATION',
} as const;

export function defaultProvider(): () => Promise<EnvironmentCredentials> {
  return async () => credentialsFromEnvironment(process.env);
}

export function credentialsFromEnvironment(env: NodeJS.ProcessEnv): EnvironmentCredentials {
  const accessKeyId = env[CREDENTIAL_ENV.accessKeyId];
  const secretAccessKey = env[CREDENTIAL_ENV.secretAccessKey];
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      `${CREDENTIAL_ENV.accessKeyId} and ${CREDENTIAL_ENV.secretAccessKey} are not set: Lambda sets them to the ` +
        'execution role\'s keys, and this bundle reads credentials from nowhere else.',
    );
  }
  const sessionToken = env[CREDENTIAL_ENV.sessionToken];
  const expiration = env[CREDENTIAL_ENV.expiration];
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration ? { expiration: new Date(expiration) } : {}),
  };
}
