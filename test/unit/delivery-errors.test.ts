import fc from 'fast-check';
import {
  errorKeyOfMarker,
  errorObjectPlace,
  parseErrorObject,
  recoveredMarkerKey,
  rowsOfErrorDocument,
} from '../../lambdas/core/delivery-errors';
import { PARTITION_FIELD } from '../../lambdas/core/lake-layout';
import { withMember, withoutLastMember } from '../../lambdas/core/row-text';
import { errorDocument } from '../support/firehose-error-output';

const routed = (text: string, schema = 'shop', table = 'data', dt = '2026-11-20'): string =>
  withMember(text, `${JSON.stringify(PARTITION_FIELD)}:${JSON.stringify({ schema, table, dt })}`);
const rawOf = (...texts: string[]) => Buffer.from(texts.join('\n'), 'utf8').toString('base64');

describe('withoutLastMember', () => {
  it('takes off exactly what withMember added, for any row text', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        const text = JSON.stringify(record);
        expect(withoutLastMember(routed(text), PARTITION_FIELD)).toBe(text);
      }),
    );
  });

  it('refuses a text whose last member is another, or is spaced as the sink never writes it', () => {
    expect(withoutLastMember('{"a":1,"b":2}', PARTITION_FIELD)).toBeUndefined();
    expect(withoutLastMember(`{"a":1, "${PARTITION_FIELD}":{}}`, PARTITION_FIELD)).toBeUndefined();
    expect(withoutLastMember(`{"${PARTITION_FIELD}":{},"a":1}`, PARTITION_FIELD)).toBeUndefined();
  });
});

describe('error objects', () => {
  it('places an object by error type and day from the stack error prefix', () => {
    expect(errorObjectPlace('errors/partitioning-failed/dt=2026-11-20/Hooklake-1-2026-11-20-10-00-00-abc.json.gz')).toEqual({
      errorType: 'partitioning-failed',
      day: '2026-11-20',
    });
    expect(errorObjectPlace('errors/processing-failed/2026/11/20/x')).toEqual({ errorType: 'processing-failed' });
  });

  it('keys a marker by the error object it stands for, outside errors/', () => {
    const key = 'errors/partitioning-failed/dt=2026-11-20/f.gz';
    expect(recoveredMarkerKey(key)).toBe(`recovered/${key}`);
    expect(errorKeyOfMarker(recoveredMarkerKey(key))).toBe(key);
    expect(errorKeyOfMarker('recovered/other')).toBeUndefined();
  });

  it('reads documents one per line, back to back, and with any field case; counts what is not one', () => {
    const a = errorDocument('{"x":1}');
    const b = errorDocument('{"x":2}', { errorCode: undefined, ErrorCode: 'S3.AccessDenied', rawData: undefined, RawData: Buffer.from('{"x":2}').toString('base64') });
    const parsed = parseErrorObject(`${a}\n${a}${b}\n{"no":"raw data"}\n{"cut": "off`);
    expect(parsed.documents).toHaveLength(3);
    expect(parsed.documents[2]).toMatchObject({ errorCode: 'S3.AccessDenied' });
    expect(parsed.unreadable).toBe(2);
  });

  it('finds one row in a record of one row (its sequence exact past 2^53), and every row in a whole packed record', () => {
    const text = '{"id":1,"note":"{\\"_sdc_sequence\\":5}","_sdc_received_at":"2026-11-20T01:00:00.000Z","_sdc_sequence":1732440000000123457}';
    const one = rowsOfErrorDocument({ rawData: rawOf(routed(text)) });
    expect(one.unroutable).toEqual([]);
    expect(one.rows).toEqual([
      {
        schema: 'shop',
        row: { table: 'data', dt: '2026-11-20', text, sequence: 1732440000000123457n, receivedAt: '2026-11-20T01:00:00.000Z' },
      },
    ]);

    const packed = rowsOfErrorDocument({ rawData: rawOf(routed('{"id":1}'), routed('{"id":2}'), routed('{}', 'crm', '_sdc_rejected', '2026-11-19')) });
    expect(packed.rows.map(({ schema, row }) => [schema, row.table, row.dt, row.text])).toEqual([
      ['shop', 'data', '2026-11-20', '{"id":1}'],
      ['shop', 'data', '2026-11-20', '{"id":2}'],
      ['crm', '_sdc_rejected', '2026-11-19', '{}'],
    ]);
  });

  it('finds a raw archive line packed with its rows, to put back to raw/ as it was', () => {
    const line = '{"received_at":"2026-11-20T01:00:00.000Z","sequence":"7","headers":{},"body_base64":"e30="}';
    const rawRouted = withMember(line, `"${PARTITION_FIELD}":${JSON.stringify({ root: 'raw', schema: 'shop', table: 'requests', dt: '2026-11-20' })}`);
    const found = rowsOfErrorDocument({ rawData: rawOf(routed('{"id":1}'), rawRouted) });
    expect(found.rows.map(({ row }) => row.text)).toEqual(['{"id":1}']);
    expect(found.archived).toEqual([{ schema: 'shop', raw: { dt: '2026-11-20', text: line, sequence: 0n } }]);
    expect(found.unroutable).toEqual([]);
  });

  it('leaves pieces that are no row of ours, each with its reason', () => {
    const { rows, unroutable } = rowsOfErrorDocument({
      rawData: rawOf(
        'not json',
        '[1]',
        '{"id":1}',
        routed('{"id":1}', 'Bad Schema'),
        routed('{"id":1}', 'shop', 'other'),
        routed('{"id":1}', 'shop', 'data', 'yesterday'),
        `{"${PARTITION_FIELD}":{"schema":"shop","table":"data","dt":"2026-11-20"},"id":1}`,
      ),
    });
    expect(rows).toEqual([]);
    expect(unroutable.map((u) => u.reason)).toEqual([
      'not JSON',
      'not a JSON object',
      `no ${PARTITION_FIELD} field`,
      `${PARTITION_FIELD}.schema is not a schema name`,
      `${PARTITION_FIELD}.table is not one of data, _sdc_rejected`,
      `${PARTITION_FIELD}.dt is not a YYYY-MM-DD day`,
      `${PARTITION_FIELD} is not the row's last field, as the sink writes it`,
    ]);
  });
});
