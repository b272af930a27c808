/**
 * A gzip member whose deflate blocks are stored, not compressed (RFC 1951 block type 0): valid gzip
 * that every reader takes, made without a zlib stream. Setting up a zlib stream costs 10–20 µs
 * whatever the input (level 0 as much), more than a small flush's whole share of the ingest path.
 */
import * as zlib from 'node:zlib';

const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
const MAX_STORED_BLOCK = 0xffff;
/** Header, trailer (CRC-32, length) and one block's 5-byte head. */
export const STORED_GZIP_OVERHEAD = HEADER.length + 8 + 5;

// zlib.crc32 came in Node 20.15; before it, zlib itself writes the stored member.
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

export function storedGzip(data: Buffer): Buffer {
  if (crc32 === undefined) return zlib.gzipSync(data, { level: 0 });
  const blocks = Math.max(1, Math.ceil(data.length / MAX_STORED_BLOCK));
  const out = Buffer.allocUnsafe(HEADER.length + blocks * 5 + data.length + 8);
  HEADER.copy(out, 0);
  let at = HEADER.length;
  for (let block = 0; block < blocks; block++) {
    const start = block * MAX_STORED_BLOCK;
    const length = Math.min(MAX_STORED_BLOCK, data.length - start);
    out[at] = block === blocks - 1 ? 1 : 0; // BFINAL on the last block, BTYPE 00
    out.writeUInt16LE(length, at + 1);
    out.writeUInt16LE(~length & 0xffff, at + 3);
    at += 5;
    at += data.copy(out, at, start, start + length);
  }
  out.writeUInt32LE(crc32(data) >>> 0, at);
  out.writeUInt32LE(data.length >>> 0, at + 4);
  return out;
}
