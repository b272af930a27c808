/**
 * How an event becomes a row of flat, typed columns (Stitch's rules): keys lower-cased with
 * characters other than `a-z0-9_` removed, nested objects flattened to `parent__child`, arrays kept as
 * JSON text, each column's type fixed by the first non-null value seen, and a value of another type
 * sent to a split column with a type suffix, so no column ever holds two types. Pure, and never more
 * than MAX_FLATTEN_DEPTH calls deep: it never throws on a JSON value, and every leaf lands in a column
 * or the row is refused with a reason.
 */
import { columnNameOf } from './column-names';
import { ExactNumber, ExactNumberInJson, numberCell } from './exact-number';
import { PARTITION_COLUMN } from './lake-layout';
import { isJsonObject, type JsonObject } from './rows';

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
  /** Tells paths apart in a row's shape (cellsOf). */
  readonly id: number;
  /** The field paths below this one, by key. */
  children: Map<string, PathNode> | undefined;
}

/** The primary key's column name, made once for a run of records of one integration. */
let lastPrimaryKey: string | undefined;
let lastKeyColumn = '';
function keyColumnOf(primaryKey: string): string {
  if (primaryKey !== lastPrimaryKey) {
    lastKeyColumn = columnNameOf(primaryKey);
    lastPrimaryKey = primaryKey;
  }
  return lastKeyColumn;
}

/** Paths seen so far, from the top-level keys down. Bounded, since keys are the senders' to choose. */
let rootPaths = new Map<string, PathNode>();
let pathNodes = 0;
let nextPathId = 1;
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
    node = { part, base: parent === undefined || parent.base === '' ? part : `${parent.base}__${part}`, id: nextPathId++, children: undefined };
    siblings.set(key, node);
    pathNodes += 1;
  }
  return node;
}

/** The keys from the top of the record down to a field's parent object, for reasons: no object per leaf. */
interface Trail {
  readonly parent: Trail | undefined;
  readonly key: string;
}

/** The dotted path of a field, for reasons: built only when a row is refused. */
function pathOf(trail: Trail | undefined, key: string): string {
  const keys = [key];
  for (let at = trail; at !== undefined; at = at.parent) keys.push(at.key);
  return `"${keys.reverse().join('.')}"`;
}

/**
 * The row's cells, and the columns it adds to `known`; or why it cannot be a row. Deterministic: the
 * same record and columns give the same answer.
 */
export function mapRecord(record: JsonObject, known: ColumnTypes, options: MappingOptions = {}): Mapping {
  const keyColumn = options.primaryKey === undefined ? undefined : keyColumnOf(options.primaryKey);
  const planned = lastPlan !== undefined && lastPlan.known === known && lastPlan.keyColumn === keyColumn ? plannedCells(lastPlan, record) : undefined;
  if (planned !== undefined) return { ok: true, cells: planned, newColumns: [] };
  const maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
  const walk = new RowWalk(known, keyColumn, maxColumns);
  const cells = walk.object(record, Object.keys(record), undefined, undefined, 1) === undefined ? cellsOf(walk) : undefined;
  if (cells !== undefined) {
    const { added } = walk;
    if (added === undefined) rememberPlan(record, walk, keyColumn);
    return { ok: true, cells, newColumns: added === undefined ? [] : [...added].map(([name, type]) => ({ name, type })) };
  }
  // A refusal, or two fields in one column: the walk that checks every column as it goes says which came first.
  const exact = new RowWalk(known, keyColumn, maxColumns, new Set());
  const reason = exact.object(record, Object.keys(record), undefined, undefined, 1) as string;
  return refuse(reason === COLLISION ? exact.collisionReason(record) : reason);
}

/**
 * A row shape seen before, mapped again without a lookup: the fields of each object in walk order,
 * each with what it became. A record with the same keys in the same order, each value of the same
 * kind, against the same registry, becomes the same columns; anything else takes the full walk.
 * Only shapes that added no column are kept, so the registry's own growth never changes a plan.
 */
interface RowPlan {
  readonly known: ColumnTypes;
  readonly keyColumn: string | undefined;
  readonly root: PlanObject;
  readonly template: object;
}

interface PlanObject {
  readonly keys: readonly string[];
  readonly fields: PlanField[];
}

/** One field of a planned object; one shape of object for all kinds, so reading them stays monomorphic. */
interface PlanField {
  readonly kind: PlanKind;
  /** The column of a leaf. */
  readonly name: string;
  /** The plan of an object walked into. */
  readonly object: PlanObject | undefined;
}

const enum PlanKind {
  Absent,
  Object,
  String,
  Boolean,
  SafeInteger,
  Fraction,
  Array,
  EmptyObject,
  KeyString,
  KeyNumber,
}

