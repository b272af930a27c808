import { newIntegration, unknownIntegration, type Integration, type NewIntegrationInput } from '../core/integration';
import { isActive, type IssuedToken } from '../core/tokens';
import type { CatalogSync } from './catalog-sync';
import type { IntegrationStore } from './ports';
import { issueWebhookToken, type TokenServices } from './tokens';

export interface IntegrationServices extends TokenServices {
  /** Where tables live in a catalog (AWS); undefined where they read the lake files directly. */
  readonly catalogSync?: CatalogSync;
}

export interface CreatedIntegration {
  readonly integration: Integration;
  /** The first token, shown once. */
  readonly issued: IssuedToken;
  /**
   * Why the catalog tables could not be made yet, if they could not. The integration and its token
   * work regardless (the token is shown only now), and the next query makes the tables.
   */
  readonly tablesError?: unknown;
}

/** Creates an integration with its first token, then its catalog tables. */
export async function createIntegration(services: IntegrationServices, input: NewIntegrationInput): Promise<CreatedIntegration> {
  const integration = newIntegration(input, services.clock());
  await services.store.createIntegration(integration);
  const { issued } = await issueWebhookToken(services, integration.schema);
  const tablesError = await services.catalogSync?.prepare(integration).then(
    () => undefined,
    (error: unknown) => error,
  );
  return { integration, issued, ...(tablesError === undefined ? {} : { tablesError }) };
}

export type IntegrationSummary = {
  readonly schema: string;
  readonly name: string;
  readonly type: string;
  readonly primaryKey: string | null;
  readonly activeTokens: number;
  readonly createdAt: string;
};

/** Every integration, with how many tokens it has active. */
export async function summarizeIntegrations(store: IntegrationStore): Promise<IntegrationSummary[]> {
  const integrations = await store.listIntegrations();
  return Promise.all(
    integrations.map(async (integration) => ({
      schema: integration.schema,
      name: integration.name,
      type: integration.type,
      primaryKey: integration.primaryKey ?? null,
      activeTokens: (await store.listTokens(integration.schema)).filter(isActive).length,
      createdAt: integration.createdAt,
    })),
  );
}

/**
 * Brings the catalog tables of the named integrations (all when none are named) up to date with the
 * lake; undefined where there is no catalog to sync.
 */
export async function syncCatalogs(
  services: Pick<IntegrationServices, 'store' | 'catalogSync'>,
  schemas: readonly string[],
): Promise<{ schema: string; added: string[]; views: string[] }[] | undefined> {
  const all = await services.store.listIntegrations();
  const unknown = schemas.filter((schema) => !all.some((integration) => integration.schema === schema));
  if (unknown.length > 0) throw unknownIntegration(unknown);
  if (services.catalogSync === undefined) return undefined;
  const chosen = schemas.length === 0 ? all : all.filter((integration) => schemas.includes(integration.schema));
  const results: { schema: string; added: string[]; views: string[] }[] = [];
  for (const integration of chosen) results.push({ schema: integration.schema, ...(await services.catalogSync.refresh(integration)) });
  return results;
}
