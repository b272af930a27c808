import { ConflictError, NotFoundError, TokenLimitError } from '../../lambdas/core/errors';
import { unknownIntegration, type Integration } from '../../lambdas/core/integration';
import type { SigningConfig } from '../../lambdas/core/signing';
import { isActive, type TokenRecord } from '../../lambdas/core/tokens';
import type { EventTypeRegistry, IntegrationStore, RegisteredColumn, TableVersionChange } from '../../lambdas/app/ports';
import { byTypeFirstSeen, type EventColumns } from '../../lambdas/core/event-types';
import { byFirstSeen } from '../../lambdas/core/column-registry';

/**
 * A plain in-memory IntegrationStore for tests of code that uses the port (not of the adapters).
 * It keeps the same contract as the DynamoDB store (test/contracts/integration-store.contract.ts):
 * same error classes, same order, same idempotency. Each method checks and writes without an
 * `await` in between, so concurrent calls cannot both pass a check that only one of them may.
 */
export class MemoryStore implements IntegrationStore {
  private readonly integrations = new Map<string, Integration>();
  /** By token hash, as authentication looks tokens up. */
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly columns = new Map<string, Map<string, RegisteredColumn>>();
  private readonly eventTypes = new Map<string, EventTypesOf>();

  async createIntegration(integration: Integration): Promise<void> {
    if (this.integrations.has(integration.schema)) throw new ConflictError(`Schema "${integration.schema}" already exists.`);
    this.integrations.set(integration.schema, integration);
  }

  async getIntegration(schema: string): Promise<Integration | undefined> {
    return this.integrations.get(schema);
  }

  async listIntegrations(): Promise<Integration[]> {
    return [...this.integrations.values()].map(({ signing: _keys, ...listed }) => listed).sort((a, b) => compareStrings(a.schema, b.schema));
  }

  async setSigning(schema: string, signing: SigningConfig | undefined): Promise<void> {
    const integration = this.integrations.get(schema);
    if (!integration) throw unknownIntegration(schema);
    const { signing: _dropped, ...rest } = integration;
    this.integrations.set(schema, signing === undefined ? rest : { ...rest, signing });
  }

  async raiseTableVersion(schema: string, change: TableVersionChange): Promise<Integration> {
    const integration = this.integrations.get(schema);
    if (!integration) throw unknownIntegration(schema);
    if (integration.tableVersion !== change.from) throw new ConflictError(`The table version of "${schema}" is ${integration.tableVersion}, no longer ${change.from}.`);
    const { primaryKey: _key, ...rest } = integration;
    const primaryKey = change.primaryKey === undefined ? integration.primaryKey : (change.primaryKey ?? undefined);
    const raised: Integration = { ...rest, tableVersion: change.from + 1, ...(primaryKey === undefined ? {} : { primaryKey }) };
    this.integrations.set(schema, raised);
    return raised;
  }

  async addToken(record: TokenRecord, maxActive: number): Promise<void> {
    const tokens = this.tokensOf(record.schema);
    if (tokens.some((token) => token.tokenId === record.tokenId)) {
      throw new ConflictError(`Token ${record.tokenId} is already registered for integration "${record.schema}".`);
    }
    if (tokens.filter(isActive).length >= maxActive) {
      throw new TokenLimitError(`Integration "${record.schema}" already has ${maxActive} active tokens, the most allowed.`);
    }
    if (this.tokens.has(record.tokenHash)) {
      throw new ConflictError(`A token with the same hash as ${record.tokenId} already exists; issue a new token.`);
    }
    this.tokens.set(record.tokenHash, record);
  }

  async listTokens(schema: string): Promise<TokenRecord[]> {
    return this.tokensOf(schema).sort((a, b) => compareStrings(a.createdAt, b.createdAt) || compareStrings(a.tokenId, b.tokenId));
  }

  async revokeToken(schema: string, tokenId: string, at: Date): Promise<TokenRecord> {
    const token = this.tokensOf(schema).find((t) => t.tokenId === tokenId);
    if (!token) throw new NotFoundError(`Integration "${schema}" has no token "${tokenId}".`);
    if (token.revokedAt !== undefined) return token;
    const revoked = { ...token, revokedAt: at.toISOString() };
    this.tokens.set(token.tokenHash, revoked);
    return revoked;
  }

  async findTokenByHash(tokenHash: string): Promise<TokenRecord | undefined> {
    return this.tokens.get(tokenHash);
  }

  async listColumns(schema: string): Promise<RegisteredColumn[]> {
    if (!this.integrations.has(schema)) throw unknownIntegration(schema);
    return [...(this.columns.get(schema)?.values() ?? [])].sort(byFirstSeen);
  }

  async addColumns(schema: string, columns: readonly RegisteredColumn[]): Promise<RegisteredColumn[]> {
    if (!this.integrations.has(schema)) throw unknownIntegration(schema);
    const known = this.columns.get(schema) ?? new Map<string, RegisteredColumn>();
    this.columns.set(schema, known);
    // The first registration of a name wins, as a conditional put does.
    for (const column of columns) if (!known.has(column.name)) known.set(column.name, { ...column });
    return this.listColumns(schema);
  }

  async listEventTypes(schema: string): Promise<EventTypeRegistry> {
    if (!this.integrations.has(schema)) throw unknownIntegration(schema);
    const registry = this.eventTypes.get(schema);
    const types = [...(registry?.types ?? [])].map(([eventType, { firstSeenAt, columns }]) => ({ eventType, firstSeenAt, columns: [...columns].sort() }));
    return { types: types.sort(byTypeFirstSeen), ...(registry?.firstRefusedAt === undefined ? {} : { firstRefusedAt: registry.firstRefusedAt }) };
  }

  async addEventColumns(schema: string, additions: readonly EventColumns[], at: Date, maxTypes: number): Promise<EventTypeRegistry> {
    if (!this.integrations.has(schema)) throw unknownIntegration(schema);
    const registry: EventTypesOf = this.eventTypes.get(schema) ?? { types: new Map() };
    this.eventTypes.set(schema, registry);
    let refused = false;
    for (const { eventType, columns } of additions) {
      let known = registry.types.get(eventType);
      if (known === undefined) {
        if (refused) continue;
        if (registry.types.size >= maxTypes) {
          refused = true;
          registry.firstRefusedAt ??= at.toISOString();
          continue;
        }
        known = { firstSeenAt: at.toISOString(), columns: new Set() };
        registry.types.set(eventType, known);
      }
      for (const column of columns) known.columns.add(column);
    }
    return this.listEventTypes(schema);
  }

  /** The integration's tokens, in no particular order; NotFoundError when there is no such integration. */
  private tokensOf(schema: string): TokenRecord[] {
    if (!this.integrations.has(schema)) throw unknownIntegration(schema);
    return [...this.tokens.values()].filter((token) => token.schema === schema);
  }
}

interface EventTypesOf {
  readonly types: Map<string, { firstSeenAt: string; columns: Set<string> }>;
  firstRefusedAt?: string;
}

/** By UTF-16 code unit, as DynamoDB's adapter sorts: the same order whatever the locale. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;

}
