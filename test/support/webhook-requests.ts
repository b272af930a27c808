import type { WebhookRequest } from '../../lambdas/app/ingest-webhook';
import { WEBHOOK_PATH, WEBHOOK_TOKEN_PATH } from '../../lambdas/core/webhook-routes';

export interface RequestInput {
  readonly method?: string;
  readonly token?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly receivedAt?: Date;
}

/** A plain webhook request as a runtime hands it to the ingest use case; JSON unless told otherwise. */
export function webhookRequest(input: RequestInput = {}): WebhookRequest {
  return {
    method: input.method ?? 'POST',
    route: input.token === undefined ? WEBHOOK_PATH : WEBHOOK_TOKEN_PATH,
    pathToken: input.token,
    headers: { 'content-type': 'application/json', ...input.headers },
    body: Buffer.isBuffer(input.body) ? input.body : Buffer.from(input.body ?? '', 'utf8'),
    receivedAt: input.receivedAt ?? new Date('2026-11-23T10:00:00.000Z'),
  };
}
