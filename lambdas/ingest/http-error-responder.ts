import type middy from '@middy/core';
import { failureResponse, type HttpResponse } from '../app/http-responses';
import type { AppLogger } from '../app/ports';

/**
 * The ingest use case answers its own failures; this catches what fails around it (a malformed
 * event, a bug in the adapter) and answers it the same way, so no request ends without JSON.
 */
export function httpErrorResponder(logger: AppLogger): middy.MiddlewareObj<unknown, HttpResponse> {
  return {
    onError: async (request) => {
      request.response = failureResponse(request.error, logger);
    },
  };
}
