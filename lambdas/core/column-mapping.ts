/**
 * How an event becomes a row of flat, typed columns (Stitch's rules): keys lower-cased with
 * characters other than `a-z0-9_` removed, nested objects flattened to `parent__child`, arrays kept as
 * JSON text, each column's type fixed by the first non-null value seen, and a value of another type
 * sent to a split column with a type suffix, so no column ever holds two types. Pure and iterative: it
 * never throws on a JSON value, and every leaf lands in a column or the row is refused with a reason.
 */
import { columnNameOf } from './column-names';
import { ExactNumber, numberCell } from './exact-number';
import { PARTITION_COLUMN } from './lake-layout';
import { isJsonObject, type JsonObject } from './rows';
import { isWellFormed } from './utf8';

export const COLUMN_TYPES = ['string', 'bigint', 'double', 'boolean', 'decimal', 'json'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** Stitch's split-column suffixes; `__js` for JSON text, which Stitch keeps in subtables instead. */
export const SPLIT_SUFFIX: Readonly<Record<ColumnType, string>> = {
  string: '__st',
  bigint: '__bi',
  double: '__do',
  boolean: '__bo',
  decimal: '__de',
  json: '__js',
};

export const MAX_COLUMN_NAME_LENGTH = 120;
/** Objects nested deeper than this (counting the event itself as 1) are kept whole as JSON text. */
export const MAX_FLATTEN_DEPTH = 16;
export const DEFAULT_MAX_COLUMNS = 1000;
/** Names a data column may not take as they are: the partition column's value comes from the folder. */
const TAKEN_NAMES: ReadonlySet<string> = new Set([PARTITION_COLUMN]);
const RESERVED_NAME = /^_?_sdc/;

/** The JSON text of an array or of an object kept whole; written to the lake as a string. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** A value as written to the lake. */
export type CellValue = string | number | boolean | ExactNumber | JsonText;

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
}

/** The columns an integration has so far, by name. */
export type ColumnTypes = ReadonlyMap<string, ColumnType>;

export interface MappingOptions {
  /** The integration's primary key field (top level, as sent); its column is always a string and never split. */
  readonly primaryKey?: string;
  /** Most columns an integration may have. @default 1000 */
  readonly maxColumns?: number;
}

export type Mapping =
  | { readonly ok: true; readonly cells: Record<string, CellValue>; readonly newColumns: readonly ColumnDef[] }
  | { readonly ok: false; readonly reason: string };


interface Pending {
  readonly path: readonly string[];
  readonly value: unknown;
  readonly depth: number;
}

/**
 * The row's cells, and the columns it adds to `known`; or why it cannot be a row. Deterministic: the
 * same record and columns give the same answer.
 */
