/**
 * JSON numbers that a JavaScript number would change (integers past 2^53, more than 15 significant
 * digits, exponents out of range), kept as their source text. Only bodies that hold such a number
 * pay for the lossless parse; everything else stays on JSON.parse.
 */

/** A JSON number kept exactly as it was written. */
export class ExactNumber {
  constructor(readonly text: string) {}

  /** JSON.stringify cannot write raw digits: make it fail, so callers take the path that can. */
  toJSON(): never {
    throw new ExactNumberInJson();
  }
}

/** Thrown by JSON.stringify on an ExactNumber: the value needs an exact writer (row-text.ts, jsonText). */
export class ExactNumberInJson extends Error {}

/**
 * Could this JSON text hold a number that JSON.parse would change? A number starts the text or
 * follows `:`, `,` or `[` (whitespace allowed); one with 16 digits (a dot allowed among them) or an
 * exponent may change. Anchoring on what precedes a number keeps ids inside strings ("7f3c9e41",
 * UUIDs, long digit runs) from sending most bodies down the slow path; a string that still
 * matches (`"a:1e5"`) only costs the slower parse, never a changed value.
 */
const MAYBE_INEXACT = /(?:^|[:,[])\s*-?(?:(?:\d\.?){16}|\d+(?:\.\d+)?[eE])/;

export function mayHoldInexactNumber(jsonText: string): boolean {
  return MAYBE_INEXACT.test(jsonText);
}

/** A number's value as sign, significant digits (no leading or trailing zeros) and the power of ten of the last one. */
interface Decimal {
  readonly negative: boolean;
  readonly digits: string;
  readonly exponent: number;
}

const NUMBER_TEXT = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

function decimalOf(text: string): Decimal | undefined {
  const match = NUMBER_TEXT.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction = '', power = '0'] = match;
  let digits = `${whole}${fraction}`.replace(/^0+/, '');
  let exponent = Number(power) - fraction.length;
  const trailing = /0*$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return { negative: sign === '-' && digits !== '', digits, exponent: digits === '' ? 0 : exponent };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** decimal(38,0), the widest integer column Athena and DuckDB share. */
export const MAX_DECIMAL_DIGITS = 38;

/** How a JSON number is stored: its column type and the exact value to write. */
export type NumberCell =
  | { readonly type: 'bigint'; readonly value: number | ExactNumber }
  | { readonly type: 'double'; readonly value: number }
  | { readonly type: 'decimal'; readonly value: ExactNumber }
  | { readonly type: 'string'; readonly value: string };

/**
 * The column type of a number and the value to store, never changed: integers that fit 64 bits are
 * bigint, wider ones up to 38 digits decimal, other numbers double when the double
 * prints back the same value, and anything else keeps its exact text as a string.
 */
export function numberCell(value: number | ExactNumber): NumberCell {
  if (typeof value === 'number') {
    // From JSON.parse, so the text had at most 15 significant digits: the double is exact.
    if (Number.isSafeInteger(value)) return { type: 'bigint', value };
    if (Number.isFinite(value) && !Number.isInteger(value)) return { type: 'double', value };
    return numberCell(new ExactNumber(String(value)));
  }
  const decimal = decimalOf(value.text);
  if (decimal === undefined) return { type: 'string', value: value.text };
  if (decimal.exponent >= 0 && decimal.digits.length + decimal.exponent <= MAX_DECIMAL_DIGITS + 1) {
    const integer = decimal.digits === '' ? 0n : BigInt(`${decimal.negative ? '-' : ''}${decimal.digits}${'0'.repeat(decimal.exponent)}`);
    if (integer >= INT64_MIN && integer <= INT64_MAX) {
      const asNumber = Number(integer);
      return { type: 'bigint', value: Number.isSafeInteger(asNumber) ? asNumber : new ExactNumber(integer.toString()) };
    }
    if (integer.toString().replace('-', '').length <= MAX_DECIMAL_DIGITS) return { type: 'decimal', value: new ExactNumber(integer.toString()) };
  }
  // An integer written out in digits past decimal(38,0) keeps its digits; a double only stands in for
  // numbers written with a fraction or an exponent, when it prints back the same value.
  if (/^-?\d+$/.test(value.text)) return { type: 'string', value: value.text };
  const asDouble = Number(value.text);
  const back = Number.isFinite(asDouble) ? decimalOf(String(asDouble)) : undefined;
  if (back !== undefined && back.digits === decimal.digits && back.exponent === decimal.exponent && back.negative === decimal.negative) {
    return { type: 'double', value: asDouble };
  }
  return { type: 'string', value: value.text };
}
