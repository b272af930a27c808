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
 * first), then the columns of each event type. Shared by ingest and replay. Records that bring nothing
 * new (most, once an integration has run a while) are stamped without waiting on anything: the
 * result itself, not a promise of it.
 */
export function stampRegistered(
  schema: string,
  stamp: (columns: ColumnTypes) => StampResult,
  columns: ColumnTypes,
  registries: ColumnRegistryCache,
  eventRegistries: EventTypeRegistryCache,
  at: Date,
  /** Bounds each registration (ingest's store budget); as it is by default. */
  wait: <T>(pending: Promise<T>) => Promise<T> = (pending) => pending,
): StampResult | Promise<StampResult> {
  const stamped = stamp(columns);
  if (stamped.newColumns.length === 0 && stamped.newEventColumns.length === 0) return stamped;
  return registerAndStamp(schema, stamped, stamp, registries, eventRegistries, at, wait);
}

async function registerAndStamp(
  schema: string,
  first: StampResult,
  stamp: (columns: ColumnTypes) => StampResult,
  registries: ColumnRegistryCache,
  eventRegistries: EventTypeRegistryCache,
  at: Date,
  wait: <T>(pending: Promise<T>) => Promise<T>,
): Promise<StampResult> {
  let stamped = first;
  for (let round = 1; stamped.newColumns.length > 0; round++) {
    if (round > MAX_REGISTRY_ROUNDS) throw new IntegrationStoreUnavailableError(`Columns of "${schema}" kept changing under concurrent writers; try again.`);
    const { registry, agreed } = await wait(registries.register(schema, stamped.newColumns, at));
    if (agreed) break;
    stamped = stamp(registry);
  }
  if (stamped.newEventColumns.length > 0) await wait(eventRegistries.register(schema, stamped.newEventColumns, at));
  return stamped;
}
