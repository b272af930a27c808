/**
 * Names both sides of a deployment must agree on: what the CDK stack publishes and the CLI reads
 * back, and the token table's key schema, which the CDK construct, the DynamoDB adapter and the local
 * boot all use. Here, with no aws-cdk-lib or SDK import, so every side can load it cheaply.
 */
export const DEFAULT_STACK_NAME = 'Hooklake';

/** How a user runs the CLI from the project folder; every message that names a command uses it. */
export const HOOKLAKE_COMMAND = 'npx hooklake';

/** Stack output keys; their logical ids are stable, as the CLI finds the deployment by them. */
export const STACK_OUTPUTS = {
  webhookBaseUrl: 'WebhookBaseUrl',
  lakeBucketName: 'LakeBucketName',
  lakePrefix: 'LakePrefix',
  athenaWorkGroup: 'AthenaWorkGroup',
  tokenTableName: 'TokenTableName',
  deliveryStreamName: 'DeliveryStreamName',
} as const;

export type StackOutputName = keyof typeof STACK_OUTPUTS;

/** Key schema of the token table (integrations and token hashes). */
export const TOKEN_TABLE_KEYS = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
} as const;

/** Every attribute a column-registry item has; the ingest function may write only these. */
export const COLUMN_ITEM_ATTRIBUTES = [TOKEN_TABLE_KEYS.partitionKey.name, TOKEN_TABLE_KEYS.sortKey.name, 'name', 'type', 'firstSeenAt'] as const;

/** Sort-key prefix of an event type's registry item (its columns); the catalog's stream filter matches it. */
export const EVENT_TYPE_ITEM_PREFIX = 'EVENT#';
/** Every attribute the event-type registry's items have (the per-type items and the list of types); the ingest function may update only these. */
export const EVENT_TYPE_ITEM_ATTRIBUTES = [TOKEN_TABLE_KEYS.partitionKey.name, TOKEN_TABLE_KEYS.sortKey.name, 'names', 'firstRefusedAt', 'eventType', 'firstSeenAt', 'columns'] as const;

/** Sort-key prefix of the item a table reset writes (one per version); the catalog's stream filter matches it to re-make the views. */
export const TABLE_VERSION_ITEM_PREFIX = 'TABLE_VERSION#';

/** Table name of the local runtime's embedded store (on AWS the stack names it). */
export const LOCAL_TOKEN_TABLE_NAME = 'hooklake-tokens';

/** Sort-key prefix of an integration's loading-report counters, one item per UTC day (`STATS#2026-11-23`). */
export const COUNT_ITEM_PREFIX = 'STATS#';
/** Partition key of the counters of requests whose integration was never known (a bad token, a wrong method). */
export const UNATTRIBUTED_COUNTS_KEY = 'UNATTRIBUTED';
/** The DynamoDB TTL attribute of the token table (epoch seconds); only counter items carry it. */
export const TOKEN_TABLE_TTL_ATTRIBUTE = 'expiresAt';
/**
 * Attributes a counter item has, as IAM `StringLike` patterns: the ingest function may update only
 * these (per reason `refused_<ErrorName>`, per token `used_<tokenId>`).
 */
export const COUNT_ITEM_ATTRIBUTE_PATTERNS = [
  TOKEN_TABLE_KEYS.partitionKey.name,
  TOKEN_TABLE_KEYS.sortKey.name,
  'accepted',
  'records',
  'rejected',
  'lastEventAt',
  TOKEN_TABLE_TTL_ATTRIBUTE,
  'refused_*',
  'failed_*',
  'used_*',
] as const;
