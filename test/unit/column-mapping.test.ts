import fc from 'fast-check';
import { ExactNumber } from '../../lambdas/core/exact-number';
import { columnNameOf } from '../../lambdas/core/column-names';
import { mapRecord, rawJsonText, type CellValue, type ColumnType, type Mapping } from '../../lambdas/core/column-mapping';
import type { JsonObject } from '../../lambdas/core/rows';

const none = new Map<string, ColumnType>();
const cellsOf = (mapping: Mapping) => {
  if (!mapping.ok) throw new Error(`refused: ${mapping.reason}`);
  return { ...mapping.cells };
};
const text = (value: CellValue) => (value instanceof ExactNumber ? value.text : value);
/** A cell as the lake file holds it. */
const written = (value: CellValue) => (value instanceof ExactNumber ? value.text : JSON.stringify(value));

describe('mapRecord: Stitch-style columns', () => {
  it('lower-cases names and drops characters other than a-z, 0-9 and _', () => {
    expect(cellsOf(mapRecord({ 'customer!id': 'c1', 'First Name': 'Ada', Email_2: 'a@x' }, none))).toEqual({ customerid: 'c1', firstname: 'Ada', email_2: 'a@x' });
  });

  it('flattens nested objects to parent__child, and keeps arrays as JSON text', () => {
    const cells = cellsOf(mapRecord({ data: { href: 'https://x', campaign: { id: 7 } }, tags: ['a', 'b'], empty: {} }, none));
    expect(Object.keys(cells)).toEqual(['data__href', 'data__campaign__id', 'tags', 'empty']);
    expect(cells.data__campaign__id).toBe(7);
    expect(text(cells.tags)).toBe('["a","b"]');
    expect(text(cells.empty)).toBe('{}');
  });

  it('types a new column by its first value and lists it as new', () => {
    const mapping = mapRecord({ n: 1, x: 1.5, ok: true, s: 's', big: new ExactNumber('12345678901234567890'), gone: null }, none);
    expect(mapping.ok && mapping.newColumns).toEqual([
      { name: 'n', type: 'bigint' },
      { name: 'x', type: 'double' },
      { name: 'ok', type: 'boolean' },
      { name: 's', type: 'string' },
      { name: 'big', type: 'decimal' },
    ]);
  });

  it('sends a value of another type to a split column with its suffix', () => {
    const known = new Map<string, ColumnType>([['campaignid', 'bigint'], ['price', 'bigint']]);
    const mapping = mapRecord({ campaignId: '59667', price: 10.5 }, known);
    expect(mapping.ok && mapping.cells).toEqual({ campaignid__st: '59667', price__do: 10.5 });
    expect(mapping.ok && mapping.newColumns.map((c) => c.name)).toEqual(['campaignid__st', 'price__do']);
  });

  it('keeps the primary key a string whatever it was sent as, never split', () => {
    const known = new Map<string, ColumnType>([['event_id', 'string']]);
    expect(cellsOf(mapRecord({ event_id: 123 }, known, { primaryKey: 'event_id' }))).toEqual({ event_id: '123' });
    expect(cellsOf(mapRecord({ event_id: new ExactNumber('12345678901234567890') }, known, { primaryKey: 'event_id' }))).toEqual({ event_id: '12345678901234567890' });
  });

  it.each([
    [{ Email: 'a', email: 'b' }, /fields "Email" and "email" both become column "email"/],
    [{ 'a.b': 1, ab: 2 }, /both become column "ab"/],
    // Column "1" sorts first among the row's keys, yet the earlier field named is the one that filled "b".
    [{ b: 1, '1!': 2, B: 3 }, /fields "b" and "B" both become column "b"/],
    [{ '!!!': 1 }, /no letters, digits or "_"/],
    [{ ['x'.repeat(121)]: 1 }, /121 characters; the most is 120/],
    [{ s: 'bad \ud800' }, /not valid Unicode/],
    [{ ä_sdc_sequence: 1 }, /Hooklake's own/],
  ])('refuses %j with a reason', (record, reason) => {
    const mapping = mapRecord(record as JsonObject, none);
    expect(mapping.ok).toBe(false);
    expect(!mapping.ok && mapping.reason).toMatch(reason);
  });

  it('refuses a row that would pass the column limit, saying so', () => {
    const known = new Map<string, ColumnType>([['a', 'string']]);
    const mapping = mapRecord({ a: 'x', b: 'y' }, known, { maxColumns: 1 });
    expect(!mapping.ok && mapping.reason).toMatch(/limit of 1 columns/);
  });

  it('keeps an object nested past the flatten depth whole, as JSON text', () => {
    let deep: JsonObject = { leaf: 1 };
    for (let i = 0; i < 30; i++) deep = { n: deep };
    const cells = cellsOf(mapRecord(deep, none));
    const [name] = Object.keys(cells);
    expect(name.split('__')).toHaveLength(16);
    expect(JSON.parse(String(text(cells[name])))).toMatchObject({ n: expect.any(Object) });
  });

  it('drops a lone surrogate from a field name, as any character outside a-z, 0-9 and _', () => {
    expect(cellsOf(mapRecord({ ['k\udc00']: 1 }, none))).toEqual({ k: 1 });
  });

  it('repeats the split suffix when a nested field already took the split name with a third type', () => {
    const known = new Map<string, ColumnType>([['assets', 'string'], ['assets__js', 'string']]);
    const mapping = mapRecord({ assets: ['app.js'] }, known);
    expect(mapping.ok && mapping.cells).toEqual({ assets__js__js: '["app.js"]' });
  });

  it('reads a numeric primary key by its value, not its spelling, and finds the key field whatever its case', () => {
    const key = (value: unknown, field = 'id') => cellsOf(mapRecord({ [field]: value } as JsonObject, none, { primaryKey: 'id' })).id;
    expect([key(123), key(new ExactNumber('123.0')), key(new ExactNumber('1.23e2')), key('123')]).toEqual(['123', '123', '123', '123']);
    expect(key(new ExactNumber('12345678901234567890'))).toBe('12345678901234567890');
    expect(key('x', 'ID')).toBe('x');
  });

  it('gives the partition column name to no data column', () => {
    expect(Object.keys(cellsOf(mapRecord({ dt: '2026-01-01' }, none)))).toEqual(['dt__st']);
  });
});

describe('mapRecord: properties', () => {
  const records = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 8 }) as fc.Arbitrary<JsonObject>;
  const knowns = fc.dictionary(fc.stringMatching(/^[a-z]{1,3}$/), fc.constantFrom<ColumnType>('string', 'bigint', 'double', 'boolean', 'json')).map((d) => new Map(Object.entries(d)));

  it('never throws, and is deterministic', () => {
    fc.assert(
      fc.property(records, knowns, (record, known) => {
        expect(mapRecord(record, known)).toEqual(mapRecord(record, known));
      }),
    );
  });

  it('loses no leaf: every non-null leaf value is in some column, or the row is refused', () => {
    fc.assert(
      fc.property(records, knowns, (record, known) => {
        const mapping = mapRecord(record, known);
        if (!mapping.ok) return;
        const stored = Object.values(mapping.cells).map(written);
        const stack: unknown[] = Object.values(record);
        while (stack.length > 0) {
          const value = stack.pop();
          if (value === null) continue;
          if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length > 0) {
            stack.push(...Object.values(value as object));
            continue;
          }
          // A number that no numeric column holds exactly is kept as its text, in a string column.
          if (typeof value === 'number') expect(stored.some((cell) => Number(JSON.parse(cell)) === value || Number(cell) === value)).toBe(true);
          else expect(stored).toContain(typeof value === 'object' ? JSON.stringify(JSON.stringify(value)) : JSON.stringify(value));
        }
      }),
    );
  });

  it('never gives a column two types, and names every column as the rules say', () => {
    fc.assert(
      fc.property(records, knowns, (record, known) => {
        const mapping = mapRecord(record, known);
        if (!mapping.ok) return;
        for (const column of mapping.newColumns) expect(known.has(column.name)).toBe(false);
        for (const name of Object.keys(mapping.cells)) expect(name).toMatch(/^[a-z0-9_]+$/);
      }),
    );
  });

  it('is idempotent on its own output (JSON text columns read back as the strings they are stored as)', () => {
    fc.assert(
      fc.property(records, (record) => {
        const first = mapRecord(record, none);
        if (!first.ok) return;
        const known = new Map(first.newColumns.map((c) => [c.name, c.type === 'json' ? 'string' : c.type] as const));
        const again = mapRecord(first.cells as JsonObject, known);
        expect(again.ok && again.cells).toEqual(first.cells);
        expect(again.ok && again.newColumns).toEqual([]);
      }),
    );
  });

  it('column names keep only a-z, 0-9 and _', () => {
    fc.assert(fc.property(fc.string(), (key) => expect(columnNameOf(key)).toMatch(/^[a-z0-9_]*$/)));
  });
});

