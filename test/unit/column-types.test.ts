import fc from 'fast-check';
import { columnsOf, inferType, isColumnName, mergeColumns, widenType, type CatalogColumn } from '../../lambdas/core/column-types';

const NONE: ReadonlySet<string> = new Set();

describe('inferType', () => {
  it('knows nothing yet of null', () => {
    expect(inferType(null)).toBeUndefined();
    expect(inferType(undefined)).toBeUndefined();
  });

  it('types safe integers as bigint and every other number as double', () => {
    expect(inferType(42)).toBe('bigint');
    expect(inferType(-9007199254740991)).toBe('bigint');
    expect(inferType(9007199254740992)).toBe('double');
    expect(inferType(1.5)).toBe('double');
    expect(inferType(1e300)).toBe('double');
  });

  it('types booleans and strings, timestamps included, as themselves', () => {
    expect(inferType(true)).toBe('boolean');
    expect(inferType('2026-11-23T03:38:08.123Z')).toBe('string');
  });

  it('merges the element types of an array, string when none is known', () => {
    expect(inferType([1, 2.5])).toBe('array<double>');
    expect(inferType([1, 'a'])).toBe('array<string>');
    expect(inferType([])).toBe('array<string>');
    expect(inferType([null, 3])).toBe('array<bigint>');
    expect(inferType([{ a: 1 }, { b: 'x' }])).toBe('array<struct<a:bigint,b:string>>');
  });

  it('types an object with identifier keys as a struct, nulls inside as string', () => {
    expect(inferType({ city: 'Oslo', zip_2: 150, geo: { lat: 59.9 }, note: null })).toBe(
      'struct<city:string,zip_2:bigint,geo:struct<lat:double>,note:string>',
    );
  });

  it('lower-cases struct field names, as the JSON SerDe matches keys to fields', () => {
    expect(inferType({ City: 'Oslo' })).toBe('struct<city:string>');
  });

  it('types an object as a map when a key is not an identifier, is too long, or collides in lower case', () => {
    expect(inferType({ 'first-name': 'A' })).toBe('map<string,string>');
    expect(inferType({ '1st': 'A', '2nd': 3 })).toBe('map<string,string>');
    expect(inferType({ '': 1.5, x: 2 })).toBe('map<string,double>');
    expect(inferType({ ['a'.repeat(256)]: 1 })).toBe('map<string,bigint>');
    expect(inferType({ ['a'.repeat(255)]: 1 })).toBe(`struct<${'a'.repeat(255)}:bigint>`);
    expect(inferType({ Email: 'a', email: 'b' })).toBe('map<string,string>');
    expect(inferType({ 'a-b': { c: 1 } })).toBe('map<string,struct<c:bigint>>');
  });

  it('types an empty object as a map, which reads {} and any later object of scalars', () => {
    expect(inferType({})).toBe('map<string,string>');
  });
});

describe('widenType', () => {
  it.each([
    ['map<string,string>', 'struct<a:bigint>', 'map<string,string>'],
    ['struct<a:bigint,b:double>', 'map<string,bigint>', 'map<string,double>'],
    ['map<string,bigint>', 'map<string,double>', 'map<string,double>'],
    ['map<string,string>', 'string', 'string'],
    ['map<string,string>', 'array<string>', 'string'],
    ['map<bigint,string>', 'map<string,string>', 'string'],
    ['bigint', 'bigint', 'bigint'],
    ['bigint', 'double', 'double'],
    ['double', 'bigint', 'double'],
    ['bigint', 'string', 'string'],
    ['boolean', 'bigint', 'string'],
    ['struct<a:bigint>', 'string', 'string'],
    ['array<bigint>', 'bigint', 'string'],
    ['array<bigint>', 'struct<a:bigint>', 'string'],
    ['array<bigint>', 'array<double>', 'array<double>'],
    ['array<bigint>', 'array<boolean>', 'array<string>'],
    ['struct<a:bigint,b:string>', 'struct<c:boolean,a:double>', 'struct<a:double,b:string,c:boolean>'],
    ['struct<a:struct<x:bigint>>', 'struct<a:struct<y:string>>', 'struct<a:struct<x:bigint,y:string>>'],
    ['array<struct<a:bigint>>', 'array<struct<a:string>>', 'array<struct<a:string>>'],
    ['decimal(10,2)', 'decimal(10,2)', 'decimal(10,2)'],
    ['decimal(10,2)', 'double', 'string'],
    ['struct<m:map<string,bigint>>', 'struct<n:bigint>', 'struct<m:map<string,bigint>,n:bigint>'],
  ])('%s with %s is %s', (a, b, expected) => {
    expect(widenType(a, b)).toBe(expected);
  });
});

describe('columnsOf', () => {
  it('lists columns in first-seen order with names in lower case and types widened over records', () => {
    const columns = columnsOf(
      [
        { id: 1, Email: 'a@b.c', score: 3 },
        { id: 2, email: 'd@e.f', score: 4.5, tags: ['x'] },
      ],
      NONE,
    );
    expect(columns).toEqual([
      { name: 'id', type: 'bigint' },
      { name: 'email', type: 'string' },
      { name: 'score', type: 'double' },
      { name: 'tags', type: 'array<string>' },
    ]);
  });

  it('types a column seen only as null as string, and a later value fixes an earlier null', () => {
    expect(columnsOf([{ a: null, b: null }, { b: 7 }], NONE)).toEqual([
      { name: 'a', type: 'string' },
      { name: 'b', type: 'bigint' },
    ]);
  });

  it('leaves out excluded names, compared in lower case', () => {
    const columns = columnsOf([{ DT: '2026-01-01', _sdc_partition: { dt: 'x' }, id: 1 }], new Set(['dt', '_sdc_partition']));
    expect(columns).toEqual([{ name: 'id', type: 'bigint' }]);
  });

  it('leaves out keys Glue cannot take as column names', () => {
    const columns = columnsOf([{ '': 1, ['k'.repeat(256)]: 1, 'tab\there': 1, 'nl\n': 1, 'del\u007f': 1, 'has space': 1, ok: 1 }], NONE);
    expect(columns.map((column) => column.name)).toEqual(['has space', 'ok']);
  });

  it('types a column string when its values disagree', () => {
    expect(columnsOf([{ v: 1 }, { v: true }, { v: { a: 1 } }], NONE)).toEqual([{ name: 'v', type: 'string' }]);
  });
});

