import fc from 'fast-check';
import type { DecodedRecord } from '../../lambdas/core/decode-body';
import { MAX_EVENT_TYPES } from '../../lambdas/core/event-types';
import type { Integration } from '../../lambdas/core/integration';
import { sequenceGenerator } from '../../lambdas/core/sequence';
import { ExactNumber } from '../../lambdas/core/exact-number';
import { stampRecords, type StampContext } from '../../lambdas/core/stamp';
import { recordOf } from '../support/lake-rows';
import type { LakeRow } from '../../lambdas/core/rows';

const integration = (primaryKey?: string): Integration => ({
  name: 'Shop',
  schema: 'shop',
  type: 'webhooks',
  tableVersion: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...(primaryKey ? { primaryKey } : {}),
});

function context(overrides: Partial<StampContext> = {}): StampContext {
  let sequence = 1_000_000n;
  let uuid = 0;
  return {
    integration: integration('id'),
    receivedAt: new Date('2026-11-23T23:59:59.900Z'),
    batchedAt: new Date('2026-11-24T00:00:00.100Z'),
    nextSequence: () => ++sequence,
    uuid: () => `uuid-${++uuid}`,
    maxRecordBytes: 1000 * 1024,
    columns: new Map(),
    ...overrides,
  };
}
const records = (...values: unknown[]): DecodedRecord[] => values.map((value) => ({ value }));

describe('stampRecords', () => {
  it('stamps every _sdc column of the contract on rows of data, the primary key as a string', () => {
    const result = stampRecords(records({ id: 1, email: 'a@b.c' }), context());
    expect(result).toEqual({
      records: 1,
      rejected: 0,
      firstSequence: 1_000_001n,
      newColumns: [
        { name: 'id', type: 'string' },
        { name: 'email', type: 'string' },
      ],
      newEventColumns: [],
      rows: [
        {
          table: 'data',
          dt: '2026-11-23',
          text: JSON.stringify({
            id: '1',
            email: 'a@b.c',
            _sdc_received_at: '2026-11-23T23:59:59.900Z',
            _sdc_batched_at: '2026-11-24T00:00:00.100Z',
            _sdc_table_version: 3,
            _sdc_sequence: 1_000_001,
          }),
          receivedAt: '2026-11-23T23:59:59.900Z',
          sequence: 1_000_001n,
        },
      ],
    });
  });

  it('adds a __sdc_primary_key UUID only when the integration has no primary key', () => {
    const withKey = stampRecords(records({ id: 1 }), context());
    const withoutKey = stampRecords(records({ a: 1 }, { a: 1 }), context({ integration: integration() }));
    expect(recordOf(withKey.rows[0])).not.toHaveProperty('__sdc_primary_key');
    expect(withoutKey.rows.map((row) => recordOf(row).__sdc_primary_key)).toEqual(['uuid-1', 'uuid-2']);
  });

  it('gives sequences in body order, rejected rows included', () => {
    const result = stampRecords(records({ id: 1 }, 'oops', { id: 2 }), context());
    expect(result.rows.map((row) => [row.table, recordOf(row)._sdc_sequence])).toEqual([
      ['data', 1_000_001],
      ['_sdc_rejected', 1_000_002],
      ['data', 1_000_003],
    ]);
  });

  it.each([
    ['a string', 'oops', /record is a string, not a JSON object/],
    ['an array', [1, 2], /record is an array, not a JSON object/],
    ['null', null, /record is null, not a JSON object/],
    ['missing primary key', { email: 'x' }, /primary key field "id" is missing or null/],
    ['null primary key', { id: null }, /primary key field "id" is missing or null/],
    ['object primary key', { id: { nested: 1 } }, /must be a string, number or boolean/],
    ['reserved _sdc field', { id: 1, _sdc_sequence: 5 }, /field "_sdc_sequence" is reserved/],
    ['reserved __sdc field', { id: 1, __SDC_primary_key: 'x' }, /field "__SDC_primary_key" is reserved/],
    ['colliding names', { id: 1, Email: 'a', email: 'b' }, /fields "Email" and "email" both become column "email"/],
  ])('routes %s to _sdc_rejected with the reason and the raw text', (_case, value, reason) => {
    const result = stampRecords(records(value), context());
    expect(result).toMatchObject({ records: 0, rejected: 1 });
    expect(result.rows[0]).toMatchObject({ table: '_sdc_rejected', dt: '2026-11-23', receivedAt: '2026-11-23T23:59:59.900Z', sequence: 1_000_001n });
    expect(recordOf(result.rows[0])).toEqual({
      _sdc_rejected_at: '2026-11-24T00:00:00.100Z',
      reason: expect.stringMatching(reason),
      record: JSON.stringify(value),
      _sdc_received_at: '2026-11-23T23:59:59.900Z',
      _sdc_sequence: 1_000_001,
    });
  });

  it('keeps the original line text of an NDJSON record it rejects', () => {
    const result = stampRecords([{ value: [1], text: '[1]   ' }], context());
    expect(recordOf(result.rows[0]).record).toBe('[1]   ');
  });

  it('rejects a record over the size limit and cuts its text to fit, on a character boundary', () => {
    const big = { id: 1, text: 'é'.repeat(6000) };
    const result = stampRecords(records(big, { id: 2 }), context({ maxRecordBytes: 8 * 1024 }));
    expect(result).toMatchObject({ records: 1, rejected: 1 });
    const rejected = recordOf(result.rows[0]);
    expect(rejected.reason).toMatch(/record is \d+ bytes once stamped; the most a record may be is 8 KiB/);
    const text = rejected.record as string;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4 * 1024);
    expect(JSON.stringify(big).startsWith(text)).toBe(true);
    expect(text).not.toContain('\uFFFD');
  });

  it('keeps __proto__ as a plain field of the row', () => {
    const value = JSON.parse('{"id":1,"__proto__":{"admin":true}}');
    const row = recordOf(stampRecords(records(value), context()).rows[0]);
    expect(row.__proto____admin).toBe(true);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('hands each row to a packer as it is made, instead of returning it, with the same counts and first sequence', () => {
    const values = [{ id: 'a', n: 1 }, 'not an object', { id: 'b', n: 2 }];
    const plain = stampRecords(records(...values), context());
    const taken: LakeRow[] = [];
    const packed = [{ table: 'data' as const, dt: '2026-11-23', rows: 2, segments: [], crc32: 0, bytes: 0 }];
    const result = stampRecords(records(...values), context({ packer: { add: (row) => taken.push(row), finish: () => packed } }));
    expect(result.rows).toEqual([]);
    expect(result.packed).toBe(packed);
    // Each context counts sequences from the same start: the same rows, taken instead of returned.
    expect(taken).toEqual(plain.rows);
    expect(result.firstSequence).toBe(taken[0].sequence);
    expect([result.records, result.rejected]).toEqual([2, 1]);
  });

  it('counts every record once, as stored or rejected', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 30 }), (values) => {
        const result = stampRecords(records(...values), context({ integration: integration() }));
        expect(result.records + result.rejected).toBe(values.length);
        expect(result.rows).toHaveLength(values.length);
      }),
    );
  });
});

