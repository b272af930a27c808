import { MAX_EVENT_TYPES, type EventColumnRegistry, type EventColumns } from '../core/event-types';
import { KeyedSerial } from '../shared/keyed-serial';
import type { EventTypeRegistry, IntegrationStore } from './ports';

/**
 * The event-type registries the ingest path stamps with, one per integration, read once and kept:
 * a type's columns only grow, so a known (type, column) pair costs no I/O. Reads and registrations
 * of one integration run one at a time, so a burst bringing the same new type registers it once.
 */
export class EventTypeRegistryCache {
  private readonly registries = new Map<string, EventColumnRegistry>();
  private readonly serial = new KeyedSerial();

  constructor(
    private readonly store: IntegrationStore,
    private readonly maxTypes = MAX_EVENT_TYPES,
    /** Bounds memory when one process serves very many integrations. */
    private readonly maxEntries = 1000,
  ) {}

  /** The registry if it is kept, without waiting; undefined: ask get. */
  kept(schema: string): EventColumnRegistry | undefined {
    return this.registries.get(schema);
  }

  async get(schema: string): Promise<EventColumnRegistry> {
    return this.registries.get(schema) ?? this.serial.run(schema, async () => this.registries.get(schema) ?? this.keep(schema, await this.store.listEventTypes(schema)));
  }

  /** Registers what a batch's event types carried that the registry lacked. */
  register(schema: string, additions: readonly EventColumns[], at: Date): Promise<void> {
    return this.serial.run(schema, async () => {
      const known = this.registries.get(schema);
      // A registration that ran while this one waited may have made them already.
      const missing = known === undefined ? additions : additions.filter(({ eventType, columns }) => !hasAll(known, eventType, columns));
      if (missing.length === 0) return;
      this.keep(schema, await this.store.addEventColumns(schema, missing, at, this.maxTypes));
    });
  }

  private keep(schema: string, stored: EventTypeRegistry): EventColumnRegistry {
    const registry: EventColumnRegistry = {
      columns: new Map(stored.types.map((type) => [type.eventType, new Set(type.columns)])),
      // Only once the store turned a type away (and noted it, for `integrations show`): the set only grows, so it stays full.
      full: stored.firstRefusedAt !== undefined,
    };
    if (this.registries.size >= this.maxEntries && !this.registries.has(schema)) this.registries.clear();
    this.registries.set(schema, registry);
    return registry;
  }
}

/** Does the registry have every column for the type, or is the type one it turns away? */
function hasAll(registry: EventColumnRegistry, eventType: string, columns: readonly string[]): boolean {
  const known = registry.columns.get(eventType);
  if (known === undefined) return registry.full;
  return columns.every((column) => known.has(column));
}
