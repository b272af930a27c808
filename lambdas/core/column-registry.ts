import { SPLIT_SUFFIX, type ColumnType } from './column-mapping';
import { MAX_DECIMAL_DIGITS } from './exact-number';
import { PARTITION_COLUMN } from './lake-layout';

/** What orders a registry: first seen first, then by name for columns first seen together. */
export function byFirstSeen(a: { name: string; firstSeenAt: string }, b: { name: string; firstSeenAt: string }): number {
  return a.firstSeenAt < b.firstSeenAt ? -1 : a.firstSeenAt > b.firstSeenAt ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A registry column type as Glue (Hive) names it; JSON text is a string, read with json_extract. */
export function hiveTypeOf(type: ColumnType): string {
  return type === 'decimal' ? `decimal(${MAX_DECIMAL_DIGITS},0)` : type === 'json' ? 'string' : type;
}

/** The registry as the mapping reads it: column name to type. */
export function columnTypesOf(columns: readonly { name: string; type: ColumnType }[]): Map<string, ColumnType> {
  return new Map(columns.map((column) => [column.name, column.type]));
}

/** The column a split column takes values of another type for (`amount` for `amount__do`), or undefined. */
export function splitOf(name: string, type: ColumnType, registered: ReadonlySet<string>): string | undefined {
  const suffix = SPLIT_SUFFIX[type];
  if (!name.endsWith(suffix)) return undefined;
  const base = name.slice(0, -suffix.length);
  return registered.has(base) || base === PARTITION_COLUMN ? base : undefined;
}
