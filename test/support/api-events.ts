import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface EventInput {
  readonly method?: string;
  readonly token?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly timeEpoch?: number;
}

/** An API Gateway HTTP API (payload 2.0) event as the webhook routes receive it. */
export function webhookEvent(input: EventInput = {}): APIGatewayProxyEventV2 {
  const method = input.method ?? 'POST';
  const path = input.token === undefined ? '/v1/hooks' : `/v1/hooks/${input.token}`;
  const body = input.body;
  return {
    version: '2.0',
    routeKey: input.token === undefined ? 'POST /v1/hooks' : 'POST /v1/hooks/{token}',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...input.headers },
    ...(input.token === undefined ? {} : { pathParameters: { token: input.token } }),
    ...(body === undefined
      ? {}
      : Buffer.isBuffer(body)
        ? { body: body.toString('base64'), isBase64Encoded: true }
        : { body, isBase64Encoded: false }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'example.com',
      domainPrefix: 'example',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
      requestId: 'req-1',
      routeKey: 'POST /v1/hooks/{token}',
      stage: '$default',
      time: '',
      timeEpoch: input.timeEpoch ?? Date.parse('2026-11-23T10:00:00.000Z'),
    },
  } as APIGatewayProxyEventV2;
}
