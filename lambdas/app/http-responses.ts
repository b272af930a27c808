import {
  AccessDeniedError,
  AwsSetupError,
  DependencyUnavailableError,
  IntegrationStoreUnavailableError,
  MalformedBodyError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  ServerBusyError,
  SinkUnavailableError,
  TooManyRecordsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from '../core/errors';
import type { AppLogger } from './ports';

/** A permission or credentials problem takes a person to fix: ask for the retry a little later. */
const MISCONFIGURED_RETRY_AFTER_SECONDS = 60;

/** What every runtime sends back: the Lambda adapter and the local server write it out as it is. */
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export function jsonResponse(statusCode: number, payload: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  };
}

/**
 * The one mapping from errors to HTTP responses. 4xx say what was wrong; 5xx hide their cause
 * (it is logged instead) and tell the provider to retry.
 */
export function errorToResponse(error: unknown): HttpResponse {
  const fail = (status: number, message: string, headers: Record<string, string> = {}) =>
    jsonResponse(status, { status: 'ERROR', message }, headers);
  if (error instanceof MalformedBodyError) return fail(400, error.message);
  if (error instanceof UnauthorizedError) return fail(401, error.message);
  if (error instanceof MethodNotAllowedError) return fail(405, error.message, { allow: error.allow });
  if (error instanceof PayloadTooLargeError || error instanceof TooManyRecordsError) return fail(413, error.message);
  if (error instanceof UnsupportedMediaTypeError) return fail(415, error.message);
  if (error instanceof ServerBusyError) {
    return fail(503, 'Too many requests are being stored right now; retry later.', { 'retry-after': String(error.retryAfterSeconds) });
  }
  if (error instanceof SinkUnavailableError) {
    return fail(503, 'Events could not be stored right now; retry later.', {
      'retry-after': String(error.retryAfterSeconds),
    });
  }
  if (error instanceof IntegrationStoreUnavailableError) {
    return fail(503, 'Token check is unavailable right now; retry later.', {
      'retry-after': String(error.retryAfterSeconds),
    });
  }
  if (error instanceof DependencyUnavailableError) {
    return fail(503, 'Service is unavailable right now; retry later.', { 'retry-after': String(error.retryAfterSeconds) });
  }
  // A permission or credentials the deployment lacks: the operator fixes it, the provider's retry then lands.
  if (error instanceof AccessDeniedError || error instanceof AwsSetupError) {
    return fail(503, 'Service is unavailable right now; retry later.', { 'retry-after': String(MISCONFIGURED_RETRY_AFTER_SECONDS) });
  }
  return fail(500, 'Internal error.');
}

/**
 * The response for a failed request, logged on the way: 4xx as a warning with the reason, 5xx as
 * an error with the cause (which the response hides). Never the path or headers: they may carry
 * the token.
 */
export function failureResponse(error: unknown, logger: AppLogger, fields: Record<string, unknown> = {}): HttpResponse {
  const response = errorToResponse(error);
  const name = error instanceof Error ? error.name : typeof error;
  const reason = error instanceof Error ? error.message : String(error);
  const dependency = error instanceof DependencyUnavailableError ? { dependency: error.dependency } : {};
  const logged = { ...fields, status: response.statusCode, error: name, reason, ...dependency };
  // A busy server turning a webhook away is back-pressure working, not a failure to look into.
  if (response.statusCode >= 500 && !(error instanceof ServerBusyError)) logger.error('Webhook failed', { ...logged, cause: describeCause(error) });
  else logger.warn('Webhook refused', logged);
  return response;
}

function describeCause(error: unknown): string | undefined {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined;
}
