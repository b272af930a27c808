import { assertSchemaName, unknownIntegration, type Integration } from '../core/integration';
import { issueToken, MAX_ACTIVE_TOKENS, type IssuedToken, type RandomBytes, type TokenRecord } from '../core/tokens';
import type { IntegrationStore } from './ports';

/** What issuing a token needs besides the store: the time and a source of random bytes. */
export interface TokenServices {
  readonly store: IntegrationStore;
  readonly clock: () => Date;
  readonly randomBytes: RandomBytes;
}

/** The integration of a schema as the user typed it; a bad name or an unknown one says what to do. */
export async function requireIntegration(store: IntegrationStore, schema: string): Promise<Integration> {
  const integration = await store.getIntegration(assertSchemaName(schema));
  if (!integration) throw unknownIntegration(schema);
  return integration;
}

/** A new webhook token for the integration; the token itself is in the result only, never stored. */
export async function issueWebhookToken(services: TokenServices, schema: string): Promise<{ integration: Integration; issued: IssuedToken }> {
  const integration = await requireIntegration(services.store, schema);
  const issued = issueToken(integration.schema, services.randomBytes, services.clock());
  await services.store.addToken(issued.record, MAX_ACTIVE_TOKENS);
  return { integration, issued };
}

/** Every token of the integration, revoked ones included, oldest first. */
export async function listWebhookTokens(store: IntegrationStore, schema: string): Promise<TokenRecord[]> {
  await requireIntegration(store, schema);
  return store.listTokens(schema);
}

/** Revokes a token (idempotent): its webhook URL answers 401 from now on. */
export async function revokeWebhookToken(store: IntegrationStore, schema: string, tokenId: string, at: Date): Promise<TokenRecord> {
  await requireIntegration(store, schema);
  return store.revokeToken(schema, tokenId, at);
}