describe('mapRecord: records of a shape seen before', () => {
  const known = new Map<string, ColumnType>([
    ['id', 'string'],
    ['n', 'bigint'],
    ['n__do', 'double'],
    ['n__st', 'string'],
    ['a__b', 'string'],
    ['tags', 'json'],
    ['ok', 'boolean'],
    ['meta', 'json'],
    ['meta__x', 'bigint'],
  ]);
  const options = { primaryKey: 'id' };
  const first = { id: 1, n: 2, a: { b: 'x' }, tags: ['t'], ok: true, meta: {} };

  it.each<[string, JsonObject]>([
    ['the same kinds of values', { id: 9, n: 3, a: { b: 'y' }, tags: [], ok: false, meta: {} }],
    ['a number of another column type', { id: 9, n: 3.5, a: { b: 'y' }, tags: [], ok: false, meta: {} }],
    ['a string where a number was', { id: 'k', n: 'three', a: { b: 'y' }, tags: [], ok: false, meta: {} }],
    ['a missing field', { id: 9, n: 3, a: { b: 'y' }, ok: false, meta: {} }],
    ['an object where an empty one was', { id: 9, n: 3, a: { b: 'y' }, tags: [], ok: false, meta: { x: 1 } }],
    ['a null field', { id: 9, n: null, a: { b: 'y' }, tags: [], ok: false, meta: {} }],
    ['keys in another order', { n: 3, id: 9, a: { b: 'y' }, tags: [], ok: false, meta: {} }],
    ['a nested object with another key', { id: 9, n: 3, a: { c: 'y' }, tags: [], ok: false, meta: {} }],
    ['an empty nested object', { id: 9, n: 3, a: {}, tags: [], ok: false, meta: {} }],
    ['a lone surrogate', { id: 9, n: 3, a: { b: '\ud800' }, tags: [], ok: false, meta: {} }],
    ['an exact number', { id: 9, n: new ExactNumber('12345678901234567890'), a: { b: 'y' }, tags: [], ok: false, meta: {} }],
  ])('maps %s as it maps it the first time', (_, record) => {
    const fresh = mapRecord(record, new Map(known), options);
    for (let seen = 0; seen < 3; seen++) expect(mapRecord(first, known, options).ok).toBe(true);
    const again = mapRecord(record, known, options);
    expect(again).toEqual(fresh);
    if (again.ok && fresh.ok) expect(rawJsonText(again.cells)).toBe(rawJsonText(fresh.cells));
  });
});
