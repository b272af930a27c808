import { columnNameOf } from './column-names';
import { HOOKLAKE_COMMAND } from './deployment-names';
import { NotFoundError, ValidationError } from './errors';
import { PARTITION_COLUMN } from './lake-layout';
import { validateEventTypeFields } from './event-types';
import { PRESETS } from './presets';
import { summarizeSigning, type SigningConfig, type SigningSummary } from './signing';

export const INTEGRATION_TYPES = ['webhooks', 'iterable', 'customerio', 'sendgrid'] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

export interface Integration {
  /** Display name as the user typed it, e.g. "Stitch Customer.io". */
  readonly name: string;
  /** Schema derived from the name, unique and immutable, e.g. "stitch_customerio". */
  readonly schema: string;
  readonly type: IntegrationType;
  /** One top-level field of each event; absent means every row gets a `__sdc_primary_key` UUID. */
  readonly primaryKey?: string;
  /** Top-level fields naming each event's type, for per-event views (event-types.ts); absent: none. */
  readonly eventTypeFields?: readonly string[];
  /** Most columns `data` may have; a row that would pass it goes to `_sdc_rejected`. Absent: DEFAULT_MAX_COLUMNS. */
  readonly maxColumns?: number;
  /** Raised by a table reset; stamped on every row as `_sdc_table_version`. */
  readonly tableVersion: number;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
  /** Present when webhooks must carry the provider's signature; its keys never leave the store and ingest. */
  readonly signing?: SigningConfig;
}

export const MAX_SCHEMA_LENGTH = 63;
export const MAX_PRIMARY_KEY_LENGTH = 50;

/**
 * Names that Athena, Glue or DuckDB already use for their own schemas, and our own namespace.
 * A schema of that name would shadow or be shadowed by the engine's.
 */
export const RESERVED_SCHEMAS: ReadonlySet<string> = new Set([
  'default',
  'information_schema',
  'pg_catalog',
  'main',
  'temp',
  'system',
  'memory',
  'hooklake',
]);

/**
 * Derives the schema from a display name the way Stitch does: lower-case, spaces to `_`,
 * every other character that is not [a-z0-9_] dropped.
 * Throws ValidationError when the result cannot be a schema name.
 */
export function schemaFromName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) {
    throw new ValidationError('Integration name is empty; give a display name such as "Stitch Iterable".');
  }
  const schema = trimmed
    .toLowerCase()
    .replace(/\s+/g, '_')
    .replace(/[^a-z0-9_]/g, '');
  if (!/[a-z]/.test(schema)) {
    throw new ValidationError(
      `Integration name "${name}" has no letters a-z to make a schema from; use a name such as "Stitch Iterable".`,
    );
  }
  if (!/^[a-z]/.test(schema)) {
    throw new ValidationError(
      `Integration name "${name}" would make schema "${schema}", which does not start with a letter; start the name with a letter.`,
    );
  }
  if (schema.length > MAX_SCHEMA_LENGTH) {
    throw new ValidationError(
      `Integration name "${name}" makes a schema of ${schema.length} characters; the most is ${MAX_SCHEMA_LENGTH}. Use a shorter name.`,
    );
  }
  if (RESERVED_SCHEMAS.has(schema) || schema.startsWith('_sdc') || schema.startsWith('sdc_')) {
    throw new ValidationError(
      `Integration name "${name}" would make schema "${schema}", which is reserved; choose another name.`,
    );
  }
  return schema;
}

/** A schema name as typed on the command line: must already be in derived form. */
export function assertSchemaName(schema: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(schema) || schema.length > MAX_SCHEMA_LENGTH) {
    throw new ValidationError(
      `"${schema}" is not a schema name; schemas are lower-case letters, digits and "_" (see "${HOOKLAKE_COMMAND} integrations list").`,
    );
  }
  return schema;
}

export function validatePrimaryKey(field: string): string {
  if (field.length === 0) throw new ValidationError('Primary key is empty; name one top-level field, e.g. "email".');
  if (field.length > MAX_PRIMARY_KEY_LENGTH) {
    throw new ValidationError(
      `Primary key "${field.slice(0, 20)}..." has ${field.length} characters; the most is ${MAX_PRIMARY_KEY_LENGTH}.`,
    );
  }
  if (field.includes('.') || field.includes('[')) {
    throw new ValidationError(
      `Primary key "${field}" looks like a nested path; it must be one top-level field of each event.`,
    );
  }
  if (columnNameOf(field) === '') {
    throw new ValidationError(`Primary key "${field}" has no letters, digits or "_"; column names keep only those.`);
  }
  if (/^_?_sdc/i.test(field)) {
    throw new ValidationError(`Primary key "${field}" is a reserved _sdc field; name a field of your events.`);
  }
  if (field.toLowerCase() === PARTITION_COLUMN) {
    // The tables' dt column is the arrival day, which shadows an event's own dt field.
    throw new ValidationError(`Primary key "${field}" is the name of the tables' partition column (the day an event arrived); name another field.`);
  }
  return field;
}

/** Glue's practical ceiling for one table's columns is far above any event; this keeps a table usable. */
export const MAX_COLUMNS_LIMIT = 10_000;

export function validateMaxColumns(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_COLUMNS_LIMIT) {
    throw new ValidationError(`The column limit must be a whole number from 1 to ${MAX_COLUMNS_LIMIT}, got ${value}.`);
  }
  return value;
}

export function assertIntegrationType(type: string): IntegrationType {
  if ((INTEGRATION_TYPES as readonly string[]).includes(type)) return type as IntegrationType;
  throw new ValidationError(`Unknown integration type "${type}"; use one of: ${INTEGRATION_TYPES.join(', ')}.`);
}

export interface NewIntegrationInput {
  readonly name: string;
  readonly primaryKey?: string;
  readonly maxColumns?: number;
  readonly type?: string;
  /** Replaces the preset's event-type fields; [] for none. */
  readonly eventTypeFields?: readonly string[];
}

/** A new integration; a preset's primary key applies unless one is given. */
export function newIntegration(input: NewIntegrationInput, now: Date): Integration {
  const type = assertIntegrationType(input.type ?? 'webhooks');
  const primaryKey = input.primaryKey ?? PRESETS[type].primaryKey;
  const eventTypeFields = validateEventTypeFields(input.eventTypeFields ?? PRESETS[type].eventTypeFields);
  const integration: Integration = {
    name: input.name.trim(),
    schema: schemaFromName(input.name),
    type,
    tableVersion: 0,
    createdAt: now.toISOString(),
    ...(primaryKey === undefined ? {} : { primaryKey: validatePrimaryKey(primaryKey) }),
    ...(input.maxColumns === undefined ? {} : { maxColumns: validateMaxColumns(input.maxColumns) }),
    ...(eventTypeFields.length === 0 ? {} : { eventTypeFields }),
  };
  return integration;
}

/** The one answer to a schema that names no integration, wherever it is asked. */
export function unknownIntegration(schemas: string | readonly string[], cause?: unknown): NotFoundError {
  const names = (typeof schemas === 'string' ? [schemas] : schemas).map((schema) => `"${schema}"`).join(', ');
  return new NotFoundError(`No integration with schema ${names}; see "${HOOKLAKE_COMMAND} integrations list".`, { cause });
}

/** An integration as commands print it: every field, but of its signing only what may be shown. */
export function publicIntegration(integration: Integration): Omit<Integration, 'signing' | 'primaryKey'> & { primaryKey: string | null; signing: SigningSummary | null } {
  const { signing, ...rest } = integration;
  return { ...rest, primaryKey: integration.primaryKey ?? null, signing: summarizeSigning(signing) };
}
