/**
 * The frame of a gzip member (RFC 1952), for members written without a zlib stream: the header,
 * and the trailer of CRC-32 and length.
 */
import * as zlib from 'node:zlib';

/** No name, no time, unknown OS. */
export const GZIP_HEADER: Buffer = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
export const GZIP_TRAILER_BYTES = 8;

/** zlib's CRC-32 (`crc32(data, previous)` goes on from `previous`); Node 20.15 and later. */
export const crc32: ((data: Uint8Array, previous?: number) => number) | undefined = (zlib as { crc32?: (data: Uint8Array, previous?: number) => number }).crc32;

export function gzipTrailer(crc: number, length: number): Buffer {
  const trailer = Buffer.allocUnsafe(GZIP_TRAILER_BYTES);
  trailer.writeUInt32LE(crc >>> 0, 0);
  // The length modulo 2^32, as the format says.
  trailer.writeUInt32LE(length % 2 ** 32, 4);
  return trailer;
}

/** The CRC-32 polynomial, bit-reversed as zlib uses it. */
const POLYNOMIAL = 0xedb88320;

/** a times b modulo the polynomial, both as reflected polynomials over GF(2). */
function multiplyModulo(a: number, b: number): number {
  let product = 0;
  for (let bit = 0x80000000; bit !== 0; bit >>>= 1) {
    if ((a & bit) !== 0) {
      product ^= b;
      if ((a & (bit - 1)) === 0) break;
    }
    b = b & 1 ? (b >>> 1) ^ POLYNOMIAL : b >>> 1;
  }
  return product >>> 0;
}

/** x^(2^k) modulo the polynomial, for k = 0..31. */
const POWERS_OF_X: readonly number[] = (() => {
  const powers = [0x40000000]; // x^1
  for (let k = 1; k < 32; k++) powers.push(multiplyModulo(powers[k - 1], powers[k - 1]));
  return powers;
})();

/**
 * The CRC-32 of two texts one after the other, from the CRC of each and the second's length in bytes
 * (zlib's crc32_combine, which Node does not expose): the first CRC moved past `secondLength` bytes
 * of zeros, then the second added.
 */
export function combineCrc32(first: number, second: number, secondLength: number): number {
  // x^(8 * secondLength): bits from the byte count, starting at x^(2^3).
  let shift = 0x80000000; // x^0
  for (let n = secondLength, k = 3; n > 0; n = Math.floor(n / 2), k++) {
    if (n % 2 === 1) shift = multiplyModulo(POWERS_OF_X[k % 32], shift);
  }
  return (multiplyModulo(shift, first) ^ second) >>> 0;
}
