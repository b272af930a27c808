/**
 * What every AWS adapter says the same way: no credentials, credentials refused or expired, no
 * region. These are the user's setup, not the service's state, so each message says how to fix it.
 */
import { ValidationError } from '../core/errors';

const MISSING = new Set(['CredentialsProviderError']);
const REFUSED = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/** The first line of an error's message: SDK messages can run to several. */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/** A ValidationError when `error` is a credentials or region problem of the call named `call` (e.g. "glue:GetTable"). */
export function setupProblem(error: unknown, call: string): ValidationError | undefined {
  const name = errorName(error);
  const message = firstLine(error);
  if (MISSING.has(name) || /Could not load credentials/i.test(message)) {
    return new ValidationError('No AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run "aws sso login".', {
      cause: error,
    });
  }
  if (EXPIRED.has(name)) {
    return new ValidationError(`Your AWS credentials have expired (${call}): refresh them (e.g. "aws sso login") and try again.`, { cause: error });
  }
  if (REFUSED.has(name)) {
    return new ValidationError(`AWS did not accept your credentials for ${call} (${name}): sign in again (e.g. "aws sso login") or set AWS_PROFILE.`, {
      cause: error,
    });
  }
  if (/Region is missing/i.test(message)) {
    return new ValidationError('No AWS region set: pass --region, or set AWS_REGION (or a region in your AWS profile).', { cause: error });
  }
  return undefined;
}

/** A lake prefix as the layout uses it: no leading slash, one trailing slash (or empty). */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}
