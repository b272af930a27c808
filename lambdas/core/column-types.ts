/**
 * Glue/Hive column types, for keeping a catalog table in step with the column registry.
 *
 * Types are Hive type strings (`bigint`, `decimal(38,0)`, and, in tables made before the registry,
 * `array<string>` or `struct<a:bigint,b:string>`), as Glue stores them. A merge never drops a column;
 * where an existing column's type differs from an observed one it widens towards a type that still
 * reads every value seen so far, `string` being the last resort.
 */

export interface CatalogColumn {
  readonly name: string;
  /** Hive type string, e.g. `string`, `bigint`, `array<string>`, `struct<a:bigint,b:string>`. */
  readonly type: string;
}

/** Glue's limit on the length of a type string. */
export const MAX_TYPE_LENGTH = 131072;

const STRING = 'string';

/** The narrowest type that reads values of both types. */
export function widenType(a: string, b: string): string {
  if (a === b) return a;
  return printType(widenNodes(parseType(a), parseType(b)));
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
