/**
 * API Gateway HTTP API (payload 2.0) in front of the ingest use case: the event becomes a plain
 * WebhookRequest, the plain response goes back as it is. middy carries the one middleware.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpResponse } from '../app/http-responses';
import type { IngestWebhook, WebhookRequest } from '../app/ingest-webhook';
import type { AppLogger } from '../app/ports';
import { WEBHOOK_PATH, WEBHOOK_TOKEN_PATH } from '../core/webhook-routes';
import { httpErrorResponder } from './http-error-responder';

export type ApiGatewayHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export function createApiGatewayHandler(ingest: IngestWebhook, logger: AppLogger): ApiGatewayHandler {
  return middy<APIGatewayProxyEventV2, HttpResponse>()
    .use(httpErrorResponder(logger))
    .handler((event) => ingest(toWebhookRequest(event, new Date()))) as unknown as ApiGatewayHandler;
}

/** The event as a plain request. API Gateway has already lower-cased header names and joined repeats. */
export function toWebhookRequest(event: APIGatewayProxyEventV2, now: Date): WebhookRequest {
  const token = event.pathParameters?.token;
  const { timeEpoch } = event.requestContext;
  return {
    method: event.requestContext.http.method,
    route: token === undefined ? WEBHOOK_PATH : WEBHOOK_TOKEN_PATH,
    pathToken: token,
    headers: event.headers ?? {},
    body: event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8'),
    receivedAt: timeEpoch ? new Date(timeEpoch) : now,
  };
}
