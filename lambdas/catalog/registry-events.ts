import type { DynamoDBStreamEvent } from 'aws-lambda';
import { TABLE_VERSION_ITEM_PREFIX, TOKEN_TABLE_KEYS } from '../core/deployment-names';

const INTEGRATION_KEY = /^INTEGRATION#([a-z][a-z0-9_]*)$/;

/**
 * The schemas whose registry (or integration) items a stream batch inserted or changed, each once, in order.
 * Only keys are read: the stream carries nothing else, and the catalog reads the whole registry anyway.
 */
export function changedSchemas(event: DynamoDBStreamEvent): string[] {
  const schemas = new Set<string>();
  for (const record of event.Records) {
    const key = record.dynamodb?.Keys?.[TOKEN_TABLE_KEYS.partitionKey.name]?.S;
    const schema = key === undefined ? undefined : INTEGRATION_KEY.exec(key)?.[1];
    if (schema !== undefined) schemas.add(schema);
  }
  return [...schemas];
}

/** The schemas whose table version a stream batch raised (a table reset): every view of theirs is re-made. */
export function resetSchemas(event: DynamoDBStreamEvent): string[] {
  const schemas = new Set<string>();
  for (const record of event.Records) {
    const keys = record.dynamodb?.Keys;
    if (record.eventName !== 'INSERT' || keys?.[TOKEN_TABLE_KEYS.sortKey.name]?.S?.startsWith(TABLE_VERSION_ITEM_PREFIX) !== true) continue;
    const schema = INTEGRATION_KEY.exec(keys[TOKEN_TABLE_KEYS.partitionKey.name]?.S ?? '')?.[1];
    if (schema !== undefined) schemas.add(schema);
  }
  return [...schemas];
}
