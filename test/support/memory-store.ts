import { ConflictError, NotFoundError, TokenLimitError } from '../../lambdas/core/errors';
import type { Integration } from '../../lambdas/core/integration';
import { isActive, type TokenRecord } from '../../lambdas/core/tokens';
import type { IntegrationStore } from '../../lambdas/app/ports';

/** A plain in-memory IntegrationStore for tests of code that uses the port (not of the adapters). */
export class MemoryStore implements IntegrationStore {
  readonly integrations = new Map<string, Integration>();
  readonly tokens = new Map<string, TokenRecord>();

  async createIntegration(integration: Integration): Promise<void> {
    if (this.integrations.has(integration.schema)) throw new ConflictError(`Schema "${integration.schema}" already exists.`);
    this.integrations.set(integration.schema, integration);
  }
  async getIntegration(schema: string): Promise<Integration | undefined> {
    return this.integrations.get(schema);
  }
  async listIntegrations(): Promise<Integration[]> {
    return [...this.integrations.values()];
  }
  async addToken(record: TokenRecord, maxActive: number): Promise<void> {
    if (!this.integrations.has(record.schema)) throw new NotFoundError(`No integration "${record.schema}".`);
    const active = (await this.listTokens(record.schema)).filter(isActive).length;
    if (active >= maxActive) throw new TokenLimitError(`At most ${maxActive} active tokens.`);
    this.tokens.set(record.tokenHash, record);
  }
  async listTokens(schema: string): Promise<TokenRecord[]> {
    return [...this.tokens.values()].filter((token) => token.schema === schema);
  }
  async revokeToken(schema: string, tokenId: string, at: Date): Promise<TokenRecord> {
    const token = [...this.tokens.values()].find((t) => t.schema === schema && t.tokenId === tokenId);
    if (!token) throw new NotFoundError(`No token ${tokenId}.`);
    const revoked = { ...token, revokedAt: token.revokedAt ?? at.toISOString() };
    this.tokens.set(token.tokenHash, revoked);
    return revoked;
  }
  async findTokenByHash(tokenHash: string): Promise<TokenRecord | undefined> {
    return this.tokens.get(tokenHash);
  }
}
