/**
 * How an event becomes a row of flat, typed columns (Stitch's rules): keys lower-cased with
 * characters other than `a-z0-9_` removed, nested objects flattened to `parent__child`, arrays kept as
 * JSON text, each column's type fixed by the first non-null value seen, and a value of another type
 * sent to a split column with a type suffix, so no column ever holds two types. Pure and iterative: it
 * never throws on a JSON value, and every leaf lands in a column or the row is refused with a reason.
 */
import { columnNameOf } from './column-names';
import { ExactNumber, ExactNumberInJson, numberCell } from './exact-number';
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
/** Repeated splits of one name before a row is refused: only names nested fields already took need more than one. */
const MAX_SPLITS = 4;

/**
 * A value as written to the lake. A `json` column's value is the JSON text of an array or of an
 * object kept whole, a plain string: its type lives in the registry, and a plain string keeps
 * JSON.stringify of the row on V8's fast path (a toJSON method anywhere would leave it).
 */
export type CellValue = string | number | boolean | ExactNumber;

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

/**
 * One field path's column name, made once: keys repeat across events, so each path's name is built
 * and cleaned once and later events only look it up (no string is built or hashed again per leaf).
 */
interface PathNode {
  /** The key's own part of the name (Stitch's cleaning); '' when it has no usable character. */
  readonly part: string;
  /** Column name of the path (`parent__child`). */
  readonly base: string;
  /** The field paths below this one, by key. */
  children: Map<string, PathNode> | undefined;
}

/** Paths seen so far, from the top-level keys down. Bounded, since keys are the senders' to choose. */
let rootPaths = new Map<string, PathNode>();
let pathNodes = 0;
const PATH_NODE_LIMIT = 50_000;

function pathNode(parent: PathNode | undefined, key: string): PathNode {
  const siblings = parent === undefined ? rootPaths : (parent.children ??= new Map());
  let node = siblings.get(key);
  if (node === undefined) {
    if (pathNodes >= PATH_NODE_LIMIT) {
      // Start over; the nodes already handed out stay valid for the records being mapped now.
      rootPaths = new Map();
      pathNodes = 0;
    }
    const part = columnNameOf(key);
    node = { part, base: parent === undefined || parent.base === '' ? part : `${parent.base}__${part}`, children: undefined };
    siblings.set(key, node);
    pathNodes += 1;
  }
  return node;
}

interface Pending {
  readonly parent: Pending | undefined;
  /** The path node of `parent`; undefined at the top level. */
  readonly parentPath: PathNode | undefined;
  readonly key: string;
  readonly value: unknown;
  readonly depth: number;
}

/** The dotted path of a field, for reasons: built only when a row is refused. */
function pathOf(pending: Pending): string {
  const keys: string[] = [];
  for (let at: Pending | undefined = pending; at !== undefined; at = at.parent) keys.push(at.key);
  return `"${keys.reverse().join('.')}"`;
}

/**
 * The row's cells, and the columns it adds to `known`; or why it cannot be a row. Deterministic: the
 * same record and columns give the same answer.
 */
export function mapRecord(record: JsonObject, known: ColumnTypes, options: MappingOptions = {}): Mapping {
  const maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
  const keyColumn = options.primaryKey === undefined ? undefined : columnNameOf(options.primaryKey);
  const cells: Record<string, CellValue> = {};
  /** Which field filled each column, in order, to name both when two fill the same one (looked up only then). */
  const sources: Pending[] = [];
  const sourceNames: string[] = [];
  let added: Map<string, ColumnType> | undefined;
  const typeOf = (name: string): ColumnType | undefined => known.get(name) ?? added?.get(name);

  const stack: Pending[] = [];
  const keys = Object.keys(record);
  for (let i = keys.length - 1; i >= 0; i--) stack.push({ parent: undefined, parentPath: undefined, key: keys[i], value: record[keys[i]], depth: 1 });
  while (stack.length > 0) {
    const field = stack.pop() as Pending;
    const { key, value, depth } = field;
    if (value === null || value === undefined) continue;
    const path = pathNode(field.parentPath, key);
    const { part, base } = path;
    // Characters other than a-z, 0-9 and _ (a lone surrogate among them) leave the name, as Stitch's rule says.
    if (part === '') return refuse(`field name ${pathOf(field)} has no letters, digits or "_" to make a column name of`);
    if (typeof value === 'object' && depth < MAX_FLATTEN_DEPTH && isJsonObject(value)) {
      const inner = Object.keys(value);
      if (inner.length > 0) {
        for (let i = inner.length - 1; i >= 0; i--) stack.push({ parent: field, parentPath: path, key: inner[i], value: value[inner[i]], depth: depth + 1 });
        continue;
      }
    }
    if (base.length > MAX_COLUMN_NAME_LENGTH) {
      return refuse(`field ${pathOf(field)} makes a column name of ${base.length} characters; the most is ${MAX_COLUMN_NAME_LENGTH}`);
    }
    if (base.charCodeAt(0) === 0x5f && RESERVED_NAME.test(base)) {
      return refuse(`field ${pathOf(field)} becomes column "${base}"; names starting with _sdc are Hooklake's own`);
    }

    // The key field by its column name: column names ignore case, so `ID` fills primary key `id`.
    const isKey = depth === 1 && keyColumn !== undefined && part === keyColumn;
    // Strings and booleans, most leaves, without a cell object per leaf.
    const cell = isKey ? keyCell(value) : typeof value === 'string' ? (isWellFormed(value) ? STRING_CELL : undefined) : typeof value === 'boolean' ? BOOLEAN_CELL : cellOf(value);
    if (cell === undefined) return refuse(`field ${pathOf(field)} holds a string that is not valid Unicode (a lone surrogate)`);
    const cellValue = cell === STRING_CELL || cell === BOOLEAN_CELL ? (value as CellValue) : cell.value;
    const current = typeOf(base);
    let name = base;
    let existing = current;
    // Another type goes to the split column; if a nested field already holds that name with a third
    // type, the suffix repeats (`assets__js__js`) until the name is free or of this type.
    for (let splits = 0; !isKey && (existing !== undefined ? existing !== cell.type : splits === 0 && TAKEN_NAMES.has(name)); splits++) {
      if (splits === MAX_SPLITS) return refuse(`field ${pathOf(field)} has no free column for its ${cell.type} value after "${name}"`);
      name = `${name}${SPLIT_SUFFIX[cell.type]}`;
      existing = typeOf(name);
    }
    if (name.length > MAX_COLUMN_NAME_LENGTH) {
      return refuse(`field ${pathOf(field)} needs split column "${name}" of ${name.length} characters; the most is ${MAX_COLUMN_NAME_LENGTH}`);
    }
    if (hasOwn.call(cells, name)) {
      const earlier = sources[sourceNames.indexOf(name)];
      return refuse(`fields ${pathOf(earlier)} and ${pathOf(field)} both become column "${name}"`);
    }
    sources.push(field);
    sourceNames.push(name);
    if (existing === undefined) {
      added ??= new Map();
      if (known.size + added.size >= maxColumns) {
        return refuse(`field ${pathOf(field)} would add column "${name}" past the integration's limit of ${maxColumns} columns (set with --max-columns when the integration is created)`);
      }
      added.set(name, isKey ? 'string' : cell.type);
    }
    if (name === '__proto__') Object.defineProperty(cells, name, { value: cellValue, enumerable: true, writable: true, configurable: true });
    else cells[name] = cellValue;
  }
  return { ok: true, cells, newColumns: added === undefined ? [] : [...added].map(([name, type]) => ({ name, type })) };
}

