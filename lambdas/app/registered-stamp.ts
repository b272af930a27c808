import type { ColumnTypes } from '../core/column-mapping';
import { IntegrationStoreUnavailableError } from '../core/errors';
import type { StampResult } from '../core/stamp';
import type { ColumnRegistryCache } from './column-registry-cache';
import type { EventTypeRegistryCache } from './event-type-registry-cache';

/** Rounds of registering new columns and mapping again when a concurrent writer won a column's type. */
const MAX_REGISTRY_ROUNDS = 3;

/**
 * Stamps records and registers what they bring before any row is stored, so the catalog knows every
 * column in the lake: new columns (mapping again when a concurrent writer registered another type
 * first), then the columns of each event type. Shared by ingest and replay.
 */
export async function stampRegistered(
  schema: string,
  stamp: (columns: ColumnTypes) => StampResult,
  registries: ColumnRegistryCache,
  eventRegistries: EventTypeRegistryCache,
  at: Date,
  /** Bounds each store read (the ingest's store budget). @default - unbounded */
  fromStore: <T>(read: Promise<T>) => Promise<T> = (read) => read,
): Promise<StampResult> {
  let stamped = stamp(await fromStore(registries.get(schema)));
  for (let round = 1; stamped.newColumns.length > 0; round++) {
    if (round > MAX_REGISTRY_ROUNDS) throw new IntegrationStoreUnavailableError(`Columns of "${schema}" kept changing under concurrent writers; try again.`);
    const { registry, agreed } = await fromStore(registries.register(schema, stamped.newColumns, at));
    if (agreed) break;
    stamped = stamp(registry);
  }
  if (stamped.newEventColumns.length > 0) await fromStore(eventRegistries.register(schema, stamped.newEventColumns, at));
  return stamped;
}
