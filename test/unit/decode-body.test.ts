import fc from 'fast-check';
import { ExactNumber } from '../../lambdas/core/exact-number';
import { decodeBody, ELEMENTWISE_BYTES, MAX_BODY_RECORDS } from '../../lambdas/core/decode-body';
import { MalformedBodyError, PayloadTooLargeError, TooManyRecordsError, UnsupportedMediaTypeError } from '../../lambdas/core/errors';

const LIMIT = 1024 * 1024;
const decode = (body: string | Buffer, contentType: string | undefined = 'application/json', limit = LIMIT) =>
  decodeBody(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), contentType, limit);
const asDoubles = (value: unknown): unknown =>
  value instanceof ExactNumber
    ? Number(value.text)
    : Array.isArray(value)
      ? value.map(asDoubles)
      : typeof value === 'object' && value !== null
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asDoubles(v)]))
        : value;
const values = (body: string, contentType?: string) => [...decode(body, contentType)].map((record) => record.value);

describe('decodeBody shapes', () => {
  it('reads a JSON object as one record', () => {
    expect(values('{"a":1}')).toEqual([{ a: 1 }]);
  });
  it('reads a JSON array as one record per element, scalars included', () => {
    expect(values('[{"a":1},{"a":2},3]')).toEqual([{ a: 1 }, { a: 2 }, 3]);
  });
  it('reads an empty array as no records', () => {
    expect(values('[]')).toEqual([]);
  });
  it('reads NDJSON one record per non-blank line, CRLF included, keeping each line text', () => {
    const records = decode('{"a":1}\r\n\n  \n{"a":2}\n', 'application/x-ndjson');
    expect(records).toEqual([
      { value: { a: 1 }, text: '{"a":1}' },
      { value: { a: 2 }, text: '{"a":2}' },
    ]);
  });
  it('reads NDJSON sent as application/json or without a content type', () => {
    expect(values('{"a":1}\n{"a":2}')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(values('{"a":1}\n{"a":2}', undefined)).toEqual([{ a: 1 }, { a: 2 }]);
  });
  it('strips a UTF-8 byte order mark', () => {
    expect(values('\ufeff{"a":1}')).toEqual([{ a: 1 }]);
  });
  it('keeps __proto__ and constructor as plain data', () => {
    const [record] = values('{"__proto__":{"polluted":true},"constructor":{"prototype":1}}') as Record<string, unknown>[];
    expect(Object.keys(record)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(record)).toBe('{"__proto__":{"polluted":true},"constructor":{"prototype":1}}');
  });
  it('round-trips any JSON array of objects', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue())), (objects) => {
        // Exact numbers hold the same value as the double JSON.parse gives, as text.
        expect(asDoubles(values(JSON.stringify(objects)))).toEqual(JSON.parse(JSON.stringify(objects)));
      }),
    );
  });
});

