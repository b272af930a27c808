import type { DynamoDBStreamEvent } from 'aws-lambda';
import { TOKEN_TABLE_KEYS } from '../core/deployment-names';

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
