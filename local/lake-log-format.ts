/**
 * The records of the lake's write-ahead log (lake-log.ts): what one flush of the sink stores, in one
 * append. A record is its payload's length and CRC-32 (both u32, little-endian), then the payload: entries,
 * each a kind (u8), its folder below the data directory (u16 length, UTF-8) and its bytes (u32 length).
 * A crash can leave a record cut short at a segment's end, or zeros; its write never returned, so no webhook was
 * answered for it, and a reader stops there.
 */
import { crc32 } from './gzip-member';
import { ndjsonByteLength, writeNdjson } from './gzip-lines';

/** NDJSON text (each line ended by "\n"), or one whole gzip member of such text (rows packed while stamped). */
export type LogEntryKind = 'lines' | 'gzip';

export interface LogEntry {
  readonly kind: LogEntryKind;
  /** The partition folder, `lake/<schema>/<table>/dt=<day>/` or the raw archive's. */
  readonly prefix: string;
  readonly data: Uint8Array;
}

/** Whether this Node can write the log (it needs zlib.crc32, Node 20.15 and later). */
export const canWriteLog = crc32 !== undefined;

const RECORD_HEADER_BYTES = 8;
const KIND_CODES: Readonly<Record<LogEntryKind, number>> = { lines: 0, gzip: 1 };
const KINDS: readonly LogEntryKind[] = ['lines', 'gzip'];
const MAX_PREFIX_BYTES = 0xffff;

/** CRC-32 goes on from this rather than 0, so that zeros (a crash's unwritten blocks) never check out as an empty record. */
const CHECKSUM_SEED = 0x484c4b31;

function checksum(data: Uint8Array): number {
  if (crc32 === undefined) throw new Error('The lake log needs zlib.crc32 (Node 20.15 or later)');
  return crc32(data, CHECKSUM_SEED);
}

/** An entry as a flush hands it over: its bytes, or NDJSON lines (a "lines" entry) encoded straight into the record. */
export type LogEntryToWrite = LogEntry | { readonly kind: 'lines'; readonly prefix: string; readonly lines: readonly string[] };

/**
 * One record holding `entries`, in order. Lines are measured, then written once, into the record
 * itself: no buffer of their own to copy from, and no room reserved for the worst case of UTF-8.
 */
export function encodeLogRecord(entries: readonly LogEntryToWrite[]): Buffer {
  const prefixes = entries.map((entry) => Buffer.from(entry.prefix, 'utf8'));
  const dataBytes = entries.map((entry) => ('lines' in entry ? ndjsonByteLength(entry.lines) : entry.data.length));
  let payloadBytes = 0;
  entries.forEach((entry, i) => {
    if (prefixes[i].length > MAX_PREFIX_BYTES) throw new Error(`A log entry's folder is longer than ${MAX_PREFIX_BYTES} bytes: ${entry.prefix.slice(0, 80)}...`);
    payloadBytes += 1 + 2 + prefixes[i].length + 4 + dataBytes[i];
  });
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payloadBytes);
  let at = RECORD_HEADER_BYTES;
  entries.forEach((entry, i) => {
    at = record.writeUInt8(KIND_CODES[entry.kind], at);
    at = record.writeUInt16LE(prefixes[i].length, at);
    at += prefixes[i].copy(record, at);
    at = record.writeUInt32LE(dataBytes[i], at);
    if ('lines' in entry) at = writeNdjson(entry.lines, record, at);
    else {
      record.set(entry.data, at);
      at += dataBytes[i];
    }
  });
  record.writeUInt32LE(payloadBytes, 0);
  record.writeUInt32LE(checksum(record.subarray(RECORD_HEADER_BYTES)), 4);
  return record;
}

export interface DecodedSegment {
  /** Every entry of the whole records, in the order they were appended. */
  readonly entries: LogEntry[];
  /** Bytes of whole records; a segment's bytes after them were cut short by a crash or a failed write. */
  readonly wholeBytes: number;
}

/** The entries of a segment's whole records; the first record that is cut short or does not check out ends it. */
export function decodeLogSegment(segment: Buffer): DecodedSegment {
  const entries: LogEntry[] = [];
  let at = 0;
  while (at + RECORD_HEADER_BYTES <= segment.length) {
    const payloadBytes = segment.readUInt32LE(at);
    const end = at + RECORD_HEADER_BYTES + payloadBytes;
    if (end > segment.length) break;
    const payload = segment.subarray(at + RECORD_HEADER_BYTES, end);
    if (checksum(payload) !== segment.readUInt32LE(at + 4)) break;
    const recordEntries = decodePayload(payload);
    if (recordEntries === undefined) break;
    entries.push(...recordEntries);
    at = end;
  }
  return { entries, wholeBytes: at };
}

function decodePayload(payload: Buffer): LogEntry[] | undefined {
  const entries: LogEntry[] = [];
  let at = 0;
  while (at < payload.length) {
    if (at + 3 > payload.length) return undefined;
    const kind = KINDS[payload.readUInt8(at)];
    const prefixBytes = payload.readUInt16LE(at + 1);
    at += 3;
    if (kind === undefined || at + prefixBytes + 4 > payload.length) return undefined;
    const prefix = payload.toString('utf8', at, at + prefixBytes);
    at += prefixBytes;
    const dataBytes = payload.readUInt32LE(at);
    at += 4;
    if (at + dataBytes > payload.length) return undefined;
    entries.push({ kind, prefix, data: payload.subarray(at, at + dataBytes) });
    at += dataBytes;
  }
  return entries;
}
