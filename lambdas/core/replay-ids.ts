/**
 * The ids a replay stamps, made from the archived request alone, so replaying the same request
 * twice into a table version makes the same rows: sequences from the request's first original
 * sequence on (the order its records had), and UUID keys hashed from the version and the sequence.
 */
import { createHash } from 'node:crypto';

/** `_sdc_sequence` values of one archived request: its first original sequence, then each next one. */
export function replaySequences(first: bigint): () => bigint {
  let next = first;
  return () => next++;
}

/**
 * A `__sdc_primary_key` for the row of `sequence` in `tableVersion`: a UUID (version 8, RFC 9562's
 * custom layout) from SHA-256, the same on every replay and different for every row.
 */
export function replayUuid(tableVersion: number, sequence: bigint): string {
  const bytes = createHash('sha256').update(`hooklake-replay:${tableVersion}:${sequence}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
