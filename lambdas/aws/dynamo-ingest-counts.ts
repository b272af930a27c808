import { QueryCommand, ScanCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { COUNT_RETENTION_DAYS, UNATTRIBUTED, type CountDelta } from '../core/ingest-counts';
import { COUNT_ITEM_PREFIX, TOKEN_TABLE_KEYS, TOKEN_TABLE_TTL_ATTRIBUTE, UNATTRIBUTED_COUNTS_KEY } from '../core/deployment-names';
import { IntegrationStoreUnavailableError } from '../core/errors';
import { unknownIntegration } from '../core/integration';
import { mapWithConcurrency } from '../shared/concurrency';
import type { IngestCountStore } from '../app/ports';
import { errorName, translateAwsError } from './aws-errors';

type Item = Record<string, AttributeValue>;

const PK = TOKEN_TABLE_KEYS.partitionKey.name;
const SK = TOKEN_TABLE_KEYS.sortKey.name;
const REFUSED = 'refused_';
const FAILED = 'failed_';
const USED = 'used_';
const SILENCE = 'silenceAfterSeconds';
const COUNTERS = ['accepted', 'records', 'rejected'] as const;

/**
 * Loading-report counters in the token table, one item per integration and UTC day
 * (`INTEGRATION#<schema>` / `STATS#<day>`), each delta one UpdateItem: counters with `ADD`, so
 * concurrent functions sum; times with `SET`, guarded so an older flush does not move
 * `lastEventAt` back (it then adds its counts alone). Items expire through the table's TTL.
 * The silence threshold is an attribute of the integration's META item.
 */
export class DynamoIngestCountStore implements IngestCountStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async readCounts(schemas: readonly string[], days: readonly string[]): Promise<CountDelta[]> {
    if (days.length === 0) return [];
    const sorted = [...days].sort();
    const perSchema = await mapWithConcurrency(schemas, 4, async (schema) => {
      const found: CountDelta[] = [];
      let startKey: Item | undefined;
      do {
        const page = await this.call('Query', `read the loading counts of "${schema}"`, () =>
          this.client.send(
            new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
              ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
              ExpressionAttributeValues: { ':pk': { S: countsPartition(schema) }, ':from': { S: COUNT_ITEM_PREFIX + sorted[0] }, ':to': { S: COUNT_ITEM_PREFIX + sorted[sorted.length - 1] } },
              ExclusiveStartKey: startKey,
            }),
          ),
        );
        for (const item of page.Items ?? []) {
          const day = (item[SK]?.S ?? '').slice(COUNT_ITEM_PREFIX.length);
          if (days.includes(day)) found.push(countsFromItem(schema, day, item));
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
      return found;
    });
    return perSchema.flat();
  }

  async setSilenceAfter(schema: string, seconds: number | undefined): Promise<void> {
    try {
      await this.call('UpdateItem', `set the silence threshold of "${schema}"`, () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: { [PK]: { S: `INTEGRATION#${schema}` }, [SK]: { S: 'META' } },
            ...(seconds === undefined
              ? { UpdateExpression: 'REMOVE #silence' }
              : { UpdateExpression: 'SET #silence = :seconds', ExpressionAttributeValues: { ':seconds': { N: String(seconds) } } }),
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK, '#silence': SILENCE },
          }),
        ),
      );
    } catch (error) {
      if (errorName(error) === 'ConditionalCheckFailedException') throw unknownIntegration(schema, error);
      throw error;
    }
  }

  async silenceThresholds(): Promise<ReadonlyMap<string, number>> {
    const thresholds = new Map<string, number>();
    let startKey: Item | undefined;
    do {
      const page = await this.call('Scan', 'list silence thresholds', () =>
        this.client.send(
          new ScanCommand({
            TableName: this.tableName,
            FilterExpression: '#sk = :meta AND attribute_exists(#silence)',
            ProjectionExpression: '#schema, #silence',
            ExpressionAttributeNames: { '#sk': SK, '#schema': 'schema', '#silence': SILENCE },
            ExpressionAttributeValues: { ':meta': { S: 'META' } },
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const schema = item.schema?.S;
        const seconds = Number(item[SILENCE]?.N);
        if (schema !== undefined && Number.isSafeInteger(seconds)) thresholds.set(schema, seconds);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return thresholds;
  }

  async addCounts(delta: CountDelta): Promise<void> {
    const update = updateOf(delta);
    const send = (withTimes: boolean) =>
      this.call('UpdateItem', `add loading counts of "${delta.schema}"`, () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: { [PK]: { S: countsPartition(delta.schema) }, [SK]: { S: COUNT_ITEM_PREFIX + delta.day } },
            UpdateExpression: withTimes ? update.expression : update.addsOnly,
            ExpressionAttributeNames: withTimes ? update.names : update.addNames,
            ExpressionAttributeValues: withTimes ? update.values : update.addValues,
            ...(withTimes && update.guard !== undefined ? { ConditionExpression: update.guard } : {}),
          }),
        ),
      );
    try {
      await send(true);
    } catch (error) {
      // A later event was written by another function meanwhile: add the counts, keep its times.
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      await send(false);
    }
  }

  private async call<T>(action: string, what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (errorName(error) === 'ConditionalCheckFailedException') throw error;
      throw translateAwsError(error, {
        service: 'dynamodb',
        action,
        resource: `DynamoDB table "${this.tableName}"`,
        unavailable: (message, cause) => new IntegrationStoreUnavailableError(`Could not ${what}: ${message}`, { cause }),
      });
    }
  }
}

