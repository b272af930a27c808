import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The webhook routes, as API Gateway defines them: `/v1/hooks` and `/v1/hooks/{token}`. */
export function matchWebhookRoute(pathname: string): { token?: string } | undefined {
  if (pathname === '/v1/hooks' || pathname === '/v1/hooks/') return {};
  const match = /^\/v1\/hooks\/([^/]+)\/?$/.exec(pathname);
  if (!match) return undefined;
  return { token: safeDecode(match[1]) };
}

/**
 * Builds the API Gateway HTTP API (payload 2.0) event the ingest handler expects, so the
 * local server and Lambda run the very same code. The body travels base64-encoded so that
 * invalid UTF-8 reaches the handler intact and is refused there.
 */
export function toApiGatewayEvent(
  request: IncomingMessage,
  route: { token?: string },
  body: Buffer,
  arrivedAtMs: number,
): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const method = request.method ?? 'GET';
  const routeKey = route.token === undefined ? 'POST /v1/hooks' : 'POST /v1/hooks/{token}';
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(route.token === undefined ? {} : { pathParameters: { token: route.token } }),
    body: body.toString('base64'),
    isBase64Encoded: true,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `${arrivedAtMs}-${Math.random().toString(36).slice(2, 10)}`,
      routeKey,
      stage: '$default',
      time: new Date(arrivedAtMs).toISOString(),
      timeEpoch: arrivedAtMs,
    },
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