describe('isColumnName', () => {
  it('accepts up to 255 characters without control characters', () => {
    expect(isColumnName('x'.repeat(255))).toBe(true);
    expect(isColumnName('x'.repeat(256))).toBe(false);
    expect(isColumnName('')).toBe(false);
    expect(isColumnName('a\u0000b')).toBe(false);
    expect(isColumnName('\ud800')).toBe(false);
    expect(isColumnName('émoji 😀')).toBe(true);
  });
});

describe('mergeColumns', () => {
  const existing: CatalogColumn[] = [
    { name: '_sdc_received_at', type: 'timestamp' },
    { name: '_sdc_sequence', type: 'bigint' },
    { name: 'amount', type: 'bigint' },
  ];

  it('keeps the existing order, widens types and appends new columns', () => {
    const result = mergeColumns(existing, [
      { name: 'plan', type: 'string' },
      { name: 'amount', type: 'double' },
      { name: '_sdc_sequence', type: 'bigint' },
    ]);
    expect(result).toEqual({
      changed: true,
      columns: [
        { name: '_sdc_received_at', type: 'timestamp' },
        { name: '_sdc_sequence', type: 'bigint' },
        { name: 'amount', type: 'double' },
        { name: 'plan', type: 'string' },
      ],
    });
  });

  it('reports no change when every observed column is already covered', () => {
    const result = mergeColumns(existing, [
      { name: 'amount', type: 'bigint' },
      { name: '_sdc_received_at', type: 'string' },
    ]);
    expect(result).toEqual({ changed: false, columns: existing });
  });

  it('keeps a declared timestamp, which sampled JSON shows as a string', () => {
    expect(mergeColumns(existing, [{ name: '_sdc_received_at', type: 'string' }]).columns[0]).toEqual({
      name: '_sdc_received_at',
      type: 'timestamp',
    });
    expect(mergeColumns(existing, [{ name: '_sdc_received_at', type: 'bigint' }]).columns[0].type).toBe('string');
  });

  it('does not change its input', () => {
    const copy = existing.map((column) => ({ ...column }));
    mergeColumns(existing, [{ name: 'amount', type: 'double' }]);
    expect(existing).toEqual(copy);
  });

  const names = fc.constantFrom('a', 'b', 'c', 'd', 'e');
  const { type } = fc.letrec<{ type: string }>((tie) => ({
    type: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('string', 'bigint', 'double', 'boolean', 'timestamp'),
      tie('type').map((element) => `array<${element}>`),
      fc
        .uniqueArray(fc.tuple(names, tie('type')), { minLength: 1, maxLength: 3, selector: ([name]) => name })
        .map((fields) => `struct<${fields.map(([name, fieldType]) => `${name}:${fieldType}`).join(',')}>`),
    ),
  }));
  const columnList = fc
    .uniqueArray(fc.tuple(names, type), { maxLength: 5, selector: ([name]) => name })
    .map((pairs) => pairs.map(([name, columnType]) => ({ name, type: columnType })));

  it('is idempotent: merging the same observation again changes nothing', () => {
    fc.assert(
      fc.property(columnList, columnList, (a, b) => {
        const once = mergeColumns(a, b);
        const twice = mergeColumns(once.columns, b);
        expect(twice.changed).toBe(false);
        expect(twice.columns).toEqual(once.columns);
      }),
    );
  });

  it('never loses a column, keeps existing ones first and in order, and says when it changed something', () => {
    fc.assert(
      fc.property(columnList, columnList, (a, b) => {
        const { columns, changed } = mergeColumns(a, b);
        const merged = columns.map((column) => column.name);
        expect(merged.slice(0, a.length)).toEqual(a.map((column) => column.name));
        for (const column of [...a, ...b]) expect(merged).toContain(column.name);
        expect(new Set(merged).size).toBe(merged.length);
        expect(changed).toBe(JSON.stringify(columns) !== JSON.stringify(a));
      }),
    );
  });

  it('types the merge of columns inferred from two record sets as the columns of their union', () => {
    const record = fc.dictionary(names, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 4 }), fc.array(record, { maxLength: 4 }), (first, second) => {
        const merged = mergeColumns(columnsOf(first, NONE), columnsOf(second, NONE)).columns;
        const together = columnsOf([...first, ...second], NONE);
        const byName = (columns: CatalogColumn[]) => Object.fromEntries(columns.map((column) => [column.name, column.type]));
        // A column seen only as null on one side is a string there, however the other side types it.
        const nullOnly = new Set([...nullOnlyKeys(first), ...nullOnlyKeys(second)]);
        const pick = (columns: CatalogColumn[]) => byName(columns.filter((column) => !nullOnly.has(column.name)));
        expect(pick(merged)).toEqual(pick(together));
      }),
    );
  });
});

function nullOnlyKeys(records: readonly Record<string, unknown>[]): string[] {
  const keys = new Set(records.flatMap((record) => Object.keys(record)));
  return [...keys].filter((key) => records.every((record) => record[key] === null || record[key] === undefined));
}
