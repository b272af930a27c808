/**
 * Named errors of the domain. Adapters translate SDK and I/O failures into these;
 * `lambdas/app/http-responses.ts` is the one place that maps them to HTTP responses.
 */
export class HooklakeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request body cannot be read as JSON or NDJSON (400). */
export class MalformedBodyError extends HooklakeError {}

/** No usable token, or a token that is unknown or revoked (401). Never carries the token. */
export class UnauthorizedError extends HooklakeError {}

/** Which part of a signature check failed; the 401 names it. */
export type SignatureCheck = 'missing header' | 'malformed header' | 'stale timestamp' | 'bad signature';

/** The request is not signed as the integration's provider signs (401); nothing of it is stored. */
export class SignatureError extends UnauthorizedError {
  constructor(
    readonly check: SignatureCheck,
    detail: string,
  ) {
    super(`Signature check failed (${check}): ${detail}`);
  }
}

/** Any method but POST on a webhook route (405). */
export class MethodNotAllowedError extends HooklakeError {
  readonly allow = 'POST';
}

/** The body is over the configured size limit (413). */
export class PayloadTooLargeError extends HooklakeError {
  constructor(
    readonly limitBytes: number,
    options?: { cause?: unknown },
  ) {
    super(`Request body is larger than the ${formatBytes(limitBytes)} limit; send fewer events per request.`, options);
  }
}

/**
 * The body holds more records than one request may (413): every record becomes a row held in memory
 * until the sink has it, so a body of tiny records would otherwise cost many times its size.
 */
export class TooManyRecordsError extends HooklakeError {
  constructor(readonly maxRecords: number) {
    super(`Request body holds more than ${maxRecords.toLocaleString('en-US')} records; send fewer events per request.`);
  }
}

/**
 * The server holds as many bytes of request bodies as it may at once; this one must come back
 * later (503 with Retry-After). Bounds memory under a burst of large bodies.
 */
export class ServerBusyError extends HooklakeError {
  constructor(
    readonly maxBytesInFlight: number,
    readonly retryAfterSeconds = 1,
  ) {
    super(`The server already holds ${formatBytes(maxBytesInFlight)} of request bodies in flight; retry later.`);
  }
}

/** A content type that is not JSON or NDJSON (415). */
export class UnsupportedMediaTypeError extends HooklakeError {}

/** What a DependencyUnavailableError says failed; each subclass names one. */
export type Dependency = 'integration store' | 'record sink' | 'table catalog' | 'lake files' | 'query engine' | 'deployment';

const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * Something Hooklake depends on could not be used right now, so trying again later may work (503
 * with Retry-After on the webhook path). Throw a subclass: its name and `dependency` say which.
 */
export abstract class DependencyUnavailableError extends HooklakeError {
  abstract readonly dependency: Dependency;
  /** When a client should try again. */
  readonly retryAfterSeconds: number;

  constructor(message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  }
}

/** The integration/token store (DynamoDB, or dynalite locally) could not be reached or answered with a failure. */
export class IntegrationStoreUnavailableError extends DependencyUnavailableError {
  override readonly dependency = 'integration store';
}

/** The record sink could not store every row, even after retries (the provider re-sends). */
export class SinkUnavailableError extends DependencyUnavailableError {
  override readonly dependency = 'record sink';

  constructor(message: string, retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS, options?: { cause?: unknown }) {
    super(message, { ...options, retryAfterSeconds });
  }
}

/** The table catalog (Glue) could not be read or changed. */
export class CatalogUnavailableError extends DependencyUnavailableError {
  override readonly dependency = 'table catalog';
}

/** The lake's files (S3) could not be listed or read. */
export class LakeUnavailableError extends DependencyUnavailableError {
  override readonly dependency = 'lake files';
}

/** The query engine (Athena) could not run a query, for reasons of its own rather than the statement's. */
export class QueryEngineUnavailableError extends DependencyUnavailableError {
  override readonly dependency = 'query engine';
}

/** The deployment's description (CloudFormation stack outputs) could not be read. */
export class DeploymentUnavailableError extends DependencyUnavailableError {
  override readonly dependency = 'deployment';
}

/**
 * A service refused a call for lack of permission; the same call will be refused again. One class
 * for every service: the message names the call (service:action), what it acted on, and how to fix it.
 */
export class AccessDeniedError extends HooklakeError {
  /** The refused call as IAM names it, e.g. "glue:UpdateTable". */
  readonly action: string;
  readonly resource: string;

  constructor(denied: { action: string; resource: string; fix: string; detail?: string }, options?: { cause?: unknown }) {
    const detail = denied.detail ? ` (${denied.detail})` : '';
    super(`Not allowed to call ${denied.action} on ${denied.resource}${detail}; ${denied.fix}`, options);
    this.action = denied.action;
    this.resource = denied.resource;
  }
}

/** This machine's or function's AWS setup cannot make calls: no credentials, credentials refused or expired, no region or the wrong one. */
export class AwsSetupError extends HooklakeError {}

/** User input to a command (integration name, primary key, option) that cannot be accepted. */
export class ValidationError extends HooklakeError {}

/** Something that must be unique already exists (an integration schema). */
export class ConflictError extends HooklakeError {}

/** A recovery of failed deliveries stopped before its end; running it again carries on where it stopped. */
export class RecoveryIncompleteError extends HooklakeError {}

/** A named thing (integration, token) does not exist. */
export class NotFoundError extends HooklakeError {}

/** An integration already has the most active tokens allowed. */
export class TokenLimitError extends HooklakeError {}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** A query stopped before its end by whoever ran it: a time limit passed, the client went away, the server is stopping. */
export class QueryStoppedError extends HooklakeError {}