describe('decodeBody refusals', () => {
  it.each([[''], ['   \n ']])('refuses the empty body %j', (body) => {
    expect(() => decode(body)).toThrow(MalformedBodyError);
    expect(() => decode(body)).toThrow(/empty/);
  });
  it.each([
    ['{"a":}', /line 1, column 6: a value was expected/],
    ['{"a":1', /line 1, column 7: a closing "}" was expected/],
    ['{\n  "a": 1,\n}', /line 3, column 1/],
    ['{"a":1} {"b":2}', /column 9: unexpected text after the JSON value/],
    ['{"a":1} trailing', /column 9: an invalid symbol/],
    ["{'a':1}", /line 1, column 2/],
  ])('says what and where for malformed JSON %j', (body, message) => {
    expect(() => decode(body)).toThrow(MalformedBodyError);
    expect(() => decode(body)).toThrow(message);
  });
  it('names the NDJSON line that is malformed', () => {
    expect(() => decode('{"a":1}\n{"a":2}\n{"a":', 'application/x-ndjson')).toThrow(/NDJSON on line 3, column 6/);
    expect(() => decode('{"a":1}\n\n{"a" 2}')).toThrow(/line 3/);
  });
  it('gives the byte offset of invalid UTF-8', () => {
    const body = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expect(() => decode(body)).toThrow(MalformedBodyError);
    expect(() => decode(body)).toThrow(/not valid UTF-8: invalid byte at offset 6/);
  });
  it('refuses a body over the limit with 413 and the limit', () => {
    expect(() => decode('[' + '1,'.repeat(600) + '1]', 'application/json', 1024)).toThrow(PayloadTooLargeError);
    expect(() => decode('[' + '1,'.repeat(600) + '1]', 'application/json', 1024)).toThrow(/1 KiB limit/);
  });
  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml'])(
    'refuses content type %s with 415 and the types to use',
    (contentType) => {
      expect(() => decode('{"a":1}', contentType)).toThrow(UnsupportedMediaTypeError);
      expect(() => decode('{"a":1}', contentType)).toThrow(/application\/json/);
    },
  );
  it('refuses a charset other than UTF-8', () => {
    expect(() => decode('{"a":1}', 'application/json; charset=iso-8859-1')).toThrow(/UTF-8/);
  });
  it.each(['application/json; charset=UTF-8', 'application/vnd.api+json', 'application/cloudevents+json', 'text/json', 'application/jsonl'])(
    'accepts %s',
    (contentType) => {
      expect(values('{"a":1}', contentType)).toEqual([{ a: 1 }]);
    },
  );
});

describe('decodeBody: records per body', () => {
  const ofRecords = (count: number, record: string, separator: string) => Array.from({ length: count }, () => record).join(separator);
  it.each([
    ['a small array of scalars', (n: number) => `[${ofRecords(n, '1', ',')}]`, 'application/json'],
    ['a large array of objects', (n: number) => `[${ofRecords(n, '{"pad":"xx"}', ',')}]`, 'application/json'],
    ['NDJSON', (n: number) => ofRecords(n, '{}', '\n'), 'application/x-ndjson'],
  ])('takes %s of MAX_BODY_RECORDS records and refuses one more with 413 naming the limit', (_shape, body, contentType) => {
    expect(decode(body(MAX_BODY_RECORDS), contentType, 1 << 24)).toHaveLength(MAX_BODY_RECORDS);
    expect(() => decode(body(MAX_BODY_RECORDS + 1), contentType, 1 << 24)).toThrow(new TooManyRecordsError(MAX_BODY_RECORDS));
    expect(new TooManyRecordsError(MAX_BODY_RECORDS).message).toBe('Request body holds more than 100,000 records; send fewer events per request.');
  });
});