export function mapRecord(record: JsonObject, known: ColumnTypes, options: MappingOptions = {}): Mapping {
  const maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
  const cells: Record<string, CellValue> = Object.create(null) as Record<string, CellValue>;
  const sourceOf = new Map<string, string>();
  const added = new Map<string, ColumnType>();
  const typeOf = (name: string): ColumnType | undefined => known.get(name) ?? added.get(name);

  const stack: Pending[] = Object.keys(record)
    .reverse()
    .map((key) => ({ path: [key], value: record[key], depth: 1 }));
  while (stack.length > 0) {
    const { path, value, depth } = stack.pop() as Pending;
    const key = path[path.length - 1];
    if (!isWellFormed(key)) return refuse(`field name ${quotePath(path)} is not valid Unicode (a lone surrogate)`);
    if (value === null || value === undefined) continue;
    if (isJsonObject(value) && !(value instanceof ExactNumber) && !(value instanceof JsonText) && depth < MAX_FLATTEN_DEPTH && Object.keys(value).length > 0) {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ path: [...path, keys[i]], value: value[keys[i]], depth: depth + 1 });
      continue;
    }
    const parts = path.map(columnNameOf);
    const empty = parts.findIndex((part) => part === '');
    if (empty !== -1) return refuse(`field name ${quotePath(path.slice(0, empty + 1))} has no letters, digits or "_" to make a column name of`);
    const base = parts.join('__');
    if (RESERVED_NAME.test(base)) return refuse(`field ${quotePath(path)} becomes column "${base}"; names starting with _sdc are Hooklake's own`);
    if (base.length > MAX_COLUMN_NAME_LENGTH) {
      return refuse(`field ${quotePath(path)} makes a column name of ${base.length} characters; the most is ${MAX_COLUMN_NAME_LENGTH}`);
    }

    const isKey = options.primaryKey !== undefined && path.length === 1 && key === options.primaryKey;
    const cell = isKey ? keyCell(value) : cellOf(value);
    if (cell === undefined) return refuse(`field ${quotePath(path)} holds a string that is not valid Unicode (a lone surrogate)`);
    const current = typeOf(base);
    const name = isKey || (current === undefined && !TAKEN_NAMES.has(base)) || current === cell.type ? base : `${base}${SPLIT_SUFFIX[cell.type]}`;
    const existing = typeOf(name);
    if (existing !== undefined && existing !== cell.type && !isKey) {
      return refuse(`field ${quotePath(path)} needs column "${name}" as ${cell.type}, but that column holds ${existing}`);
    }
    const earlier = sourceOf.get(name);
    if (earlier !== undefined) return refuse(`fields ${earlier} and ${quotePath(path)} both become column "${name}"`);
    sourceOf.set(name, quotePath(path));
    if (existing === undefined) {
      if (known.size + added.size >= maxColumns) {
        return refuse(`field ${quotePath(path)} would add column "${name}" past the integration's limit of ${maxColumns} columns`);
      }
      added.set(name, isKey ? 'string' : cell.type);
    }
    cells[name] = cell.value;
  }
  return { ok: true, cells, newColumns: [...added].map(([name, type]) => ({ name, type })) };
}

/** The column type and stored value of a leaf; undefined for a string that is not valid Unicode. */
function cellOf(value: unknown): { type: ColumnType; value: CellValue } | undefined {
  if (typeof value === 'string') return isWellFormed(value) ? { type: 'string', value } : undefined;
  if (typeof value === 'boolean') return { type: 'boolean', value };
  if (typeof value === 'number' || value instanceof ExactNumber) return numberCell(value);
  if (value instanceof JsonText) return { type: 'json', value };
  // Arrays, empty objects and objects nested past the flatten depth: their JSON text.
  const text = jsonText(value);
  return text === undefined ? undefined : { type: 'json', value: new JsonText(text) };
}

/** A primary key is one string whatever it was sent as, so `123` and `"123"` are the same key. */
function keyCell(value: unknown): { type: ColumnType; value: CellValue } | undefined {
  if (typeof value === 'string') return isWellFormed(value) ? { type: 'string', value } : undefined;
  if (value instanceof ExactNumber || value instanceof JsonText) return { type: 'string', value: value.text };
  return { type: 'string', value: String(value) };
}

/** JSON text of a nested value, exact numbers written as sent; undefined when it holds a lone surrogate. */
export function jsonText(value: unknown): string | undefined {
  if (typeof value === 'string') return isWellFormed(value) ? JSON.stringify(value) : undefined;
  if (value instanceof ExactNumber || value instanceof JsonText) return value.text;
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (const item of value) {
      const text = jsonText(item ?? null);
      if (text === undefined) return undefined;
      items.push(text);
    }
    return `[${items.join(',')}]`;
  }
  if (isJsonObject(value)) {
    const members: string[] = [];
    for (const key of Object.keys(value)) {
      const text = jsonText(value[key] ?? null);
      if (text === undefined || !isWellFormed(key)) return undefined;
      members.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function quotePath(path: readonly string[]): string {
  return `"${path.join('.')}"`;
}

function refuse(reason: string): Mapping {
  return { ok: false, reason };
}
