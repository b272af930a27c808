import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TOKEN_TABLE_KEYS } from '../core/deployment-names';
import { IntegrationStoreUnavailableError } from '../core/errors';
import { errorName, translateAwsError } from './aws-errors';

export type Item = Record<string, AttributeValue>;

export const PK = TOKEN_TABLE_KEYS.partitionKey.name;
export const SK = TOKEN_TABLE_KEYS.sortKey.name;

/** One page of a Query or a Scan, as far as reading every page needs it. */
interface Page {
  readonly Items?: Item[];
  readonly LastEvaluatedKey?: Item;
}

const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);

export function isConditionFailure(error: unknown): boolean {
  return errorName(error) === 'ConditionalCheckFailedException';
}

/**
 * What the adapters that share the token table (integrations and tokens, loading counters) share:
 * their SDK calls' failures said one way (a refused condition is rethrown for the caller to explain;
 * anything else becomes our error, naming the call, the table and how to fix it), and paging.
 */
export abstract class TokenTableAdapter {
  constructor(
    protected readonly client: DynamoDBClient,
    protected readonly tableName: string,
  ) {}

  /** Runs one SDK call: `action` as IAM names it, `what` it does, for the message. */
  protected async call<T>(action: string, what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isConditionFailure(error)) throw error;
      throw translateAwsError(error, {
        service: 'dynamodb',
        action,
        resource: `DynamoDB table "${this.tableName}"`,
        accessFix: `use AWS credentials whose IAM policy allows dynamodb:${action} on the token table.`,
        unavailable: (_message, cause) => {
          const detail = `${describeError(cause)}.${this.hintFor(cause)}`;
          return new IntegrationStoreUnavailableError(`Could not ${what} in DynamoDB table "${this.tableName}": ${detail}`, { cause });
        },
      });
    }
  }

  /** Every item of a Query or Scan, page after page; `read` sends one page from the key given. */
  protected async allItems(action: 'Query' | 'Scan', what: string, read: (startKey: Item | undefined) => Promise<Page>): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.call(action, what, () => read(startKey));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  private hintFor(error: unknown): string {
    const name = errorName(error);
    if (name === 'ResourceNotFoundException') return ` The table "${this.tableName}" does not exist in this account and region.`;
    if (THROTTLING.has(name)) return ' DynamoDB is throttling requests; retry shortly.';
    return '';
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