describe('decodeBody: depth and exact numbers', () => {
  const json = (text: string) => decodeBody(Buffer.from(text), 'application/json', 1 << 24);

  it('answers a body nested deeper than the limit with a 400 naming it, however deep', () => {
    for (const depth of [101, 5000, 200_000]) {
      // A large body is decoded as its records are reached: the refusal may come while iterating.
      expect(() => [...json(`${'['.repeat(depth)}${']'.repeat(depth)}`)]).toThrow(/nested more than 100 levels deep/);
    }
    expect(json(`${'['.repeat(99)}{}${']'.repeat(99)}`)).toHaveLength(1);
  });

  it('does not count brackets inside strings', () => {
    expect(json(`{"s":"${'['.repeat(500)}"}`)).toHaveLength(1);
  });

  it('answers deep text that is also malformed or cut short with the same 400, on every decode path', () => {
    const large = `[{"pad":"${'x'.repeat(ELEMENTWISE_BYTES)}"},`;
    for (const depth of [5000, 200_000]) {
      const bodies = ['['.repeat(depth), `${'{"a":'.repeat(depth)}x`, `${large}${'['.repeat(depth)}]`, `${large}${'['.repeat(depth)}`];
      for (const body of bodies) {
        expect(() => [...json(body)]).toThrow('JSON in the body is nested more than 100 levels deep; the most is 100.');
        expect(() => [...decode(`{}\n${body}`, 'application/x-ndjson', 1 << 24)]).toThrow('JSON on line 2 is nested more than 100 levels deep; the most is 100.');
      }
    }
  });

  it('keeps numbers a double would change as their exact text, and others as numbers', () => {
    const [record] = json('{"big":1234567890123456789,"huge":1e400,"small":42,"price":10.5}');
    const value = record.value as Record<string, unknown>;
    expect(value.big).toEqual(new ExactNumber('1234567890123456789'));
    expect(value.huge).toEqual(new ExactNumber('1e400'));
    expect([value.small, value.price].map((v) => (v instanceof ExactNumber ? Number(v.text) : v))).toEqual([42, 10.5]);
  });

  it('keeps the last value of a repeated key, as JSON.parse does, on the exact path too', () => {
    const [fast] = json('{"status":"sent","status":"delivered"}');
    const [exact] = json('{"trace":12345678901234567890,"status":"sent","status":"delivered"}');
    expect((fast.value as Record<string, unknown>).status).toBe('delivered');
    expect((exact.value as Record<string, unknown>).status).toBe('delivered');
  });

  it('keeps exact numbers in NDJSON lines too', () => {
    const [record] = decodeBody(Buffer.from('{"id":99999999999999999999}\n'), 'application/x-ndjson', 1 << 20);
    expect((record.value as Record<string, unknown>).id).toEqual(new ExactNumber('99999999999999999999'));
  });
});

describe('decodeBody: large bodies, decoded record by record', () => {
  const big = (count: number) => Array.from({ length: count }, (_, i) => ({ id: i, pad: 'x'.repeat(500), n: i % 3 === 0 ? 12345678901234567890n.toString() : i }));
  const arrayText = (records: unknown[]) => `[\n${records.map((record) => `  ${JSON.stringify(record)}`).join(',\n')}\n]`;

  it('reads a large array and large NDJSON to the same records as a small body of each would give', () => {
    const records = big(ELEMENTWISE_BYTES / 200);
    const array = decode(arrayText(records), 'application/json', 1 << 24);
    const ndjson = decode(records.map((record) => JSON.stringify(record)).join('\n'), 'application/x-ndjson', 1 << 24);
    expect(array.length).toBe(records.length);
    expect(ndjson.length).toBe(records.length);
    expect([...array].map((record) => record.value)).toEqual(records);
    expect([...ndjson].map((record) => record.value)).toEqual(records);
    // Iterating again decodes again, to the same records.
    expect([...array].map((record) => record.value)).toEqual(records);
  });

  it('refuses a large body of blank lines as empty, as a small one', () => {
    const blank = ' \n'.repeat(ELEMENTWISE_BYTES);
    expect(() => decode(blank, 'application/x-ndjson', 1 << 24)).toThrow(/Request body is empty/);
    expect(() => decode(blank, 'application/json', 1 << 24)).toThrow(/Request body is empty/);
  });

  it('keeps exact numbers, and refuses a malformed element with the whole body\'s line and column', () => {
    const records = big(ELEMENTWISE_BYTES / 200);
    const exact = `[${JSON.stringify(records[0])},{"big":123456789012345678901234567890}${','.repeat(0)}]`;
    expect([...decode(exact.padEnd(ELEMENTWISE_BYTES + 10, ' '), 'application/json', 1 << 24)][1].value).toEqual({ big: new ExactNumber('123456789012345678901234567890') });
    const text = arrayText(records).replace('"id":7,', '"id":7,,');
    const body = decode(text, 'application/json', 1 << 24);
    expect(() => [...body]).toThrow(MalformedBodyError);
    expect(() => [...body]).toThrow(/^Malformed JSON at line 9, column \d+: /);
  });
});
