import { columnTypesOf } from '../core/column-registry';
import type { ColumnDef, ColumnTypes } from '../core/column-mapping';
import { IntegrationStoreUnavailableError } from '../core/errors';
import type { IntegrationStore } from './ports';

/**
 * The column registries the ingest path maps with, one per integration, read once and kept: a
 * column's type never changes once registered, so a known column costs no I/O. A column another
 * writer registered since is learnt when this process registers its own guess and reads back the winner.
 */
export class ColumnRegistryCache {
  private readonly registries = new Map<string, ColumnTypes>();

  constructor(
    private readonly store: IntegrationStore,
    /** Bounds memory when one process serves very many integrations. */
    private readonly maxEntries = 1000,
  ) {}

  async get(schema: string): Promise<ColumnTypes> {
    const cached = this.registries.get(schema);
    if (cached !== undefined) return cached;
    return this.keep(schema, columnTypesOf(await this.store.listColumns(schema)));
  }

  /**
   * Registers what a batch added; returns the registry after, and whether every new column got the
   * type the batch guessed (when not, the batch must be mapped again with the winners' types).
   */
  async register(schema: string, columns: readonly ColumnDef[], at: Date): Promise<{ registry: ColumnTypes; agreed: boolean }> {
    const firstSeenAt = at.toISOString();
    const after = columnTypesOf(await this.store.addColumns(schema, columns.map((column) => ({ ...column, firstSeenAt }))));
    const agreed = columns.every((column) => after.get(column.name) === column.type);
    if (columns.some((column) => !after.has(column.name))) {
      throw new IntegrationStoreUnavailableError(`The column registry of "${schema}" did not keep new columns; try again.`);
    }
    return { registry: this.keep(schema, after), agreed };
  }

  private keep(schema: string, registry: ColumnTypes): ColumnTypes {
    if (this.registries.size >= this.maxEntries && !this.registries.has(schema)) this.registries.clear();
    this.registries.set(schema, registry);
    return registry;
  }
}
