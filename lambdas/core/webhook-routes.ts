/**
 * The webhook routes, as API Gateway, the local server and every printed URL know them:
 * `POST /v1/hooks/{token}`, and `POST /v1/hooks` with the token in the Authorization header.
 */
export const WEBHOOK_PATH = '/v1/hooks';
export const WEBHOOK_TOKEN_PATH = `${WEBHOOK_PATH}/{token}`;
/** Token route first: API Gateway and the local server try them in this order. */
export const WEBHOOK_ROUTE_PATHS = [WEBHOOK_TOKEN_PATH, WEBHOOK_PATH] as const;
export type WebhookRoutePath = (typeof WEBHOOK_ROUTE_PATHS)[number];

export interface WebhookRouteMatch {
  /** The route template: safe to log, unlike the path, which may hold the token. */
  readonly route: WebhookRoutePath;
  readonly token?: string;
}

/** Which webhook route a request path is, with its token decoded; undefined for any other path. */
export function matchWebhookPath(pathname: string): WebhookRouteMatch | undefined {
  if (pathname === WEBHOOK_PATH || pathname === `${WEBHOOK_PATH}/`) return { route: WEBHOOK_PATH };
  if (!pathname.startsWith(`${WEBHOOK_PATH}/`)) return undefined;
  const segment = pathname.slice(WEBHOOK_PATH.length + 1).replace(/\/$/, '');
  if (segment === '' || segment.includes('/')) return undefined;
  return { route: WEBHOOK_TOKEN_PATH, token: safeDecode(segment) };
}

/** The URL a provider posts to: the token inside it, so it is as secret as the token. */
export function webhookUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}/${token}`;
}

function safeDecode(segment: string): string {
  // Tokens as Hooklake prints them have nothing to decode: no call on every webhook for them.
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
