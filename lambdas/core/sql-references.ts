import type { Integration } from './integration';

/**
 * The integrations a SQL statement names as `<schema>.` (quoted or not, any case). Only their
 * tables are brought up to date before an Athena query: checking every integration would cost a
 * listing of the lake per integration on every query.
 */
export function referencedIntegrations(sql: string, integrations: readonly Integration[]): Integration[] {
  return integrations.filter((integration) => {
    // Schemas are [a-z0-9_] only (integration.ts), so they need no escaping inside a pattern.
    const pattern = new RegExp(`(?:^|[^a-z0-9_"])"?${integration.schema}"?\\s*\\.`, 'i');
    return pattern.test(sql);
  });
}
