import fc from 'fast-check';
import { ExactNumber, mayHoldInexactNumber, numberCell } from '../../lambdas/core/exact-number';

describe('numberCell: no number is ever changed', () => {
  it.each([
    [1, 'bigint', 1],
    [-42, 'bigint', -42],
    [10.5, 'double', 10.5],
    [new ExactNumber('1234567890123456789'), 'bigint', new ExactNumber('1234567890123456789')],
    [new ExactNumber('9223372036854775807'), 'bigint', new ExactNumber('9223372036854775807')],
    [new ExactNumber('-9223372036854775808'), 'bigint', new ExactNumber('-9223372036854775808')],
    [new ExactNumber('9223372036854775808'), 'decimal', new ExactNumber('9223372036854775808')],
    [new ExactNumber('12345678901234567890123456789012345678'), 'decimal', new ExactNumber('12345678901234567890123456789012345678')],
    [new ExactNumber('123456789012345678901234567890123456789'), 'string', '123456789012345678901234567890123456789'],
    [new ExactNumber('1e400'), 'string', '1e400'],
    [new ExactNumber('1e3'), 'bigint', 1000],
    [new ExactNumber('1.0'), 'bigint', 1],
    [new ExactNumber('0.1'), 'double', 0.1],
    [new ExactNumber('0.30000000000000004'), 'double', 0.30000000000000004],
    [new ExactNumber('0.30000000000000000001'), 'string', '0.30000000000000000001'],
    [new ExactNumber('1e-400'), 'string', '1e-400'],
    [new ExactNumber('-0'), 'bigint', 0],
  ])('%o is %s %o', (input, type, value) => {
    expect(numberCell(input)).toEqual({ type, value });
  });

  it('keeps every integer text exactly, whatever its size', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 50n), max: 10n ** 50n }), (n) => {
        const cell = numberCell(new ExactNumber(n.toString()));
        const stored = cell.value instanceof ExactNumber ? cell.value.text : String(cell.value);
        expect(BigInt(stored)).toBe(n);
      }),
    );
  });

  it('keeps every double as the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const cell = numberCell(new ExactNumber(JSON.stringify(x)));
        const stored = cell.value instanceof ExactNumber ? cell.value.text : String(cell.value);
        expect(Number(stored)).toBe(x === 0 ? 0 : x);
      }),
    );
  });

  it('sends text with 16 digits or an exponent to the exact parser, and short numbers not', () => {
    expect(mayHoldInexactNumber('{"id":1234567890123456}')).toBe(true);
    expect(mayHoldInexactNumber('{"x":1.234567890123456}')).toBe(true);
    expect(mayHoldInexactNumber('{"x":1e400}')).toBe(true);
    expect(mayHoldInexactNumber('{"id":123456789012345,"price":10.25}')).toBe(false);
  });

  it('finds such a number at the top level, in arrays and after whitespace, negative or not', () => {
    expect(mayHoldInexactNumber('12345678901234567890')).toBe(true);
    expect(mayHoldInexactNumber('[1, -2.5E3]')).toBe(true);
    expect(mayHoldInexactNumber('{"a":\n  -9007199254740993}')).toBe(true);
  });

  it('keeps ids inside strings (hex with "9e4", UUIDs, long digit runs) on the fast parser', () => {
    expect(mayHoldInexactNumber('{"messageId":"msg-1-7f3c2a9e4b1d","id":"3e4a1c2b-0d9e-4f6a-8b7c-1234567890123456"}')).toBe(false);
    expect(mayHoldInexactNumber('["12345678901234567890", "1e5"]')).toBe(false);
  });

  it('never misses a number that JSON.parse could change, wherever it sits in a body', () => {
    const inexact = fc.oneof(
      fc.bigInt({ min: 2n ** 53n + 1n, max: 2n ** 80n }).map(String),
      fc.stringMatching(/^-?[1-9]\d{0,5}\.\d{16,20}$/),
      fc.stringMatching(/^-?\d{1,3}(\.\d{1,3})?[eE][+-]?\d{1,3}$/),
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), inexact, fc.constantFrom(undefined, 1, 2, '\t'), fc.nat(3), (around, literal, indent, where) => {
        const placed = [{ value: '@@N@@' }, ['@@N@@', around], { around, deeper: { list: [around, '@@N@@'] } }, '@@N@@'][where];
        const text = JSON.stringify(placed, null, indent).replace('"@@N@@"', literal);
        expect(mayHoldInexactNumber(text)).toBe(true);
      }),
    );
  });
});
