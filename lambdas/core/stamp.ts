import { columnNameOf } from './column-names';
import { mapRecord, rawJsonText, type ColumnDef, type ColumnTypes, type ColumnType } from './column-mapping';
import type { DecodedRecord } from './decode-body';
import { EVENT_TYPE_COLUMN, MAX_EVENT_TYPES, eventTypeOf, type EventColumnRegistry, type EventColumns, type EventTypeRule } from './event-types';
import { formatBytes } from './errors';
import { ExactNumber } from './exact-number';
import type { Integration } from './integration';
import { DATA_TABLE, REJECTED_TABLE, partitionDate } from './lake-layout';
import { withMember } from './row-text';
import { isJsonObject, type JsonObject, type LakeRow, type PackedRows, type RowPacker } from './rows';

/** Firehose's record limit; applied on every runtime so the same events load locally and on AWS. */
export const DEFAULT_MAX_RECORD_BYTES = 1000 * 1024;
/** Room left in a rejected row for its other columns (and a sink's routing field) when the raw text is cut. */
const REJECTED_OVERHEAD_BYTES = 4 * 1024;
const RESERVED_FIELD = /^_?_sdc/i;
/**
 * Bound on how much a record grows into a row: each leaf's name can gain up to 120 characters of
 * prefixes (a leaf takes at least 4 bytes of text, `"":0`), and JSON text is escaped once more (x2).
 */
const ROW_GROWTH = 2 + Math.ceil(120 / 4);
const SYSTEM_COLUMNS_BYTES = 1024;

/** What stamping needs from its runtime: id sources and the record limit. */
export interface StampServices {
  /** `_sdc_sequence` values (sequence.ts): past 2^53, so bigint. */
  readonly nextSequence: () => bigint;
  readonly uuid: () => string;
  readonly maxRecordBytes: number;
}

export interface StampContext extends StampServices {
  readonly integration: Integration;
  readonly receivedAt: Date;
  readonly batchedAt: Date;
  /** The integration's columns so far (its registry). */
  readonly columns: ColumnTypes;
  /** Size of the body the records came from, when known: a small body's rows need no size check. */
  readonly sourceBytes?: number;
  /** How rows get their `_sdc_event_type`, and the columns each type has carried; absent: no types. */
  readonly eventTypes?: { readonly rule: EventTypeRule; readonly registry: EventColumnRegistry };
  /** Takes each row as it is made instead of `rows` (a sink's packing of a large request's rows). */
  readonly packer?: RowPacker;
}

export interface StampResult {
  /** The rows, unless a packer took them. */
  readonly rows: LakeRow[];
  /** The packer's rows, when there was one. */
  readonly packed?: PackedRows[];
  /** The first row's `_sdc_sequence`, if any row was made. */
  readonly firstSequence?: bigint;
  readonly records: number;
  readonly rejected: number;
  /** Columns the rows use that `columns` lacked, typed as this batch first saw them: register them before storing. */
  readonly newColumns: ColumnDef[];
  /** Columns event types carried that the event registry lacked: register them before storing. */
  readonly newEventColumns: EventColumns[];
}

/**
 * Turns decoded records into flat, typed rows of `data` (column-mapping.ts), stamped with the `_sdc`
 * columns, or into rows of `_sdc_rejected` with the reason and the raw text. Sequences follow body
 * order, so a later element wins in `data_latest`.
 */
