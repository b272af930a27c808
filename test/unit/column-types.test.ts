import fc from 'fast-check';
import { mergeColumns, widenType, type CatalogColumn } from '../../lambdas/core/column-types';

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
});