function countsPartition(schema: string): string {
  return schema === UNATTRIBUTED ? UNATTRIBUTED_COUNTS_KEY : `INTEGRATION#${schema}`;
}

interface CountUpdate {
  readonly expression: string;
  readonly names: Record<string, string>;
  readonly values: Item;
  readonly guard?: string;
  readonly addsOnly: string;
  readonly addNames: Record<string, string>;
  readonly addValues: Item;
}

/** The UpdateItem of one delta: ADD for every counter, SET for the times and the expiry. */
function updateOf(delta: CountDelta): CountUpdate {
  const adds: [string, number][] = [
    ...COUNTERS.map((name) => [name, delta[name]] as [string, number]),
    ...Object.entries(delta.refused).map(([reason, n]) => [REFUSED + reason, n] as [string, number]),
    ...Object.entries(delta.failed).map(([reason, n]) => [FAILED + reason, n] as [string, number]),
  ].filter(([, n]) => n > 0);
  const addNames: Record<string, string> = { '#exp': TOKEN_TABLE_TTL_ATTRIBUTE };
  const addValues: Item = { ':exp': { N: String(expiryOf(delta.day)) } };
  const addParts = adds.map(([name, n], i) => {
    addNames[`#a${i}`] = name;
    addValues[`:a${i}`] = { N: String(n) };
    return `#a${i} :a${i}`;
  });
  const addClause = addParts.length > 0 ? ` ADD ${addParts.join(', ')}` : '';
  const addsOnly = `SET #exp = :exp${addClause}`;

  const names = { ...addNames };
  const values = { ...addValues };
  const sets = ['#exp = :exp'];
  Object.entries(delta.tokensUsed).forEach(([tokenId, at], i) => {
    names[`#u${i}`] = USED + tokenId;
    values[`:u${i}`] = { S: at };
    sets.push(`#u${i} = :u${i}`);
  });
  let guard: string | undefined;
  if (delta.lastEventAt !== undefined) {
    names['#last'] = 'lastEventAt';
    values[':last'] = { S: delta.lastEventAt };
    sets.push('#last = :last');
    guard = 'attribute_not_exists(#last) OR #last < :last';
  }
  return { expression: `SET ${sets.join(', ')}${addClause}`, names, values, guard, addsOnly, addNames, addValues };
}

/** Epoch seconds at which DynamoDB's TTL may drop a day's counters. */
function expiryOf(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + COUNT_RETENTION_DAYS * 86_400;
}

function countsFromItem(schema: string, day: string, item: Item): CountDelta {
  const refused: Record<string, number> = {};
  const failed: Record<string, number> = {};
  const tokensUsed: Record<string, string> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(REFUSED) && value.N !== undefined) refused[name.slice(REFUSED.length)] = Number(value.N);
    else if (name.startsWith(FAILED) && value.N !== undefined) failed[name.slice(FAILED.length)] = Number(value.N);
    else if (name.startsWith(USED) && value.S !== undefined) tokensUsed[name.slice(USED.length)] = value.S;
  }
  const lastEventAt = item.lastEventAt?.S;
  return {
    schema,
    day,
    accepted: Number(item.accepted?.N ?? 0),
    records: Number(item.records?.N ?? 0),
    rejected: Number(item.rejected?.N ?? 0),
    refused,
    failed,
    ...(lastEventAt === undefined ? {} : { lastEventAt }),
    tokensUsed,
  };
}