export function stampRecords(records: Iterable<DecodedRecord>, ctx: StampContext): StampResult {
  const receivedAt = isoText(ctx.receivedAt);
  const dt = partitionDate(receivedAt);
  const batchedAt = isoText(ctx.batchedAt);
  const rows: LakeRow[] = [];
  const packer = ctx.packer;
  let made = 0;
  let firstSequence: bigint | undefined;
  const keep = (row: LakeRow) => {
    if (made++ === 0) firstSequence = row.sequence;
    if (packer === undefined) rows.push(row);
    else packer.add(row);
  };
  let rejected = 0;
  const added = new Map<string, ColumnType>();
  const eventTypes = ctx.eventTypes;
  const addedEvents = new Map<string, Set<string>>();
  // A row is at most ROW_GROWTH times the text it came from (names gain their parents' prefixes, JSON
  // text columns are escaped once more) plus its system columns: from a small body, none can pass the limit.
  const smallBody = ctx.sourceBytes !== undefined && ctx.sourceBytes * ROW_GROWTH + SYSTEM_COLUMNS_BYTES <= ctx.maxRecordBytes;
  // The system columns every row of the batch shares, written once: each row's text is its cells'
  // text with these and its own system columns added at the end (no cell is named _sdc…).
  // ISO times need no escaping.
  const shared = `"_sdc_received_at":"${receivedAt}","_sdc_batched_at":"${batchedAt}","_sdc_table_version":${JSON.stringify(ctx.integration.tableVersion)}`;
  const mappingOptions = { primaryKey: ctx.integration.primaryKey, maxColumns: ctx.integration.maxColumns };
  for (const decoded of records) {
    const sequence = ctx.nextSequence();
    let reason = rejectionReason(decoded.value, ctx.integration.primaryKey);
    const mapping = reason === undefined ? mapRecord(decoded.value as JsonObject, withAdded(ctx.columns, added), mappingOptions) : undefined;
    if (mapping !== undefined && !mapping.ok) reason = mapping.reason;
    if (mapping?.ok) {
      const cells = mapping.cells as JsonObject;
      const eventType = eventTypes && eventTypeOf(decoded.value as JsonObject, eventTypes.rule);
      // Only the event's own columns are its type's.
      const unseen = eventTypes && eventType !== undefined ? unseenColumns(cells, eventType, eventTypes.registry, addedEvents) : undefined;
      const primaryKey = ctx.integration.primaryKey === undefined ? `,${member('__sdc_primary_key', ctx.uuid())}` : '';
      const type = eventType === undefined ? '' : `,${member(EVENT_TYPE_COLUMN, eventType)}`;
      // The row's one serialisation: sinks write this text as it is. The sequence goes in as digits
      // (JSON.stringify cannot write a bigint, and a JS number would round it).
      const text = withMember(rawJsonText(cells), `${shared}${primaryKey}${type},"_sdc_sequence":${sequence}`);
      // A UTF-16 unit is at most 3 bytes of UTF-8: a row that short needs no count.
      const size = smallBody || text.length * 3 <= ctx.maxRecordBytes ? 0 : Buffer.byteLength(text, 'utf8');
      if (size <= ctx.maxRecordBytes) {
        keep({ table: DATA_TABLE, dt, text, receivedAt, sequence });
        for (const column of mapping.newColumns) added.set(column.name, column.type);
        if (unseen !== undefined && unseen.length > 0) addEventColumns(addedEvents, eventType as string, unseen);
        continue;
      }
      reason = `record is ${formatBytes(size)} once stamped; the most a record may be is ${formatBytes(ctx.maxRecordBytes)}`;
    }
    rejected += 1;
    const record = rejectedRecord(
      { rejectedAt: batchedAt, reason: reason ?? 'record could not be mapped to columns', text: decoded.text ?? rawJsonText(decoded.value), receivedAt, sequence },
      ctx.maxRecordBytes,
    );
    keep({ table: REJECTED_TABLE, dt, text: rawJsonText(record), receivedAt, sequence });
  }
  return {
    rows,
    ...(packer !== undefined && { packed: packer.finish() }),
    ...(firstSequence !== undefined && { firstSequence }),
    records: made - rejected,
    rejected,
    newColumns: [...added].map(([name, type]) => ({ name, type })),
    newEventColumns: [...addedEvents].map(([eventType, columns]) => ({ eventType, columns: [...columns] })),
  };
}

/** ISO text of the last instants stamped: webhooks a millisecond apart share them. */
const isoTexts = { receivedAt: NaN, receivedText: '', batchedAt: NaN, batchedText: '' };

function isoText(at: Date): string {
  const ms = at.getTime();
  if (ms === isoTexts.receivedAt) return isoTexts.receivedText;
  if (ms === isoTexts.batchedAt) return isoTexts.batchedText;
  // Kept in two slots, so a request's receipt and its batch (a little later) do not evict each other.
  isoTexts.receivedAt = isoTexts.batchedAt;
  isoTexts.receivedText = isoTexts.batchedText;
  isoTexts.batchedAt = ms;
  isoTexts.batchedText = at.toISOString();
  return isoTexts.batchedText;
}

/** `"name":value` as JSON.stringify writes a member. */
function member(name: string, value: string | number): string {
  return `${JSON.stringify(name)}:${JSON.stringify(value)}`;
}

