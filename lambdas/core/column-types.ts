/**
 * Glue/Hive column types inferred from JSON records, for keeping the catalog in step with the lake.
 *
 * Types are Hive type strings (`bigint`, `array<string>`, `struct<a:bigint,b:string>`), as Glue
 * stores them. Widening only ever goes towards a type that still reads every value seen so far;
 * `string` is the last resort, because the Hive JSON SerDe reads any JSON scalar into a string
 * column. (It does not read an object or array into one: a field that is an object in one record
 * and a scalar in another has no type that reads both; it gets `string`, and the object rows fail.)
 * An object that cannot be a struct (no keys, or keys that are not identifiers) is a `map<string,T>`,
 * which reads any object whose values fit T, `{}` included.
 */
import type { JsonObject } from './rows';

export interface CatalogColumn {
  readonly name: string;
  /** Hive type string, e.g. `string`, `bigint`, `array<string>`, `struct<a:bigint,b:string>`. */
  readonly type: string;
}

/** Glue's limits on a column: name length, and length of the type string. */
export const MAX_COLUMN_NAME_LENGTH = 255;
export const MAX_TYPE_LENGTH = 131072;

const STRING = 'string';
const STRUCT_FIELD = /^[a-z_][a-z0-9_]*$/;
/** Control characters, lone surrogates and the non-characters Glue's name pattern leaves out. */
const UNFIT_NAME_CHARACTER = /[\p{Cc}\p{Cs}\uFFFE\uFFFF]/u;

/**
 * Hive type of one JSON value; undefined for null (nothing known yet).
 * Object keys are matched case-insensitively by the JSON SerDe, so a struct's field names are the
 * keys in lower case; an object whose keys are not identifiers, collide in lower case, or are none
 * at all is a map from string to its values' widened type.
 */
export function inferType(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'bigint' : 'double';
  if (typeof value === 'string') return STRING;
  if (Array.isArray(value)) {
    let element: string | undefined;
    for (const item of value) element = widenKnown(element, inferType(item));
    return `array<${element ?? STRING}>`;
  }
  if (typeof value === 'object') return structType(value as JsonObject);
  return STRING;
}

function structType(object: JsonObject): string {
  const fields: string[] = [];
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(object)) {
    const name = key.toLowerCase();
    if (!STRUCT_FIELD.test(name) || name.length > MAX_COLUMN_NAME_LENGTH || seen.has(name)) return mapType(object);
    seen.add(name);
    fields.push(`${name}:${inferType(value) ?? STRING}`);
  }
  // Hive has no empty struct.
  return fields.length === 0 ? mapType(object) : `struct<${fields.join(',')}>`;
}

function mapType(object: JsonObject): string {
  let value: string | undefined;
  for (const item of Object.values(object)) value = widenKnown(value, inferType(item));
  return `map<${STRING},${value ?? STRING}>`;
}

/** The narrowest type that reads values of both types. */
export function widenType(a: string, b: string): string {
  if (a === b) return a;
  return printType(widenNodes(parseType(a), parseType(b)));
}

function widenKnown(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return widenType(a, b);
}

/**
 * Columns of a set of records, in first-seen order, names in lower case as Glue keeps them.
 * Keys in `exclude` (compared in lower case) and keys Glue cannot take as a column name are left
 * out; a column seen only as null is a string.
 */
export function columnsOf(records: Iterable<JsonObject>, exclude: ReadonlySet<string>): CatalogColumn[] {
  const types = new Map<string, string | undefined>();
  for (const record of records) {
    for (const [key, value] of Object.entries(record)) {
      const name = key.toLowerCase();
      if (exclude.has(name) || !isColumnName(name)) continue;
      types.set(name, widenKnown(types.get(name), inferType(value)));
    }
  }
  return [...types].map(([name, type]) => ({ name, type: fitType(type ?? STRING) }));
}

/** Glue's column name rule: 1 to 255 characters, none of them a control character. */
export function isColumnName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_COLUMN_NAME_LENGTH && !UNFIT_NAME_CHARACTER.test(name);
}

/**
 * Existing columns in their order, each widened by what was observed, then new ones in observed
 * order. Never drops a column. A declared `timestamp` stays one: sampled JSON only ever shows its
 * values as strings.
 */
export function mergeColumns(
  existing: readonly CatalogColumn[],
  observed: readonly CatalogColumn[],
): { columns: CatalogColumn[]; changed: boolean } {
  const columns = existing.map((column) => ({ ...column }));
  const index = new Map(columns.map((column, i) => [column.name, i] as const));
  let changed = false;
  for (const column of observed) {
    const at = index.get(column.name);
    if (at === undefined) {
      index.set(column.name, columns.length);
      columns.push({ name: column.name, type: fitType(column.type) });
      changed = true;
      continue;
    }
    const current = columns[at].type;
    if (current === 'timestamp' && column.type === STRING) continue;
    const type = fitType(widenType(current, column.type));
    if (type !== current) {
      columns[at] = { name: column.name, type };
      changed = true;
    }
  }
  return { columns, changed };
}

/** A type Glue would refuse for its length falls back to string. */
function fitType(type: string): string {
  return type.length > MAX_TYPE_LENGTH ? STRING : type;
}

