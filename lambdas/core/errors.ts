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

/** A content type that is not JSON or NDJSON (415). */
export class UnsupportedMediaTypeError extends HooklakeError {}

/** The record sink could not store every row, even after retries (503, the provider re-sends). */
export class SinkUnavailableError extends HooklakeError {
  constructor(
    message: string,
    readonly retryAfterSeconds = 5,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The token/integration store could not be reached or answered with a failure (503). */
export class StoreUnavailableError extends HooklakeError {}

/** User input to a command (integration name, primary key, option) that cannot be accepted. */
export class ValidationError extends HooklakeError {}

/** Something that must be unique already exists (an integration schema). */
export class ConflictError extends HooklakeError {}

/** A named thing (integration, token) does not exist. */
export class NotFoundError extends HooklakeError {}

/** An integration already has the most active tokens allowed. */
export class TokenLimitError extends HooklakeError {}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