/** The plan the last record used, tried first; plans by shape (null: seen once so far), bounded. */
let lastPlan: RowPlan | undefined;
let plans = new Map<number, RowPlan | null>();
const PLAN_LIMIT = 256;

/** The record's cells by `plan`, or undefined when the record is not of its shape. */
function plannedCells(plan: RowPlan, record: JsonObject): Record<string, CellValue> | undefined {
  const cells = { ...plan.template } as Record<string, CellValue>;
  return fillFromPlan(plan.root, record, cells) ? cells : undefined;
}

/** The same checks the full walk makes on each value, only those that can tell a different shape. */
function fillFromPlan(plan: PlanObject, object: JsonObject, cells: Record<string, CellValue>): boolean {
  const keys = Object.keys(object);
  if (keys.length !== plan.keys.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key !== plan.keys[i]) return false;
    const value = object[key];
    const field = plan.fields[i];
    switch (field.kind) {
      case PlanKind.Absent:
        if (value !== null && value !== undefined) return false;
        continue;
      case PlanKind.Object:
        if (!isJsonObject(value) || !fillFromPlan(field.object as PlanObject, value, cells)) return false;
        continue;
      case PlanKind.String:
      case PlanKind.KeyString:
        if (typeof value !== 'string' || !value.isWellFormed()) return false;
        break;
      case PlanKind.Boolean:
        if (typeof value !== 'boolean') return false;
        break;
      case PlanKind.SafeInteger:
        if (!Number.isSafeInteger(value)) return false;
        break;
      case PlanKind.Fraction:
        if (typeof value !== 'number' || !Number.isFinite(value) || Number.isInteger(value)) return false;
        break;
      case PlanKind.KeyNumber:
        if (typeof value !== 'number') return false;
        cells[field.name] = String(value);
        continue;
      case PlanKind.EmptyObject:
        if (!isJsonObject(value) || Object.keys(value).length > 0) return false;
        cells[field.name] = '{}';
        continue;
      case PlanKind.Array: {
        const text = Array.isArray(value) ? jsonText(value) : undefined;
        if (text === undefined) return false;
        cells[field.name] = text;
        continue;
      }
    }
    cells[field.name] = value as CellValue;
  }
  return true;
}

/**
 * Makes the record's shape the one tried first, planning it the second time it is seen: a shape seen
 * once (a sender whose fields come and go) costs no planning walk.
 */
function rememberPlan(record: JsonObject, walk: RowWalk, keyColumn: string | undefined): void {
  const { known } = walk;
  const kept = plans.get(walk.shape);
  if (kept && kept.known === known && kept.keyColumn === keyColumn && plannedCells(kept, record) !== undefined) {
    lastPlan = kept;
    return;
  }
  if (plans.size >= PLAN_LIMIT) plans = new Map();
  if (kept === undefined) {
    plans.set(walk.shape, null);
    return;
  }
  const root: PlanObject = { keys: Object.keys(record), fields: [] };
  const planning = new RowWalk(known, keyColumn, DEFAULT_MAX_COLUMNS, undefined, undefined, root);
  if (planning.object(record, root.keys, undefined, undefined, 1, root) !== undefined || !planning.plannable) {
    // Counted afresh: a later record of the shape (without the exact number, say) may be plannable.
    plans.delete(walk.shape);
    return;
  }
  lastPlan = { known, keyColumn, root, template: templateOf(planning.names).object };
  plans.set(walk.shape, lastPlan);
}

/** A fresh object with the row's cells, in order, in the shape of a template kept for rows of the same columns. */
interface CellsTemplate {
  readonly names: readonly string[];
  readonly object: object;
}

/** Templates by row shape. Bounded, since shapes are the senders' to choose. */
let templates = new Map<number, CellsTemplate>();
const TEMPLATE_LIMIT = 256;

/**
 * The walk's cells as one object, or undefined when two fields filled one column. Copying a template
 * and setting its properties keeps the object in V8's fast mode; setting 30-odd new properties one by
 * one would turn it into a dictionary, which costs more to fill and to serialise.
 */
function cellsOf(walk: RowWalk): Record<string, CellValue> | undefined {
  const { names, values } = walk;
  let template = templates.get(walk.shape);
  if (template === undefined || !sameNames(template.names, names)) {
    // Every name once: the only check of collisions on the fast path, made once per shape.
    if (new Set(names).size !== names.length) return undefined;
    if (templates.size >= TEMPLATE_LIMIT) templates = new Map();
    template = templateOf(names);
    templates.set(walk.shape, template);
  }
  const cells = { ...template.object } as Record<string, CellValue>;
  for (let i = 0; i < names.length; i++) cells[names[i]] = values[i];
  return cells;
}

