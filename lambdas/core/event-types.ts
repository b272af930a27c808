/**
 * Event types (issue 10's per-event views): which type a record is, from the integration's
 * event-type fields, and the name of the view that shows that type's rows with its own columns.
 */
import { columnNameOf } from './column-names';
import { ValidationError } from './errors';
import type { Integration } from './integration';
import { DATA_TABLE } from './lake-layout';
import { PRESETS } from './presets';
import type { JsonObject } from './rows';

/** The system column of `data` that holds a row's event type. */
export const EVENT_TYPE_COLUMN = '_sdc_event_type';
/** Longest event type kept; a longer one is no type (the row still lands in `data`). */
export const MAX_EVENT_TYPE_LENGTH = 64;
/** Most event types (so views) per integration: a sender inventing types cannot make a view per event. */
export const MAX_EVENT_TYPES = 200;
/** Most fields an event type is made of. */
export const MAX_EVENT_TYPE_FIELDS = 3;
/** Suffix of the latest-row view of an event type's view. */
export const LATEST_SUFFIX = '_latest';

/** How an integration's records get their type. */
export interface EventTypeRule {
  /** Top-level fields whose string values, joined with "_", name the type. */
  readonly fields: readonly string[];
  /** The type of a record the fields give none, when it has `field` (Iterable's journey webhooks). */
  readonly otherwise?: { readonly field: string; readonly type: string };
}

/** The integration's rule, or undefined when its rows get no type (no event-type fields). */
export function eventTypeRuleOf(integration: Pick<Integration, 'type' | 'eventTypeFields'>): EventTypeRule | undefined {
  const fields = integration.eventTypeFields ?? [];
  if (fields.length === 0) return undefined;
  const { otherwise } = PRESETS[integration.type];
  return otherwise === undefined ? { fields } : { fields, otherwise };
}

/** What the ingest path knows of an integration's event types: the columns each has carried. */
export interface EventColumnRegistry {
  readonly columns: ReadonlyMap<string, ReadonlySet<string>>;
  /** No more types are taken: a row of a type not in `columns` still carries it, but it gets no view. */
  readonly full: boolean;
}

/** Columns an event type carried that its registry lacked. */
export interface EventColumns {
  readonly eventType: string;
  readonly columns: readonly string[];
}

/** Event types by first seen, then by name. */
export function byTypeFirstSeen(a: { eventType: string; firstSeenAt: string }, b: { eventType: string; firstSeenAt: string }): number {
  return a.firstSeenAt < b.firstSeenAt ? -1 : a.firstSeenAt > b.firstSeenAt ? 1 : a.eventType < b.eventType ? -1 : a.eventType > b.eventType ? 1 : 0;
}

const SNAKE = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;

/**
 * A value in snake case: `emailClick` -> `email_click`, `inAppOpen` -> `in_app_open`,
 * `HTTPError` -> `http_error`; runs of other characters become one `_`, none at either end.
 */
export function snakeCase(value: string): string {
  if (SNAKE.test(value)) return value;
  return value
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The record's event type, or undefined when a field is missing, not a string, empty or the type too long. */
export function eventTypeOf(record: JsonObject, rule: EventTypeRule): string | undefined {
  const { fields } = rule;
  let type = '';
  for (let i = 0; i < fields.length; i++) {
    const value = record[fields[i]];
    if (typeof value !== 'string' || value.length > MAX_EVENT_TYPE_LENGTH) return fallback(record, rule);
    const part = snakeCase(value);
    if (part === '') return fallback(record, rule);
    type = i === 0 ? part : `${type}_${part}`;
  }
  return type === '' || type.length > MAX_EVENT_TYPE_LENGTH ? fallback(record, rule) : type;
}

function fallback(record: JsonObject, rule: EventTypeRule): string | undefined {
  const { otherwise } = rule;
  return otherwise !== undefined && record[otherwise.field] !== undefined && record[otherwise.field] !== null ? otherwise.type : undefined;
}

/**
 * The view of an event type: the type itself, unless it could be taken for another name of the
 * schema (`data`, `data_latest`, a `<view>_latest`); then it gets a trailing `_`, which no type has.
 * So views never collide with each other, their `_latest` views, or the tables (`_sdc_rejected`
 * and every `_sdc*` start with `_`, which no type does).
 */
export function eventViewName(eventType: string): string {
  return eventType === DATA_TABLE || eventType.endsWith(LATEST_SUFFIX) ? `${eventType}_` : eventType;
}

export function latestEventViewName(eventType: string): string {
  return `${eventViewName(eventType)}${LATEST_SUFFIX}`;
}

/** Event-type fields as given at creation: top-level fields, few, distinct, none reserved. */
export function validateEventTypeFields(fields: readonly string[]): string[] {
  if (fields.length > MAX_EVENT_TYPE_FIELDS) {
    throw new ValidationError(`An event type is made of at most ${MAX_EVENT_TYPE_FIELDS} fields; ${fields.length} were given.`);
  }
  const seen = new Set<string>();
  for (const field of fields) {
    if (field.length === 0 || field.length > 50) throw new ValidationError(`Event-type field "${field.slice(0, 20)}" must have 1 to 50 characters.`);
    if (field.includes('.') || field.includes('[')) throw new ValidationError(`Event-type field "${field}" looks like a nested path; it must be one top-level field of each event.`);
    if (columnNameOf(field) === '' || /^_?_sdc/i.test(field)) throw new ValidationError(`Event-type field "${field}" is not a field of your events (no letters or digits, or a reserved _sdc name).`);
    if (seen.has(field)) throw new ValidationError(`Event-type field "${field}" is given twice.`);
    seen.add(field);
  }
  return [...fields];
}