/** Types of the leaves stored as they are; their value is the leaf's own. */
const STRING_CELL = { type: 'string', value: '' } as const;
const BOOLEAN_CELL = { type: 'boolean', value: false } as const;

/** The column type and stored value of a leaf; undefined for a string that is not valid Unicode. */
function cellOf(value: unknown): { type: ColumnType; value: CellValue } | undefined {
  if (typeof value === 'string') return isWellFormed(value) ? { type: 'string', value } : undefined;
  if (typeof value === 'boolean') return { type: 'boolean', value };
  if (typeof value === 'number' || value instanceof ExactNumber) return numberCell(value);
  // Arrays, empty objects and objects nested past the flatten depth: their JSON text.
  const text = jsonText(value);
  return text === undefined ? undefined : { type: 'json', value: text };
}

/** A primary key is one string whatever it was sent as, so `123` and `"123"` are the same key. */
function keyCell(value: unknown): { type: ColumnType; value: CellValue } | undefined {
  if (typeof value === 'string') return isWellFormed(value) ? { type: 'string', value } : undefined;
  // A number as its value, not its spelling: 123, 123.0 and 1.23e2 are one key, as JSON.parse reads them.
  if (value instanceof ExactNumber) {
    const number = numberCell(value);
    return { type: 'string', value: number.value instanceof ExactNumber ? number.value.text : String(number.value) };
  }
  return { type: 'string', value: String(value) };
}

/** JSON text of a nested value, exact numbers written as sent; undefined when it holds a lone surrogate. */
export function jsonText(value: unknown): string | undefined {
  // Fast: JSON.stringify, unless an exact number is inside (it throws) or a lone surrogate may be (it escapes them).
  try {
    const text = JSON.stringify(value);
    if (text !== undefined && !MAYBE_LONE_SURROGATE.test(text)) return text;
  } catch (error) {
    if (!(error instanceof ExactNumberInJson)) throw error;
  }
  return exactJsonText(value, false);
}

/**
 * JSON text of any value for a record kept as it came (`_sdc_rejected`): exact numbers as sent, lone
 * surrogates escaped as JSON.stringify escapes them, so it never fails.
 */
export function rawJsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    if (!(error instanceof ExactNumberInJson)) throw error;
  }
  return exactJsonText(value, true) as string;
}

/** JSON.stringify writes a lone surrogate as a lower-case \udXXX escape; anything like it is checked the slow way. */
const MAYBE_LONE_SURROGATE = /\\ud[89a-f]/;

/** The exact writer: undefined for a lone surrogate unless `escapeLoneSurrogates`. */
function exactJsonText(value: unknown, escapeLoneSurrogates: boolean): string | undefined {
  if (typeof value === 'string') return escapeLoneSurrogates || isWellFormed(value) ? JSON.stringify(value) : undefined;
  if (value instanceof ExactNumber) return value.text;
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (const item of value) {
      const text = exactJsonText(item ?? null, escapeLoneSurrogates);
      if (text === undefined) return undefined;
      items.push(text);
    }
    return `[${items.join(',')}]`;
  }
  if (isJsonObject(value)) {
    const members: string[] = [];
    for (const key of Object.keys(value)) {
      const text = exactJsonText(value[key] ?? null, escapeLoneSurrogates);
      if (text === undefined || !(escapeLoneSurrogates || isWellFormed(key))) return undefined;
      members.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const hasOwn = Object.prototype.hasOwnProperty;

function refuse(reason: string): Mapping {
  return { ok: false, reason };
}