function templateOf(names: readonly string[]): CellsTemplate {
  return { names: [...names], object: JSON.parse(`{${names.map((name) => `${JSON.stringify(name)}:null`).join(',')}}`) as object };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Returned by the walk when two fields fill one column: the reason names both, found by walking again. */
const COLLISION = '\0collision';

/**
 * One record's mapping, depth first in key order (which is the cells' order). Recursive: objects
 * deeper than MAX_FLATTEN_DEPTH are kept whole, so the stack stays shallow whatever was sent.
 */
class RowWalk {
  /** The row's columns and their values, in order. */
  readonly names: string[] = [];
  readonly values: CellValue[] = [];
  /** A hash of the paths (and splits) that filled the columns: rows of one shape share a template. */
  shape = 0;
  added: Map<string, ColumnType> | undefined;
  /** On a collision: the column, and the field that found it filled. */
  private collided = { column: '', source: '' };
  /** Whether every leaf was of a kind a plan can check (planning walk only). */
  plannable = true;

  constructor(
    readonly known: ColumnTypes,
    private readonly keyColumn: string | undefined,
    private readonly maxColumns: number,
    /** The columns filled so far, when every column is checked as it is filled (the exact walk). */
    private readonly filled?: Set<string>,
    /** When walking again for a collision's reason: the column whose first field is sought. */
    private readonly seeking?: string,
    /** The plan being made of the record's shape (planning walk only). */
    readonly plan?: PlanObject,
  ) {}

  /** Maps the fields of `object` (whose keys are `keys`); a reason when one cannot be a column. */
  object(object: JsonObject, keys: readonly string[], trail: Trail | undefined, parentPath: PathNode | undefined, depth: number, plan?: PlanObject): string | undefined {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const value = object[key];
      if (value === null || value === undefined) {
        plan?.fields.push({ kind: PlanKind.Absent, name: '', object: undefined });
        continue;
      }
      const path = pathNode(parentPath, key);
      // Characters other than a-z, 0-9 and _ (a lone surrogate among them) leave the name, as Stitch's rule says.
      if (path.part === '') return `field name ${pathOf(trail, key)} has no letters, digits or "_" to make a column name of`;
      if (typeof value === 'object' && depth < MAX_FLATTEN_DEPTH && isJsonObject(value)) {
        const inner = Object.keys(value);
        if (inner.length > 0) {
          const innerPlan = plan && { keys: inner, fields: [] };
          plan?.fields.push({ kind: PlanKind.Object, name: '', object: innerPlan });
          const reason = this.object(value, inner, { parent: trail, key }, path, depth + 1, innerPlan);
          if (reason !== undefined) return reason;
          continue;
        }
      }
      const reason = this.leaf(value, key, path, trail, depth, plan);
      if (reason !== undefined) return reason;
    }
    return undefined;
  }

  private leaf(value: unknown, key: string, path: PathNode, trail: Trail | undefined, depth: number, plan: PlanObject | undefined): string | undefined {
    const { base } = path;
    if (base.length > MAX_COLUMN_NAME_LENGTH) {
      return `field ${pathOf(trail, key)} makes a column name of ${base.length} characters; the most is ${MAX_COLUMN_NAME_LENGTH}`;
    }
    if (base.charCodeAt(0) === 0x5f && RESERVED_NAME.test(base)) {
      return `field ${pathOf(trail, key)} becomes column "${base}"; names starting with _sdc are Hooklake's own`;
    }
    // The key field by its column name: column names ignore case, so `ID` fills primary key `id`.
    const isKey = depth === 1 && this.keyColumn !== undefined && path.part === this.keyColumn;
    // Strings and booleans, most leaves, without a cell object per leaf.
    const cell = isKey ? keyCell(value) : typeof value === 'string' ? (value.isWellFormed() ? STRING_CELL : undefined) : typeof value === 'boolean' ? BOOLEAN_CELL : cellOf(value);
    if (cell === undefined) return `field ${pathOf(trail, key)} holds a string that is not valid Unicode (a lone surrogate)`;
    const cellValue = cell === STRING_CELL || cell === BOOLEAN_CELL ? (value as CellValue) : cell.value;
    let name = base;
    let existing = this.typeOf(name);
    let splits = 0;
    // Another type goes to the split column; if a nested field already holds that name with a third
    // type, the suffix repeats (`assets__js__js`) until the name is free or of this type.
    for (; !isKey && (existing !== undefined ? existing !== cell.type : splits === 0 && TAKEN_NAMES.has(name)); splits++) {
      if (splits === MAX_SPLITS) return `field ${pathOf(trail, key)} has no free column for its ${cell.type} value after "${name}"`;
      name = `${name}${SPLIT_SUFFIX[cell.type]}`;
      existing = this.typeOf(name);
    }
    if (name.length > MAX_COLUMN_NAME_LENGTH) {
      return `field ${pathOf(trail, key)} needs split column "${name}" of ${name.length} characters; the most is ${MAX_COLUMN_NAME_LENGTH}`;
    }
    if (this.filled !== undefined) {
      if (this.seeking === name || this.filled.has(name)) {
        this.collided = { column: name, source: pathOf(trail, key) };
        return COLLISION;
      }
      this.filled.add(name);
    }
    if (existing === undefined) {
      this.added ??= new Map();
      if (this.known.size + this.added.size >= this.maxColumns) {
        return `field ${pathOf(trail, key)} would add column "${name}" past the integration's limit of ${this.maxColumns} columns (set with --max-columns when the integration is created)`;
      }
      this.added.set(name, isKey ? 'string' : cell.type);
    }
    this.names.push(name);
    this.values.push(cellValue);
    if (plan !== undefined) {
      const kind = planKindOf(value, isKey, cell.type);
      if (kind === undefined) this.plannable = false;
      plan.fields.push({ kind: kind ?? PlanKind.Absent, name, object: undefined });
    }
    this.shape = (Math.imul(this.shape, 31) + path.id * 8 + splits) | 0;
    return undefined;
  }

  private typeOf(name: string): ColumnType | undefined {
    return this.known.get(name) ?? this.added?.get(name);
  }

  /**
   * Why the walk stopped on a collision: the record is walked again, just as far as the first field
   * that filled the column, so the reason names both fields (collisions are rare; tracking every
   * field's source would cost every row).
   */
  collisionReason(record: JsonObject): string {
    const { column, source } = this.collided;
    const again = new RowWalk(this.known, this.keyColumn, this.maxColumns, new Set(), column);
    again.object(record, Object.keys(record), undefined, undefined, 1);
    return `fields ${again.collided.source} and ${source} both become column "${column}"`;
  }
}
/** How a plan checks a leaf of this value; undefined for a kind it does not check (exact numbers, objects kept whole for their depth). */
function planKindOf(value: unknown, isKey: boolean, type: ColumnType): PlanKind | undefined {
  if (isKey) return typeof value === 'string' ? PlanKind.KeyString : typeof value === 'number' ? PlanKind.KeyNumber : undefined;
  if (typeof value === 'string') return PlanKind.String;
  if (typeof value === 'boolean') return PlanKind.Boolean;
  if (typeof value === 'number') return type === 'bigint' ? PlanKind.SafeInteger : type === 'double' ? PlanKind.Fraction : undefined;
  if (Array.isArray(value)) return PlanKind.Array;
  // Non-empty objects are walked into unless too deep, which a plan leaves to the full walk.
  return isJsonObject(value) && Object.keys(value).length === 0 ? PlanKind.EmptyObject : undefined;
}