describe('sequenceGenerator', () => {
  const MS = 1_800_000_000_000;

  it('is epoch milliseconds x 10^6 plus a slot that starts where the random draw says and counts up', () => {
    const next = sequenceGenerator(() => MS, () => 0.25);
    expect([next(), next(), next()]).toEqual([1_800_000_000_000_250_000n, 1_800_000_000_000_250_001n, 1_800_000_000_000_250_002n]);
  });

  it('draws a new first slot in each new millisecond', () => {
    let now = MS;
    const draws = [0.9, 0.1];
    const next = sequenceGenerator(() => now, () => draws.shift() ?? 0);
    next();
    now = MS + 1;
    expect(next()).toBe(BigInt(MS + 1) * 1_000_000n + 100_000n);
  });

  it('borrows from the next millisecond when a millisecond runs out of slots', () => {
    const next = sequenceGenerator(() => MS, () => 0.999_999_9);
    expect([next(), next()]).toEqual([BigInt(MS) * 1_000_000n + 999_999n, BigInt(MS + 1) * 1_000_000n]);
  });

  it('writes rows with the exact digits of a sequence past 2^53', () => {
    const result = stampRecords(records({ id: 1 }, 'oops'), context({ nextSequence: sequenceGenerator(() => MS, () => 0.5) }));
    expect(result.rows.map((row) => /"_sdc_sequence":(\d+)/.exec(row.text)?.[1])).toEqual(['1800000000000500000', '1800000000000500001']);
    expect(result.rows.map((row) => row.sequence)).toEqual([1_800_000_000_000_500_000n, 1_800_000_000_000_500_001n]);
  });

  it('stays strictly increasing, below 2^63, when the clock stalls or steps back, whatever the draws', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1_600_000_000_000, max: 9_000_000_000_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })), { minLength: 2, maxLength: 200 }),
        (steps) => {
          let i = 0;
          let j = 0;
          const next = sequenceGenerator(() => steps[i++][0], () => steps[j++][1]);
          const values = steps.map(() => next());
          values.forEach((value, k) => k > 0 && expect(value).toBeGreaterThan(values[k - 1]));
          values.forEach((value) => expect(value).toBeLessThan(2n ** 63n));
        },
      ),
    );
  });

  it('orders every new value after every value of the old scheme (ms x 1000 + a counter)', () => {
    const oldest = sequenceGenerator(() => 1_600_000_000_000, () => 0)();
    const newestOld = 9_000_000_000_000n * 1000n + 999n;
    expect(oldest).toBeGreaterThan(newestOld);
  });

  it('gives two writers in the same millisecond different values unless their draws meet', () => {
    const a = sequenceGenerator(() => MS, () => 0.123456);
    const b = sequenceGenerator(() => MS, () => 0.654321);
    const fromA = new Set(Array.from({ length: 1000 }, () => a()));
    expect(Array.from({ length: 1000 }, () => b()).filter((value) => fromA.has(value))).toEqual([]);
  });

  it('keeps the raw text of a refused record that holds both an exact number and a lone surrogate', () => {
    const result = stampRecords([{ value: { n: new ExactNumber('12345678901234567890'), s: 'x\ud800' } }], context({ integration: integration() }));
    expect(result.rows[0].table).toBe('_sdc_rejected');
    expect(recordOf(result.rows[0]).record).toBe('{"n":12345678901234567890,"s":"x\\ud800"}');
  });
});

