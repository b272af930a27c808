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
