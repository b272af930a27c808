import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { decodeBody } from '../core/decode-body';
import { MethodNotAllowedError, UnauthorizedError } from '../core/errors';
import { stampRecords, type StampServices } from '../core/stamp';
import { extractToken, hashToken, isActive } from '../core/tokens';
import type { AppLogger, IntegrationStore, RecordSink } from '../app/ports';
import { errorToResponse, jsonResponse, type HttpResponse } from './http-errors';
import { IntegrationCache } from './integration-cache';

const DEFAULT_INTEGRATION_CACHE_MS = 60_000;

export interface IngestDependencies extends StampServices {
  readonly store: IntegrationStore;
  readonly sink: RecordSink;
  readonly logger: AppLogger;
  readonly clock: () => Date;
  readonly maxBodyBytes: number;
  /** How long an integration read for a webhook is reused. @default 60000 */
  readonly integrationCacheMs?: number;
}

export type IngestHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>;

/**
 * The ingest handler shared by Lambda and the local server: authenticate, decode, stamp, store.
 * A 200 is only sent once the sink says every row is durable.
 */
export function createIngestHandler(deps: IngestDependencies): IngestHandler {
  const integrations = new IntegrationCache(deps.store, deps.integrationCacheMs ?? DEFAULT_INTEGRATION_CACHE_MS);
  const ingest = async (event: APIGatewayProxyEventV2): Promise<HttpResponse> => {
    const arrivedAt = event.requestContext.timeEpoch ? new Date(event.requestContext.timeEpoch) : deps.clock();
    if (event.requestContext.http.method !== 'POST') {
      throw new MethodNotAllowedError(`Method ${event.requestContext.http.method} is not allowed; webhooks are sent with POST.`);
    }
    const token = extractToken({ pathToken: event.pathParameters?.token, authorization: header(event, 'authorization') });
    const tokenRecord = await deps.store.findTokenByHash(hashToken(token));
    const integration = tokenRecord && isActive(tokenRecord) ? await integrations.get(tokenRecord.schema) : undefined;
    if (!integration) throw new UnauthorizedError('Webhook token is unknown or revoked.');

    const body = event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
    const records = decodeBody(body, header(event, 'content-type'), deps.maxBodyBytes);
    const stamped = stampRecords(records, {
      integration,
      receivedAt: arrivedAt,
      batchedAt: deps.clock(),
      nextSequence: deps.nextSequence,
      uuid: deps.uuid,
      maxRecordBytes: deps.maxRecordBytes,
    });
    const sinkRejected = stamped.rows.length > 0 ? (await deps.sink.write({ schema: integration.schema, rows: stamped.rows })).rejected : 0;
    const counts = { records: stamped.records - sinkRejected, rejected: stamped.rejected + sinkRejected };
    deps.logger.info('Webhook stored', { schema: integration.schema, ...counts });
    return jsonResponse(200, { status: 'OK', ...counts });
  };

  return middy<APIGatewayProxyEventV2, HttpResponse>()
    .use({
      onError: async (request) => {
        const response = errorToResponse(request.error);
        // Never the path or headers: they may carry the token.
        const fields = { status: response.statusCode, error: request.error?.name, reason: request.error?.message };
        if (response.statusCode >= 500) deps.logger.error('Webhook failed', { ...fields, cause: describeCause(request.error) });
        else deps.logger.warn('Webhook refused', fields);
        request.response = response;
      },
    })
    .handler(ingest) as unknown as IngestHandler;
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.headers?.[name] ?? undefined;
}

function describeCause(error: unknown): string | undefined {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined;
}
