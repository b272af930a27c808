/**
 * The one mapping from AWS SDK errors to ours. Each adapter first handles what only its service
 * says (a missing bucket, table or stack, a refused condition, a statement Athena rejects), then
 * hands every other failure to `translateAwsError`, which says the rest the same way everywhere:
 * the user's AWS setup (no credentials, credentials refused or expired, no region), a permission
 * the call lacks, or the dependency being unavailable. Messages are one line and say how to fix it.
 */
import { AccessDeniedError, AwsSetupError, HooklakeError } from '../core/errors';

const MISSING = new Set(['CredentialsProviderError']);
const REFUSED = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);
/** S3 answers a bare 403 (no body, e.g. to HEAD) as "Forbidden". */
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'Forbidden']);

/** One AWS call, as an adapter describes it for the messages. */
export interface AwsCall {
  /** The IAM service prefix: "glue", "s3", "athena", "dynamodb", "cloudformation". */
  readonly service: string;
  /** The action as IAM names it: "GetTable", "ListBucket". */
  readonly action: string;
  /** What the call acted on, as the user knows it: `stitch_iterable.data`, `s3://bucket/key`. */
  readonly resource: string;
  /** How to get the permission, one sentence. @default use AWS credentials whose IAM policy allows <service>:<action> on it. */
  readonly accessFix?: string;
  /** The adapter's own "try again later" error; `message` names the call and the SDK error, in one line. */
  readonly unavailable: (message: string, cause: unknown) => HooklakeError;
}

/** Our error for a failed AWS call, with the SDK error as its cause. */
export function translateAwsError(error: unknown, call: AwsCall): HooklakeError {
  if (error instanceof HooklakeError) return error;
  const name = errorName(error);
  const message = firstLine(error);
  const action = `${call.service}:${call.action}`;
  const setup = setupProblem(error, action);
  if (setup) return setup;
  if (DENIED.has(name) || /\bnot authorized\b/i.test(message)) {
    return new AccessDeniedError(
      {
        action,
        resource: call.resource,
        fix: call.accessFix ?? `use AWS credentials whose IAM policy allows ${action} on it.`,
        // "Access Denied" only repeats the name; a longer message names the principal and policy.
        detail: squash(message) === squash(name) ? undefined : message,
      },
      { cause: error },
    );
  }
  return call.unavailable(`Could not call ${action} on ${call.resource}: ${name}: ${message}`, error);
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'UnknownError';
}

/** The first line of an error's message: SDK messages can run to several. */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/** An AwsSetupError when `error` is a credentials or region problem of the call named `call` (e.g. "glue:GetTable"). */
function setupProblem(error: unknown, call: string): AwsSetupError | undefined {
  const name = errorName(error);
  const message = firstLine(error);
  if (MISSING.has(name) || /Could not load credentials/i.test(message)) {
    return new AwsSetupError('No AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run "aws sso login".', {
      cause: error,
    });
  }
  if (EXPIRED.has(name)) {
    return new AwsSetupError(`Your AWS credentials have expired (${call}): refresh them (e.g. "aws sso login") and try again.`, { cause: error });
  }
  if (REFUSED.has(name)) {
    return new AwsSetupError(`AWS did not accept your credentials for ${call} (${name}): sign in again (e.g. "aws sso login") or set AWS_PROFILE.`, {
      cause: error,
    });
  }
  if (/Region is missing/i.test(message)) {
    return new AwsSetupError('No AWS region set: pass --region, or set AWS_REGION (or a region in your AWS profile).', { cause: error });
  }
  return undefined;
}

function squash(text: string): string {
  return text.toLowerCase().replace(/[^a-z]/g, '');
}
