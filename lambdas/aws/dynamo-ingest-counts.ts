import { QueryCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { COUNT_RETENTION_DAYS, UNATTRIBUTED, type CountDelta } from '../core/ingest-counts';
import { COUNT_ITEM_PREFIX, TOKEN_TABLE_TTL_ATTRIBUTE, UNATTRIBUTED_COUNTS_KEY } from '../core/deployment-names';
import { unknownIntegration } from '../core/integration';
import { mapWithConcurrency } from '../shared/concurrency';
import type { IngestCountStore } from '../app/ports';
import { isConditionFailure, PK, SK, TokenTableAdapter, type Item } from './token-table-adapter';

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
export class DynamoIngestCountStore extends TokenTableAdapter implements IngestCountStore {
  async readCounts(schemas: readonly string[], days: readonly string[]): Promise<CountDelta[]> {
    if (days.length === 0) return [];
    const sorted = [...days].sort();
    const perSchema = await mapWithConcurrency(schemas, 4, async (schema) => {
      const items = await this.allItems('Query', `read the loading counts of "${schema}"`, (startKey) =>
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
      return items.flatMap((item) => {
        const day = (item[SK]?.S ?? '').slice(COUNT_ITEM_PREFIX.length);
        return days.includes(day) ? [countsFromItem(schema, day, item)] : [];
      });
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
      if (isConditionFailure(error)) throw unknownIntegration(schema, error);
      throw error;
    }
  }

  async silenceThresholds(): Promise<ReadonlyMap<string, number>> {
    const items = await this.allItems('Scan', 'list silence thresholds', (startKey) =>
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
    const thresholds = new Map<string, number>();
    for (const item of items) {
      const schema = item.schema?.S;
      const seconds = Number(item[SILENCE]?.N);
      if (schema !== undefined && Number.isSafeInteger(seconds)) thresholds.set(schema, seconds);
    }
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
      if (!isConditionFailure(error)) throw error;
      await send(false);
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
