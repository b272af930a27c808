/**
 * The raw archive: every accepted webhook body, kept with its arrival time and its headers minus
 * anything secret, so rows can be derived from it again (`hooklake replay`). One gzip NDJSON line per
 * request under `raw/<schema>/requests/dt=YYYY-MM-DD/`, beside `lake/`, written by the record sink together
 * with the request's rows (on AWS inside the same Firehose records). The token is never kept: the path is
 * not archived and credential headers are dropped.
 *
 * The body goes in as base64, not as a JSON string: escaping a JSON body's quotes costs ten times the
 * CPU of base64 on the webhook's hot path. A body of RAW_GZIP_MIN_BYTES or more is gzipped first, so a
 * large request holds and sends a fraction of its size (memory while it waits for the flush; Firehose
 * bytes on AWS).
 */
import { normalizePrefix, partitionPath } from './lake-layout';
import { TOKEN_PREFIX } from './tokens';

/** A webhook token wherever it appears in a text (its prefix, then base64url). */
const TOKEN_IN_TEXT = new RegExp(`${TOKEN_PREFIX}[A-Za-z0-9_-]+`, 'g');

export const RAW_PREFIX = 'raw/';
/** The one folder of a schema's archive, where a table would be in `lake/`: the layout and the Firehose prefix are shared. */
export const RAW_TABLE = 'requests';
/** Bodies from this size on are archived gzipped. */
export const RAW_GZIP_MIN_BYTES = 4096;
/** Days an archived request is kept unless told otherwise (serve --raw-archive-days, stack prop rawArchiveDays). */
export const DEFAULT_RAW_ARCHIVE_DAYS = 30;

/** Headers that authenticate or identify a sender's session, by exact name. */
const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
/** Any header whose name says it carries a credential or a signature (x-api-key, x-hub-signature-256, x-shopify-hmac-sha256, ...). */
const SECRET_NAME = /token|secret|signature|key|auth|hmac|password|session|cookie|credential/i;

/** One archived request, as a line of the archive. */
export interface ArchivedRequest {
  /** ISO 8601 UTC, the request's `_sdc_received_at`. */
  readonly receivedAt: string;
  /**
   * The first `_sdc_sequence` its rows were stamped with: a replay stamps the request's records with
   * this and the values after it, so the same archived request always makes the same rows.
   */
  readonly sequence: bigint;
  /** Headers in lower case, secrets dropped (archivedHeaders). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as received (valid UTF-8: a body that is not was refused). */
  readonly body: string;
  /**
   * The table version its rows were stamped with: a replay into version n takes only requests of
   * older versions (the rest are in n already). Absent in lines written before it was kept.
   */
  readonly tableVersion?: number;
}

/** A request as the ingest path hands it to the archive: the body's bytes, and the same when gzipped (from RAW_GZIP_MIN_BYTES). */
export interface RawRequest {
  readonly receivedAt: string;
  readonly sequence: bigint;
  readonly tableVersion: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  readonly gzippedBody?: Uint8Array;
}

/** What a sink writes: the line and its day folder. */
export interface RawEntry {
  readonly dt: string;
  readonly text: string;
  /** The request's sequence, which names it (and its parts, where a line is split). */
  readonly sequence: bigint;
}

/** The headers worth keeping: none that carries a credential, and never `extraSecret` (a signing scheme's own header names). */
export function archivedHeaders(headers: Readonly<Record<string, string | undefined>>, extraSecret: readonly string[] = []): Record<string, string> {
  const kept: Record<string, string> = {};
  const extra = new Set(extraSecret.map((name) => name.toLowerCase()));
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || SECRET_HEADERS.has(lower) || SECRET_NAME.test(lower) || extra.has(lower)) continue;
    // A proxy can repeat the webhook's URL, token and all, in any header (Referer, X-Original-URL, ...).
    kept[lower] = value.includes(TOKEN_PREFIX) ? value.replace(TOKEN_IN_TEXT, `${TOKEN_PREFIX}[redacted]`) : value;
  }
  return kept;
}