/** Types of the leaves stored as they are; their value is the leaf's own. */
const STRING_CELL = { type: 'string', value: '' } as const;
const BOOLEAN_CELL = { type: 'boolean', value: false } as const;

/** The column type and stored value of a leaf; undefined for a string that is not valid Unicode. */
function cellOf(value: unknown): { type: ColumnType; value: CellValue } | undefined {
  if (typeof value === 'string') return value.isWellFormed() ? { type: 'string', value } : undefined;
  if (typeof value === 'boolean') return { type: 'boolean', value };
  if (typeof value === 'number' || value instanceof ExactNumber) return numberCell(value);
  // Arrays, empty objects and objects nested past the flatten depth: their JSON text.
  const text = jsonText(value);
  return text === undefined ? undefined : { type: 'json', value: text };
}

/** A primary key is one string whatever it was sent as, so `123` and `"123"` are the same key. */
function keyCell(value: unknown): { type: ColumnType; value: CellValue } | undefined {
  if (typeof value === 'string') return value.isWellFormed() ? { type: 'string', value } : undefined;
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
    if (text !== undefined && !(text.includes('\\ud') && MAYBE_LONE_SURROGATE.test(text))) return text;
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
  if (typeof value === 'string') return escapeLoneSurrogates || value.isWellFormed() ? JSON.stringify(value) : undefined;
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
      if (text === undefined || !(escapeLoneSurrogates || key.isWellFormed())) return undefined;
      members.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function refuse(reason: string): Mapping {
  return { ok: false, reason };
}
