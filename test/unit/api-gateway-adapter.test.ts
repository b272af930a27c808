import { createApiGatewayHandler, toWebhookRequest } from '../../lambdas/ingest/api-gateway';
import type { WebhookRequest } from '../../lambdas/app/ingest-webhook';
import { RecordingLogger } from '../support/recording-logger';
import { webhookEvent } from '../support/api-events';

const now = new Date('2026-11-24T00:00:00.000Z');

describe('API Gateway adapter: event to plain request', () => {
  it('takes the token from the path parameter and the route from it', () => {
    const request = toWebhookRequest(webhookEvent({ token: 'hlk_x', body: '{"a":1}' }), now);
    expect(request).toMatchObject({ method: 'POST', route: '/v1/hooks/{token}', pathToken: 'hlk_x' });
    expect(request.body.toString('utf8')).toBe('{"a":1}');
  });

  it('has no path token on /v1/hooks, where the token comes in a header', () => {
    const request = toWebhookRequest(webhookEvent({ headers: { authorization: 'Bearer t' }, body: '{}' }), now);
    expect(request.route).toBe('/v1/hooks');
    expect(request.pathToken).toBeUndefined();
    expect(request.headers.authorization).toBe('Bearer t');
  });

  it('decodes a base64 body to the exact bytes sent, invalid UTF-8 included', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0x7d]);
    expect(toWebhookRequest(webhookEvent({ token: 't', body: bytes }), now).body.equals(bytes)).toBe(true);
  });

  it('dates the request by API Gateway arrival time, or now when there is none', () => {
    const event = webhookEvent({ token: 't', body: '{}', timeEpoch: Date.parse('2026-11-23T10:00:00.000Z') });
    expect(toWebhookRequest(event, now).receivedAt.toISOString()).toBe('2026-11-23T10:00:00.000Z');
    const untimed = { ...event, requestContext: { ...event.requestContext, timeEpoch: 0 } };
    expect(toWebhookRequest(untimed, now).receivedAt).toBe(now);
  });

  it('an empty body is zero bytes', () => {
    expect(toWebhookRequest(webhookEvent({ token: 't' }), now).body.length).toBe(0);
  });
});

describe('API Gateway adapter: handler', () => {
  it('passes the plain request to the use case and returns its response as it is', async () => {
    const seen: WebhookRequest[] = [];
    const handler = createApiGatewayHandler(async (request) => {
      seen.push(request);
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"OK"}' };
    }, new RecordingLogger());
    const result = await handler(webhookEvent({ token: 'hlk_x', body: '{"a":1}' }));
    expect(result).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"OK"}' });
    expect(seen).toHaveLength(1);
  });

  it('answers a failure around the use case with JSON 500, the cause only in the log', async () => {
    const logger = new RecordingLogger();
    const handler = createApiGatewayHandler(async () => {
      throw new TypeError('adapter bug with internals');
    }, logger);
    const result = await handler(webhookEvent({ token: 'hlk_x', body: '{}' }));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(String(result.body))).toEqual({ status: 'ERROR', message: 'Internal error.' });
    expect(logger.lines.join('\n')).toMatch(/adapter bug with internals/);
  });
});