/** The archive line of one request; the sequence goes in as digits (past 2^53). */
export function rawEntry(request: RawRequest): RawEntry {
  const head = `{"received_at":${JSON.stringify(request.receivedAt)},"sequence":"${request.sequence}","table_version":${request.tableVersion},"headers":${JSON.stringify(request.headers)}`;
  const body = request.gzippedBody === undefined ? `"body_base64":"${base64(request.body)}"` : `"body_gzip_base64":"${base64(request.gzippedBody)}"`;
  return { dt: request.receivedAt.slice(0, 10), text: `${head},${body}}`, sequence: request.sequence };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * The entry as lines of at most about `maxBytes` each: itself when it fits, else parts (`{"raw_part":
 * {"sequence","part","parts"},"chunk"}`) whose chunks, joined in order, are its line. For a store whose
 * records are smaller than a body may be (Firehose: 1,000 KiB; a request on AWS: 6 MB).
 */
export function splitRawEntry(entry: RawEntry, maxBytes: number): RawEntry[] {
  if (Buffer.byteLength(entry.text, 'utf8') <= maxBytes) return [entry];
  const room = maxBytes - 200;
  const chunks: string[] = [];
  let at = 0;
  while (at < entry.text.length) {
    // As many characters as fit once JSON-escaped: ASCII lines (base64, the usual case) take all
    // of the room; other text is measured and cut back until it fits.
    let end = Math.min(at + room, entry.text.length);
    while (end - at > 1 && Buffer.byteLength(JSON.stringify(entry.text.slice(at, end)), 'utf8') > room) end = at + Math.max(1, Math.floor((end - at) * 0.75));
    // Never between the two halves of a surrogate pair.
    if (end < entry.text.length && end - at > 1 && /[\uD800-\uDBFF]/.test(entry.text[end - 1])) end -= 1;
    chunks.push(entry.text.slice(at, end));
    at = end;
  }
  return chunks.map((chunk, part) => ({ ...entry, text: JSON.stringify({ raw_part: { sequence: entry.sequence.toString(), part, parts: chunks.length }, chunk }) }));
}

/** Undoes gzip (the reader's zlib; this module does no I/O and imports none). */
export type Gunzip = (bytes: Buffer) => Buffer;

/** A file's requests, and how many split requests it holds only some parts of (a part in another file, or lost). */
export interface JoinedLines {
  readonly requests: ArchivedRequest[];
  readonly incomplete: number;
}

/**
 * Archive lines as requests: single lines as they are, parts joined once all are there (in any order,
 * among other lines). A part seen twice (Firehose delivers at least once) counts once; a request whose
 * parts are not all here is counted in `incomplete`, never a reason to stop reading the rest.
 */
export function joinRawLines(lines: Iterable<string>, gunzip: Gunzip): JoinedLines {
  const requests: ArchivedRequest[] = [];
  const parts = new Map<string, { parts: number; chunks: Map<number, string> }>();
  const joined = new Set<string>();
  for (const line of lines) {
    const parsed = JSON.parse(line) as { raw_part?: { sequence: string; part: number; parts: number }; chunk?: string };
    if (parsed.raw_part === undefined) {
      requests.push(parseRawEntry(line, gunzip));
      continue;
    }
    const { sequence, part, parts: count } = parsed.raw_part;
    if (joined.has(sequence)) continue;
    const held = parts.get(sequence) ?? { parts: count, chunks: new Map<number, string>() };
    parts.set(sequence, held);
    held.chunks.set(part, parsed.chunk ?? '');
    if (held.chunks.size === held.parts) {
      requests.push(parseRawEntry(Array.from({ length: held.parts }, (_, i) => held.chunks.get(i) ?? '').join(''), gunzip));
      parts.delete(sequence);
      joined.add(sequence);
    }
  }
  return { requests, incomplete: parts.size };
}

/** An archive line read back; throws on a line this version did not write. */
export function parseRawEntry(line: string, gunzip: Gunzip): ArchivedRequest {
  const parsed = JSON.parse(line) as { received_at?: unknown; sequence?: unknown; table_version?: unknown; headers?: unknown; body_base64?: unknown; body_gzip_base64?: unknown };
  const { body_base64: plain, body_gzip_base64: gzipped } = parsed;
  if (typeof parsed.received_at !== 'string' || typeof parsed.sequence !== 'string' || !/^\d+$/.test(parsed.sequence) || typeof parsed.headers !== 'object' || parsed.headers === null || (typeof plain !== 'string' && typeof gzipped !== 'string')) {
    throw new Error('not a raw archive line (received_at, sequence, headers, body_base64 or body_gzip_base64)');
  }
  const body = typeof plain === 'string' ? Buffer.from(plain, 'base64') : gunzip(Buffer.from(gzipped as string, 'base64'));
  const version = typeof parsed.table_version === 'number' && Number.isInteger(parsed.table_version) ? { tableVersion: parsed.table_version } : {};
  return { receivedAt: parsed.received_at, sequence: BigInt(parsed.sequence), headers: parsed.headers as Record<string, string>, body: body.toString('utf8'), ...version };
}

/** Folder of one day of a schema's archive, trailing slash: `raw/<schema>/requests/dt=<dt>/`. */
export function rawPartitionPath(schema: string, dt: string, rawPrefix: string = RAW_PREFIX): string {
  return partitionPath(schema, RAW_TABLE, dt, rawPrefix);
}

/** Folder of a schema's archive days: `raw/<schema>/requests/`. */
export function rawSchemaPath(schema: string, rawPrefix: string = RAW_PREFIX): string {
  return `${normalizePrefix(rawPrefix)}${schema}/${RAW_TABLE}/`;
}

/** The last day (YYYY-MM-DD) to delete when keeping `days` days up to `today`; archived days before or on it go. */
export function lastExpiredDay(today: Date, days: number): string {
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - days)).toISOString().slice(0, 10);
}

/** What the compaction of a day of the archive needs to know of the schema's replay journal. */
export interface ReplayDays {
  readonly from: string;
  readonly to: string;
  /** ISO 8601 UTC; its day is the reset's. */
  readonly startedAt: string;
  readonly finishedAt?: string;
}

/**
 * Whether a day of a schema's local archive may be compacted (its files merged into new ones, as the
 * lake's are). A merge gives the day's requests new file names, so it must not touch a day a replay
 * journal names files of: every day of a replay under way or stopped part way (it carries on by file
 * name), and from the reset's day on for a finished one (kept as file names, so running it again takes
 * only files that came later); never a day after the reset's. Days before a finished replay's reset
 * day are done as whole days.
 */
export function rawDayCompactable(day: string, replay: ReplayDays | undefined): boolean {
  if (replay === undefined) return true;
  const resetDay = replay.startedAt.slice(0, 10);
  const namedFrom = replay.finishedAt === undefined || resetDay < replay.from ? replay.from : resetDay;
  // Files of days after the reset's hold only requests stamped in the new version, which a replay
  // leaves out whatever their names: those days are not named, however far --to reaches.
  const namedTo = replay.to < resetDay ? replay.to : resetDay;
  return day < namedFrom || day > namedTo;
}