describe('stampRecords with event types', () => {
  const sendgrid: Integration = { ...integration('sg_event_id'), type: 'sendgrid', eventTypeFields: ['event'] };
  const withTypes = (known: Record<string, string[]> = {}, full = false): Partial<StampContext> => ({
    integration: sendgrid,
    eventTypes: { rule: { fields: ['event'] }, registry: { columns: new Map(Object.entries(known).map(([type, columns]) => [type, new Set(columns)])), full } },
  });

  it("stamps _sdc_event_type after the other system columns but the sequence, and reports each type's columns the registry lacks", () => {
    const result = stampRecords(
      records({ sg_event_id: 'a', event: 'open', ip: '1.2.3.4' }, { sg_event_id: 'b', event: 'open', useragent: 'x' }, { sg_event_id: 'c', event: 'bounce', reason: '550' }),
      context(withTypes({ open: ['sg_event_id', 'event'] })),
    );
    expect(result.rows.map((row) => recordOf(row)._sdc_event_type)).toEqual(['open', 'open', 'bounce']);
    expect(Object.keys(recordOf(result.rows[0])).slice(-3)).toEqual(['_sdc_table_version', '_sdc_event_type', '_sdc_sequence']);
    expect(result.newEventColumns).toEqual([
      { eventType: 'open', columns: ['ip', 'useragent'] },
      { eventType: 'bounce', columns: ['sg_event_id', 'event', 'reason'] },
    ]);
  });

  it('reports nothing when the registry knows every column, and stamps no type on a row without one', () => {
    const result = stampRecords(records({ sg_event_id: 'a', event: 'open' }, { sg_event_id: 'b', kind: 'open' }), context(withTypes({ open: ['sg_event_id', 'event'] })));
    expect(result.newEventColumns).toEqual([]);
    expect(recordOf(result.rows[1])).not.toHaveProperty('_sdc_event_type');
  });

  it('stamps no type without an event-type rule', () => {
    const result = stampRecords(records({ id: 'a', event: 'open' }), context());
    expect(recordOf(result.rows[0])).not.toHaveProperty('_sdc_event_type');
    expect(result.newEventColumns).toEqual([]);
  });

  it('registers no columns of a row that went to _sdc_rejected', () => {
    const result = stampRecords(records({ event: 'open', no_key: true }), context(withTypes()));
    expect(result.rows[0].table).toBe('_sdc_rejected');
    expect(result.newEventColumns).toEqual([]);
  });

  it('still stamps a new type when the registry is full, but does not report it; known types still grow', () => {
    const result = stampRecords(records({ sg_event_id: 'a', event: 'spamreport' }, { sg_event_id: 'b', event: 'open', ip: 'x' }), context(withTypes({ open: ['sg_event_id', 'event'] }, true)));
    expect(recordOf(result.rows[0])._sdc_event_type).toBe('spamreport');
    expect(result.newEventColumns).toEqual([{ eventType: 'open', columns: ['ip'] }]);
  });

  it('counts only new types against the bound, not known types that gained columns', () => {
    const known = Object.fromEntries(Array.from({ length: MAX_EVENT_TYPES }, (_, i) => [`k${i}`, ['sg_event_id', 'event']]));
    const result = stampRecords(records({ sg_event_id: 'a', event: 'k0', ip: 'x' }, { sg_event_id: 'b', event: 'fresh' }), context(withTypes(known)));
    expect(result.newEventColumns.map((added) => added.eventType)).toEqual(['k0', 'fresh']);
  });

  it('reports at most one new type past the bound from one batch, so a flood of invented types costs bounded work', () => {
    const flood = Array.from({ length: 1000 }, (_, i) => ({ sg_event_id: `e${i}`, event: `type_${i}` }));
    const result = stampRecords(records(...flood), context(withTypes()));
    expect(result.records).toBe(1000);
    expect(result.newEventColumns).toHaveLength(MAX_EVENT_TYPES + 1);
    expect(recordOf(result.rows[999])._sdc_event_type).toBe('type_999');
  });
});
