import { columnTypesOf } from '../core/column-registry';
import type { ColumnDef, ColumnTypes } from '../core/column-mapping';
import { IntegrationStoreUnavailableError } from '../core/errors';
import { KeyedSerial } from '../shared/keyed-serial';
import type { IntegrationStore } from './ports';

/**
 * The column registries the ingest path maps with, one per integration, read once and kept: a
 * column's type never changes once registered, so a known column costs no I/O. A column another
 * writer registered since is learnt when this process registers its own guess and reads back the winner.
 * Reads and registrations of one integration run one at a time: a burst of webhooks bringing the
 * same new columns (the first events of an integration) makes one registration, not one per webhook.
 */
export class ColumnRegistryCache {
  private readonly registries = new Map<string, ColumnTypes>();
  /** Reads and registrations of each integration, one at a time. */
  private readonly serial = new KeyedSerial();

  constructor(
    private readonly store: IntegrationStore,
    /** Bounds memory when one process serves very many integrations. */
    private readonly maxEntries = 1000,
  ) {}

  /** The registry if it is kept, without waiting; undefined: ask get. */
  kept(schema: string): ColumnTypes | undefined {
    return this.registries.get(schema);
  }

  async get(schema: string): Promise<ColumnTypes> {
    const cached = this.registries.get(schema);
    if (cached !== undefined) return cached;
    return this.oneAtATime(schema, async () => this.registries.get(schema) ?? this.keep(schema, columnTypesOf(await this.store.listColumns(schema))));
  }

  /**
   * Registers what a batch added; returns the registry after, and whether every new column got the
   * type the batch guessed (when not, the batch must be mapped again with the winners' types).
   */
  register(schema: string, columns: readonly ColumnDef[], at: Date): Promise<{ registry: ColumnTypes; agreed: boolean }> {
    return this.oneAtATime(schema, async () => {
      const known = this.registries.get(schema);
      // A registration that ran while this one waited may have made every column already.
      const missing = known === undefined ? columns : columns.filter((column) => !known.has(column.name));
      const after =
        missing.length === 0 && known !== undefined
          ? known
          : this.keep(schema, columnTypesOf(await this.store.addColumns(schema, missing.map((column) => ({ ...column, firstSeenAt: at.toISOString() })))));
      if (columns.some((column) => !after.has(column.name))) {
        throw new IntegrationStoreUnavailableError(`The column registry of "${schema}" did not keep new columns; try again.`);
      }
      return { registry: after, agreed: columns.every((column) => after.get(column.name) === column.type) };
    });
  }

  private oneAtATime<T>(schema: string, task: () => Promise<T>): Promise<T> {
    return this.serial.run(schema, task);
  }

  private keep(schema: string, registry: ColumnTypes): ColumnTypes {
    if (this.registries.size >= this.maxEntries && !this.registries.has(schema)) this.registries.clear();
    this.registries.set(schema, registry);
    return registry;
  }
}