/**
 * The row's columns its event type's registry (and this batch) lacks; undefined when the type is not
 * to be registered: new, while the registry is full or this batch already brought more new types than it may take.
 */
function unseenColumns(cells: JsonObject, eventType: string, registry: EventColumnRegistry, added: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const known = registry.columns.get(eventType);
  const batch = added.get(eventType);
  if (known === undefined && batch === undefined && (registry.full || registry.columns.size + newTypesIn(added, registry) > MAX_EVENT_TYPES)) return undefined;
  let unseen: string[] | undefined;
  for (const name in cells) {
    if (known?.has(name) || batch?.has(name)) continue;
    (unseen ??= []).push(name);
  }
  return unseen ?? [];
}

/** How many of the batch's types the registry does not know; only counted when a type is new, which is rare. */
function newTypesIn(added: ReadonlyMap<string, unknown>, registry: EventColumnRegistry): number {
  let count = 0;
  for (const eventType of added.keys()) if (!registry.columns.has(eventType)) count += 1;
  return count;
}

function addEventColumns(added: Map<string, Set<string>>, eventType: string, columns: readonly string[]): void {
  const set = added.get(eventType) ?? new Set<string>();
  added.set(eventType, set);
  for (const column of columns) set.add(column);
}

/** The registry with the columns this batch added so far, as the mapping reads it. */
function withAdded(known: ColumnTypes, added: ReadonlyMap<string, ColumnType>): ColumnTypes {
  if (added.size === 0) return known;
  const merged = new Map(known);
  for (const [name, type] of added) merged.set(name, type);
  return merged;
}

/** Why a record cannot be a row of `data`, or undefined when it can. */
export function rejectionReason(value: unknown, primaryKey: string | undefined): string | undefined {
  if (!isJsonObject(value)) return `record is ${describe(value)}, not a JSON object`;
  for (const key of Object.keys(value)) {
    if (key.charCodeAt(0) === 0x5f && RESERVED_FIELD.test(key)) return `field "${key}" is reserved: fields starting with _sdc are set by Hooklake`;
  }
  if (primaryKey !== undefined) {
    const key = value[primaryKey] ?? value[Object.keys(value).find((field) => columnNameOf(field) === columnNameOf(primaryKey)) ?? primaryKey];
    if (key === undefined || key === null) return `primary key field "${primaryKey}" is missing or null`;
    if (typeof key === 'object' && !(key instanceof ExactNumber)) return `primary key field "${primaryKey}" is ${describe(key)}; it must be a string, number or boolean`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

export interface RejectedFields {
  readonly rejectedAt: string;
  readonly reason: string;
  /** The raw record text, cut here if it is too long. */
  readonly text: string;
  readonly receivedAt: unknown;
  readonly sequence: bigint;
}

/**
 * A row of `_sdc_rejected`. Shared with the record sinks, which reject the rare record that their
 * routing fields push over the limit. The text is cut so the whole row stays under `maxRecordBytes`.
 */
export function rejectedRecord(fields: RejectedFields, maxRecordBytes: number): JsonObject {
  const record = cutToJsonBytes(fields.text, maxRecordBytes - REJECTED_OVERHEAD_BYTES);
  const cut = record.length < fields.text.length ? ` (the raw text is cut to its first ${record.length} characters of ${fields.text.length})` : '';
  return {
    _sdc_rejected_at: fields.rejectedAt,
    reason: `${fields.reason}${cut}`,
    record,
    _sdc_received_at: fields.receivedAt,
    _sdc_sequence: new ExactNumber(fields.sequence.toString()),
  };
}

/**
 * Cuts text on a character boundary so that, serialised as a JSON string, it takes at most `maxBytes`.
 * Escapes count: raw JSON text full of quotes or backslashes nearly doubles when serialised again.
 */
function cutToJsonBytes(text: string, maxBytes: number): string {
  let cut = text;
  let size = jsonBytes(cut);
  while (size > maxBytes && cut !== '') {
    const budget = Math.floor((Buffer.byteLength(cut, 'utf8') * maxBytes) / size);
    // Decoding a cut buffer leaves one U+FFFD for a split character; drop it to stay valid UTF-8.
    cut = new TextDecoder().decode(Buffer.from(cut, 'utf8').subarray(0, budget)).replace(/\uFFFD$/, '');
    size = jsonBytes(cut);
  }
  return cut;
}

function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8');
}
