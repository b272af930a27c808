import type { ColumnType } from './column-mapping';

/** What orders a registry: first seen first, then by name for columns first seen together. */
export function byFirstSeen(a: { name: string; firstSeenAt: string }, b: { name: string; firstSeenAt: string }): number {
  return a.firstSeenAt < b.firstSeenAt ? -1 : a.firstSeenAt > b.firstSeenAt ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The registry as the mapping reads it: column name to type. */
export function columnTypesOf(columns: readonly { name: string; type: ColumnType }[]): Map<string, ColumnType> {
  return new Map(columns.map((column) => [column.name, column.type]));
}
