/**
 * A gzip member whose deflate blocks are stored, not compressed (RFC 1951 block type 0): valid gzip
 * that every reader takes, made without a zlib stream. Setting up a zlib stream costs 10–20 µs
 * whatever the input (level 0 as much), more than a small flush's whole share of the ingest path.
 */
import { gzipSync } from 'node:zlib';
import { crc32, GZIP_HEADER, GZIP_TRAILER_BYTES, gzipTrailer } from './gzip-member';

const MAX_STORED_BLOCK = 0xffff;
/** Header, trailer and one block's 5-byte head. */
export const STORED_GZIP_OVERHEAD = GZIP_HEADER.length + GZIP_TRAILER_BYTES + 5;

export function storedGzip(data: Buffer): Buffer {
  if (crc32 === undefined) return gzipSync(data, { level: 0 });
  const blocks = Math.max(1, Math.ceil(data.length / MAX_STORED_BLOCK));
  const out = Buffer.allocUnsafe(GZIP_HEADER.length + blocks * 5 + data.length + GZIP_TRAILER_BYTES);
  GZIP_HEADER.copy(out, 0);
  let at = GZIP_HEADER.length;
  for (let block = 0; block < blocks; block++) {
    const start = block * MAX_STORED_BLOCK;
    const length = Math.min(MAX_STORED_BLOCK, data.length - start);
    out[at] = block === blocks - 1 ? 1 : 0; // BFINAL on the last block, BTYPE 00
    out.writeUInt16LE(length, at + 1);
    out.writeUInt16LE(~length & 0xffff, at + 3);
    at += 5;
    at += data.copy(out, at, start, start + length);
  }
  gzipTrailer(crc32(data), data.length).copy(out, at);
  return out;
}