// --- Hive type strings as trees, so nested types widen field by field. ---

type TypeNode =
  | { readonly kind: 'scalar'; readonly text: string }
  | { readonly kind: 'array'; readonly element: TypeNode }
  /** Keys are always strings in JSON. */
  | { readonly kind: 'map'; readonly value: TypeNode }
  | { readonly kind: 'struct'; readonly fields: ReadonlyArray<readonly [string, TypeNode]> };

const SCALAR_STRING: TypeNode = { kind: 'scalar', text: STRING };

function widenNodes(a: TypeNode, b: TypeNode): TypeNode {
  if (a.kind === 'array' && b.kind === 'array') return { kind: 'array', element: widenNodes(a.element, b.element) };
  if (a.kind === 'struct' && b.kind === 'struct') {
    const fields = new Map<string, TypeNode>(a.fields);
    for (const [name, type] of b.fields) {
      const mine = fields.get(name);
      fields.set(name, mine === undefined ? type : widenNodes(mine, type));
    }
    return { kind: 'struct', fields: [...fields] };
  }
  // A map and a map or struct: a map whose values read every value of both.
  if ((a.kind === 'map' || b.kind === 'map') && isObjectType(a) && isObjectType(b)) {
    return { kind: 'map', value: [...objectValues(a), ...objectValues(b)].reduce(widenNodes) };
  }
  if (a.kind === 'scalar' && b.kind === 'scalar') {
    if (a.text === b.text) return a;
    const pair = new Set([a.text, b.text]);
    if (pair.has('bigint') && pair.has('double')) return { kind: 'scalar', text: 'double' };
  }
  return SCALAR_STRING;
}

function isObjectType(node: TypeNode): boolean {
  return node.kind === 'map' || node.kind === 'struct';
}

/** The types a map or struct holds as values (a struct always has a field). */
function objectValues(node: TypeNode): TypeNode[] {
  if (node.kind === 'map') return [node.value];
  if (node.kind === 'struct') return node.fields.map(([, type]) => type);
  return [];
}

function printType(node: TypeNode): string {
  switch (node.kind) {
    case 'scalar':
      return node.text;
    case 'array':
      return `array<${printType(node.element)}>`;
    case 'map':
      return `map<${STRING},${printType(node.value)}>`;
    case 'struct':
      return `struct<${node.fields.map(([name, type]) => `${name}:${printType(type)}`).join(',')}>`;
  }
}

/**
 * Parses `array<...>`, `map<string,...>` and `struct<...>`; anything else (`bigint`, `decimal(10,2)`) is an
 * opaque scalar, equal only to itself. Text that does not parse is one opaque scalar too.
 */
function parseType(text: string): TypeNode {
  const parser = new TypeParser(text);
  try {
    const node = parser.type();
    return parser.atEnd() ? node : { kind: 'scalar', text: text.trim() };
  } catch {
    return { kind: 'scalar', text: text.trim() };
  }
}

class TypeParser {
  private at = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    this.skipSpaces();
    return this.at === this.text.length;
  }

  type(): TypeNode {
    const name = this.word();
    this.skipSpaces();
    if (this.text[this.at] !== '<') return { kind: 'scalar', text: name };
    const lower = name.toLowerCase();
    if (lower === 'array') {
      this.expect('<');
      const element = this.type();
      this.expect('>');
      return { kind: 'array', element };
    }
    if (lower === 'map') {
      this.expect('<');
      const key = this.word();
      this.expect(',');
      const value = this.type();
      this.expect('>');
      if (key.toLowerCase() === STRING) return { kind: 'map', value };
      return { kind: 'scalar', text: `map<${key},${printType(value)}>` };
    }
    if (lower === 'struct') {
      this.expect('<');
      const fields: [string, TypeNode][] = [];
      do {
        const field = this.word();
        this.expect(':');
        fields.push([field, this.type()]);
      } while (this.accept(','));
      this.expect('>');
      return { kind: 'struct', fields };
    }
    return { kind: 'scalar', text: `${name}${this.balanced()}` };
  }

  /** A name or scalar type, up to the next `<`, `>`, `,` or `:` outside parentheses. */
  private word(): string {
    this.skipSpaces();
    const start = this.at;
    let depth = 0;
    while (this.at < this.text.length) {
      const c = this.text[this.at];
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (depth === 0 && '<>,:'.includes(c)) break;
      this.at++;
    }
    const word = this.text.slice(start, this.at).trim();
    if (word === '') throw new Error(`type expected at ${start}`);
    return word;
  }

  /** `<...>` with nested brackets, kept as written. */
  private balanced(): string {
    const start = this.at;
    let depth = 0;
    do {
      const c = this.text[this.at++];
      if (c === undefined) throw new Error('unbalanced <');
      if (c === '<') depth++;
      else if (c === '>') depth--;
    } while (depth > 0);
    return this.text.slice(start, this.at);
  }

  private accept(c: string): boolean {
    this.skipSpaces();
    if (this.text[this.at] !== c) return false;
    this.at++;
    return true;
  }

  private expect(c: string): void {
    if (!this.accept(c)) throw new Error(`"${c}" expected at ${this.at}`);
  }

  private skipSpaces(): void {
    while (this.text[this.at] === ' ') this.at++;
  }
}
