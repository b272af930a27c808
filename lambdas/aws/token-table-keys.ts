/**
 * Key schema of the token table, shared by the CDK construct, the DynamoDB adapter and the
 * local dynalite boot so that all three agree by construction.
 */
export const TOKEN_TABLE_KEYS = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
} as const;

/** Table name used by the local runtime (on AWS the stack names it). */
export const LOCAL_TOKEN_TABLE_NAME = 'hooklake-tokens';
