import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  DependencyUnavailableError,
  IntegrationStoreUnavailableError,
  MalformedBodyError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  SinkUnavailableError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from '../core/errors';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

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
  if (error instanceof PayloadTooLargeError) return fail(413, error.message);
  if (error instanceof UnsupportedMediaTypeError) return fail(415, error.message);
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
  return fail(500, 'Internal error.');
}
