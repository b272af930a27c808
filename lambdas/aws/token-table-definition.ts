import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { TOKEN_TABLE_KEYS } from '../core/deployment-names';

/** The token table as CreateTable wants it; the local boot creates it, on AWS the CDK construct does. */
export function tokenTableDefinition(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey } = TOKEN_TABLE_KEYS;
  return {
    TableName: tableName,
    KeySchema: [
      { AttributeName: partitionKey.name, KeyType: 'HASH' },
      { AttributeName: sortKey.name, KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
      { AttributeName: sortKey.name, AttributeType: sortKey.type },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}
