import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { ConflictError, IntegrationStoreUnavailableError, NotFoundError, TokenLimitError } from '../core/errors';
import { unknownIntegration, type Integration, type IntegrationType } from '../core/integration';
import { SigningSecret, type SignatureScheme, type SigningConfig } from '../core/signing';
import { tokenMatches, type TokenRecord } from '../core/tokens';
import type { EventTypeRegistry, IntegrationStore, RegisteredColumn, RegisteredEventType, TableVersionChange } from '../app/ports';
import { byTypeFirstSeen, type EventColumns } from '../core/event-types';
import { COLUMN_TYPES, type ColumnType } from '../core/column-mapping';
import { byFirstSeen } from '../core/column-registry';
import { EVENT_TYPE_ITEM_PREFIX, HOOKLAKE_COMMAND, TABLE_VERSION_ITEM_PREFIX } from '../core/deployment-names';
import { isConditionFailure, PK, SK, TokenTableAdapter, type Item } from './token-table-adapter';

const META = 'META';
const TOKEN = 'TOKEN';
/** Sort-key prefix of an integration's registry items: one per column. */
const COLUMN = 'COLUMN#';
/** Sort key of the item listing an integration's event types (a string set, so the bound holds under races)... */
const EVENT_TYPES = 'EVENT_TYPES';
/** ...and prefix of one item per event type, holding the set of columns its rows carried. */
const EVENT_TYPE = EVENT_TYPE_ITEM_PREFIX;

/**
 * IntegrationStore on one DynamoDB table (or dynalite locally). Per integration, a META item holds the
 * integration, an `activeTokens` counter and a `tokens` map (tokenId -> summary) for listing; per token,
 * a TOKEN item keyed by its hash is what authentication reads. There are no transactions (dynalite lacks
 * them): the two items are written one after the other with conditions, in the order that fails safe.
 */
export class DynamoIntegrationStore extends TokenTableAdapter implements IntegrationStore {
  async createIntegration(integration: Integration): Promise<void> {
    const item: Item = {
      ...integrationKey(integration.schema),
      ...integrationToItem(integration),
      activeTokens: { N: '0' },
      tokens: { M: {} },
    };
    try {
      await this.call('PutItem', `create integration "${integration.schema}"`, () =>
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new ConflictError(
        `Schema "${integration.schema}" already exists; choose another integration name (see "${HOOKLAKE_COMMAND} integrations list").`,
        { cause: error },
      );
    }
  }

  async getIntegration(schema: string): Promise<Integration | undefined> {
    const item = await this.getMeta(schema);
    return item && integrationFromItem(item);
  }

  async listIntegrations(): Promise<Integration[]> {
    // A filtered Scan: the table holds a few items per integration, so an index would cost more than it saves.
    const items = await this.allItems('Scan', 'list integrations', (startKey) =>
      this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          FilterExpression: '#sk = :meta',
          ProjectionExpression: '#name, #schema, #type, #primaryKey, #maxColumns, #tableVersion, #createdAt, #eventTypeFields',
          ExpressionAttributeNames: {
            '#sk': SK,
            '#name': 'name',
            '#schema': 'schema',
            '#type': 'type',
            '#primaryKey': 'primaryKey',
            '#maxColumns': 'maxColumns',
            '#tableVersion': 'tableVersion',
            '#createdAt': 'createdAt',
            '#eventTypeFields': 'eventTypeFields',
          },
          ExpressionAttributeValues: { ':meta': { S: META } },
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    return items.map(integrationFromItem).sort((a, b) => compareStrings(a.schema, b.schema));
  }

  async setSigning(schema: string, signing: SigningConfig | undefined): Promise<void> {
    try {
      await this.call('UpdateItem', `change signature checking of integration "${schema}"`, () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: integrationKey(schema),
            ...(signing === undefined
              ? { UpdateExpression: 'REMOVE #signing' }
              : { UpdateExpression: 'SET #signing = :signing', ExpressionAttributeValues: { ':signing': signingToAttribute(signing) } }),
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK, '#signing': 'signing' },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw unknownIntegration(schema, error);
    }
  }

  async raiseTableVersion(schema: string, change: TableVersionChange): Promise<Integration> {
    const next = change.from + 1;
    const key = change.primaryKey === undefined ? '' : change.primaryKey === null ? ' REMOVE #primaryKey' : ', #primaryKey = :primaryKey';
    let updated;
    try {
      updated = await this.call('UpdateItem', `raise the table version of integration "${schema}"`, () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: integrationKey(schema),
            UpdateExpression: `SET #version = :next${key}`,
            ConditionExpression: 'attribute_exists(#pk) AND #version = :from',
            ExpressionAttributeNames: { '#pk': PK, '#version': 'tableVersion', ...(key === '' ? {} : { '#primaryKey': 'primaryKey' }) },
            ExpressionAttributeValues: {
              ':next': { N: String(next) },
              ':from': { N: String(change.from) },
              ...(typeof change.primaryKey === 'string' ? { ':primaryKey': { S: change.primaryKey } } : {}),
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.getIntegration(schema);
      if (current === undefined) throw unknownIntegration(schema, error);
      throw new ConflictError(`The table version of "${schema}" is ${current.tableVersion}, no longer ${change.from}: someone else reset it; look again and retry.`, { cause: error });
    }
    // One item per version: a record of the reset, and what the catalog's stream filter wakes on to re-make the views.
    await this.call('PutItem', `record table version ${next} of integration "${schema}"`, () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { [PK]: { S: `INTEGRATION#${schema}` }, [SK]: { S: `${TABLE_VERSION_ITEM_PREFIX}${String(next).padStart(10, '0')}` }, version: { N: String(next) }, at: { S: change.at.toISOString() } },
        }),
      ),
    );
    return integrationFromItem(updated.Attributes ?? {});
  }

  async addToken(record: TokenRecord, maxActive: number): Promise<void> {
    // META first: a crash before the TOKEN item is written leaves a listed token that cannot
    // authenticate (harmless, revocable), never a working token that nobody can see or revoke.
    try {
      await this.call('UpdateItem', `add token ${record.tokenId} to integration "${record.schema}"`, () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: integrationKey(record.schema),
            UpdateExpression: 'SET #tokens.#id = :summary, #active = #active + :one',
            ConditionExpression: 'attribute_exists(#pk) AND #active < :max AND attribute_not_exists(#tokens.#id)',
            ExpressionAttributeNames: { '#pk': PK, '#tokens': 'tokens', '#id': record.tokenId, '#active': 'activeTokens' },
            ExpressionAttributeValues: {
              ':summary': { M: summaryToMap(record) },
              ':one': { N: '1' },
              ':max': { N: String(maxActive) },
            },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw await this.explainRefusedToken(record, maxActive, error);
    }

    try {
      await this.call('PutItem', `store token ${record.tokenId} of integration "${record.schema}"`, () =>
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: { ...tokenKey(record.tokenHash), ...tokenToItem(record) },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
          }),
        ),
      );
    } catch (error) {
      const refused = isConditionFailure(error);
      await this.undoAddToken(record, refused);
      if (!refused) throw error;
      throw new ConflictError(`A token with the same hash as ${record.tokenId} already exists; issue a new token.`, {
        cause: error,
      });
    }
  }

  async listTokens(schema: string): Promise<TokenRecord[]> {
    const item = await this.getMeta(schema);
    if (!item) throw unknownIntegration(schema);
    return tokensFromMeta(schema, item).sort(
      (a, b) => compareStrings(a.createdAt, b.createdAt) || compareStrings(a.tokenId, b.tokenId),
    );
  }

  async revokeToken(schema: string, tokenId: string, at: Date): Promise<TokenRecord> {
    const item = await this.getMeta(schema);
    if (!item) throw unknownIntegration(schema);
    const listed = tokensFromMeta(schema, item).find((token) => token.tokenId === tokenId);
    if (!listed) {
      throw new NotFoundError(
        `Integration "${schema}" has no token "${tokenId}"; see "${HOOKLAKE_COMMAND} tokens list ${schema}" for its token ids.`,
      );
    }

    // The TOKEN item first: it is what authenticates, so a crash between the steps leaves a token
    // that is listed as active but no longer works, never one listed as revoked that still works.
    const tokenItem = await this.revokeTokenItem(listed, listed.revokedAt ?? at.toISOString());
    const revokedAt = listed.revokedAt ?? tokenItem?.revokedAt?.S ?? at.toISOString();

    try {
      await this.call('UpdateItem', `mark token ${tokenId} of integration "${schema}" revoked`, () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: integrationKey(schema),
            UpdateExpression: 'SET #tokens.#id.#revokedAt = :at, #active = #active - :one',
            ConditionExpression: 'attribute_exists(#tokens.#id) AND attribute_not_exists(#tokens.#id.#revokedAt)',
            ExpressionAttributeNames: { '#tokens': 'tokens', '#id': tokenId, '#revokedAt': 'revokedAt', '#active': 'activeTokens' },
            ExpressionAttributeValues: { ':at': { S: revokedAt }, ':one': { N: '1' } },
          }),
        ),
      );
    } catch (error) {
      // Already revoked (by an earlier or concurrent call): revoking is idempotent.
      if (!isConditionFailure(error)) throw error;
    }
    return { ...listed, revokedAt };
  }

  async findTokenByHash(tokenHash: string): Promise<TokenRecord | undefined> {
    const result = await this.call('GetItem', 'look up a webhook token', () =>
      this.client.send(
        new GetItemCommand({ TableName: this.tableName, Key: tokenKey(tokenHash), ConsistentRead: true }),
      ),
    );
    const item = result.Item;
    // The key lookup is not constant-time; the final comparison is, so a near-miss reveals nothing.
    if (!item || !tokenMatches(tokenHash, readS(item, 'tokenHash'))) return undefined;
    return tokenFromItem(item);
  }

  async listColumns(schema: string): Promise<RegisteredColumn[]> {
    const items = await this.allItems('Query', `read the columns of integration "${schema}"`, (startKey) =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :column)',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: { ':pk': integrationKey(schema)[PK], ':column': { S: COLUMN } },
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    const columns = items.map(columnFromItem);
    if (columns.length === 0 && !(await this.getMeta(schema))) throw unknownIntegration(schema);
    return columns.sort(byFirstSeen);
  }

  /** One conditional put per column: the first writer of a name wins, and everyone reads the winner back. */
  async addColumns(schema: string, columns: readonly RegisteredColumn[]): Promise<RegisteredColumn[]> {
    if (!(await this.getMeta(schema))) throw unknownIntegration(schema);
    await Promise.all(
      columns.map(async (column) => {
        try {
          await this.call('PutItem', `register column "${column.name}" of integration "${schema}"`, () =>
            this.client.send(
              new PutItemCommand({
                TableName: this.tableName,
                Item: { ...columnKey(schema, column.name), ...columnToItem(column) },
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': PK },
              }),
            ),
          );
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }),
    );
    return this.listColumns(schema);
  }

  async listEventTypes(schema: string): Promise<EventTypeRegistry> {
    const types: RegisteredEventType[] = [];
    let firstRefusedAt: string | undefined;
    const items = await this.allItems('Query', `read the event types of integration "${schema}"`, (startKey) =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          // EVENT_TYPES and every EVENT#<type> item.
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :events)',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: { ':pk': integrationKey(schema)[PK], ':events': { S: 'EVENT' } },
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    for (const item of items) {
      if (item[SK]?.S === EVENT_TYPES) firstRefusedAt = item.firstRefusedAt?.S;
      else if (item[SK]?.S?.startsWith(EVENT_TYPE)) types.push({ eventType: readS(item, 'eventType'), firstSeenAt: readS(item, 'firstSeenAt'), columns: [...(item.columns?.SS ?? [])].sort() });
    }
    if (types.length === 0 && !(await this.getMeta(schema))) throw unknownIntegration(schema);
    return { types: types.sort(byTypeFirstSeen), ...(firstRefusedAt === undefined ? {} : { firstRefusedAt }) };
  }

  /**
   * A new type is first added to the EVENT_TYPES set, on condition that the set has room (or has it
   * already): the bound holds under concurrent writers. Then its item gains the columns (ADD to a string set).
   */
  async addEventColumns(schema: string, additions: readonly EventColumns[], at: Date, maxTypes: number): Promise<EventTypeRegistry> {
    if (!(await this.getMeta(schema))) throw unknownIntegration(schema);
    const key = (sk: string): Item => ({ [PK]: integrationKey(schema)[PK], [SK]: { S: sk } });
    const seenAt = { S: at.toISOString() };
    const index = await this.call('GetItem', `read the event types of integration "${schema}"`, () =>
      this.client.send(new GetItemCommand({ TableName: this.tableName, Key: key(EVENT_TYPES), ConsistentRead: true })),
    );
    const known = new Set(index.Item?.names?.SS ?? []);
    let refused = false;
    for (const { eventType, columns } of additions) {
      if (!known.has(eventType)) {
        // The set only grows: once a type is turned away, so would every later new one be.
        if (refused || !(await this.admitEventType(schema, key(EVENT_TYPES), eventType, maxTypes, seenAt))) {
          refused = true;
          continue;
        }
      }
      if (columns.length === 0) continue;
      await this.call('UpdateItem', `register columns of event type "${eventType}" of integration "${schema}"`, () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: key(`${EVENT_TYPE}${eventType}`),
            UpdateExpression: 'SET #type = :type, #first = if_not_exists(#first, :at) ADD #columns :columns',
            ExpressionAttributeNames: { '#type': 'eventType', '#first': 'firstSeenAt', '#columns': 'columns' },
            ExpressionAttributeValues: { ':type': { S: eventType }, ':at': seenAt, ':columns': { SS: [...columns] } },
          }),
        ),
      );
    }
    return this.listEventTypes(schema);
  }

  /** Adds the type to the EVENT_TYPES set if the set has room; when not, notes that and answers false. */
  private async admitEventType(schema: string, index: Item, eventType: string, maxTypes: number, at: AttributeValue): Promise<boolean> {
    try {
      await this.call('UpdateItem', `register event type "${eventType}" of integration "${schema}"`, () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: index,
            UpdateExpression: 'ADD #names :name',
            ConditionExpression: 'attribute_not_exists(#names) OR contains(#names, :type) OR size(#names) < :max',
            ExpressionAttributeNames: { '#names': 'names' },
            ExpressionAttributeValues: { ':name': { SS: [eventType] }, ':type': { S: eventType }, ':max': { N: String(maxTypes) } },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    await this.call('UpdateItem', `note the event-type bound of integration "${schema}"`, () =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: index,
          UpdateExpression: 'SET #refused = if_not_exists(#refused, :at)',
          ExpressionAttributeNames: { '#refused': 'firstRefusedAt' },
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
    return false;
  }

  private async getMeta(schema: string): Promise<Item | undefined> {
    const result = await this.call('GetItem', `read integration "${schema}"`, () =>
      this.client.send(
        new GetItemCommand({ TableName: this.tableName, Key: integrationKey(schema), ConsistentRead: true }),
      ),
    );
    return result.Item;
  }

  /** Tells apart why the META update was refused: no such schema, a duplicate id, or the token limit. */
  private async explainRefusedToken(record: TokenRecord, maxActive: number, cause: unknown): Promise<Error> {
    const item = await this.getMeta(record.schema);
    if (!item) return unknownIntegration(record.schema, cause);
    if (item.tokens?.M?.[record.tokenId] !== undefined) {
      return new ConflictError(`Token ${record.tokenId} is already registered for integration "${record.schema}".`, {
        cause,
      });
    }
    return new TokenLimitError(
      `Integration "${record.schema}" already has ${maxActive} active tokens, the most allowed; ` +
        `revoke one with "${HOOKLAKE_COMMAND} tokens revoke ${record.schema} <token-id>" (ids from "${HOOKLAKE_COMMAND} tokens list ${record.schema}").`,
      { cause },
    );
  }

  /**
   * Undoes the META step of addToken. A put that failed without being refused may still have landed
   * (e.g. a timeout after the write), so the TOKEN item is deleted first; if even that fails, the token
   * stays listed, where it can be seen and revoked. Best effort: the caller rethrows the original error.
   */
  private async undoAddToken(record: TokenRecord, putRefused: boolean): Promise<void> {
    if (!putRefused) {
      try {
        await this.client.send(
          new DeleteItemCommand({
            TableName: this.tableName,
            Key: tokenKey(record.tokenHash),
            ConditionExpression: '#tokenId = :id AND #schema = :schema',
            ExpressionAttributeNames: { '#tokenId': 'tokenId', '#schema': 'schema' },
            ExpressionAttributeValues: { ':id': { S: record.tokenId }, ':schema': { S: record.schema } },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) return; // Condition failure: the put never landed.
      }
    }
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: integrationKey(record.schema),
          UpdateExpression: 'REMOVE #tokens.#id SET #active = #active - :one',
          ConditionExpression: 'attribute_exists(#tokens.#id) AND attribute_not_exists(#tokens.#id.#revokedAt)',
          ExpressionAttributeNames: { '#tokens': 'tokens', '#id': record.tokenId, '#revokedAt': 'revokedAt', '#active': 'activeTokens' },
          ExpressionAttributeValues: { ':one': { N: '1' } },
        }),
      );
    } catch {
      // Left listed but unable to authenticate: harmless, and `tokens revoke` frees the slot.
    }
  }

  private async revokeTokenItem(token: TokenRecord, at: string): Promise<Item | undefined> {
    try {
      const result = await this.call('UpdateItem', `revoke token ${token.tokenId} of integration "${token.schema}"`, () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: tokenKey(token.tokenHash),
            UpdateExpression: 'SET #revokedAt = if_not_exists(#revokedAt, :at)',
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK, '#revokedAt': 'revokedAt' },
            ExpressionAttributeValues: { ':at': { S: at } },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return result.Attributes;
    } catch (error) {
      // No TOKEN item (addToken stopped half-way): nothing can authenticate, so only META needs the mark.
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}

function integrationKey(schema: string): Item {
  return { [PK]: { S: `INTEGRATION#${schema}` }, [SK]: { S: META } };
}

function columnKey(schema: string, name: string): Item {
  return { [PK]: { S: `INTEGRATION#${schema}` }, [SK]: { S: `${COLUMN}${name}` } };
}

function columnToItem(column: RegisteredColumn): Item {
  return { name: { S: column.name }, type: { S: column.type }, firstSeenAt: { S: column.firstSeenAt } };
}

function columnFromItem(item: Item): RegisteredColumn {
  const type = readS(item, 'type');
  if (!(COLUMN_TYPES as readonly string[]).includes(type)) throw unreadableItem('column type', 'type');
  return { name: readS(item, 'name'), type: type as ColumnType, firstSeenAt: readS(item, 'firstSeenAt') };
}

function tokenKey(tokenHash: string): Item {
  return { [PK]: { S: `TOKEN#${tokenHash}` }, [SK]: { S: TOKEN } };
}

function integrationToItem(integration: Integration): Item {
  return {
    name: { S: integration.name },
    schema: { S: integration.schema },
    type: { S: integration.type },
    tableVersion: { N: String(integration.tableVersion) },
    createdAt: { S: integration.createdAt },
    ...(integration.primaryKey === undefined ? {} : { primaryKey: { S: integration.primaryKey } }),
    ...(integration.maxColumns === undefined ? {} : { maxColumns: { N: String(integration.maxColumns) } }),
    ...(integration.eventTypeFields === undefined ? {} : { eventTypeFields: { L: integration.eventTypeFields.map((field) => ({ S: field })) } }),
    ...(integration.signing === undefined ? {} : { signing: signingToAttribute(integration.signing) }),
  };
}

/** The scheme as JSON text (read back whole, never queried), the keys as a list in order. */
function signingToAttribute(signing: SigningConfig): AttributeValue {
  return {
    M: {
      scheme: { S: JSON.stringify(signing.scheme) },
      keys: { L: signing.keys.map((key) => ({ M: { secret: { S: key.secret.reveal() }, addedAt: { S: key.addedAt } } })) },
    },
  };
}

function signingFromAttribute(value: AttributeValue): SigningConfig {
  const map = value.M ?? {};
  let scheme: SignatureScheme;
  try {
    scheme = JSON.parse(readS(map, 'scheme')) as SignatureScheme;
  } catch (error) {
    if (error instanceof IntegrationStoreUnavailableError) throw error;
    throw unreadableItem('JSON string', 'signing.scheme');
  }
  const keys = (map.keys?.L ?? []).map((entry) => ({ secret: new SigningSecret(readS(entry.M ?? {}, 'secret')), addedAt: readS(entry.M ?? {}, 'addedAt') }));
  return { scheme, keys };
}

function integrationFromItem(item: Item): Integration {
  const primaryKey = item.primaryKey?.S;
  const maxColumns = item.maxColumns?.N;
  return {
    name: readS(item, 'name'),
    schema: readS(item, 'schema'),
    type: readS(item, 'type') as IntegrationType,
    tableVersion: Number(readN(item, 'tableVersion')),
    createdAt: readS(item, 'createdAt'),
    ...(primaryKey === undefined ? {} : { primaryKey }),
    ...(maxColumns === undefined ? {} : { maxColumns: Number(maxColumns) }),
    ...(item.eventTypeFields?.L === undefined ? {} : { eventTypeFields: item.eventTypeFields.L.map((field) => field.S ?? '') }),
    ...(item.signing === undefined ? {} : { signing: signingFromAttribute(item.signing) }),
  };
}

/** What META keeps per token: enough to list it and to find its TOKEN item. */
function summaryToMap(record: TokenRecord): Item {
  return {
    tokenHash: { S: record.tokenHash },
    createdAt: { S: record.createdAt },
    ...(record.revokedAt === undefined ? {} : { revokedAt: { S: record.revokedAt } }),
  };
}

function tokensFromMeta(schema: string, meta: Item): TokenRecord[] {
  return Object.entries(meta.tokens?.M ?? {}).map(([tokenId, value]) => {
    const summary = value.M ?? {};
    const revokedAt = summary.revokedAt?.S;
    return {
      tokenId,
      tokenHash: readS(summary, 'tokenHash'),
      schema,
      createdAt: readS(summary, 'createdAt'),
      ...(revokedAt === undefined ? {} : { revokedAt }),
    };
  });
}

function tokenToItem(record: TokenRecord): Item {
  return {
    tokenId: { S: record.tokenId },
    tokenHash: { S: record.tokenHash },
    schema: { S: record.schema },
    createdAt: { S: record.createdAt },
    ...(record.revokedAt === undefined ? {} : { revokedAt: { S: record.revokedAt } }),
  };
}

function tokenFromItem(item: Item): TokenRecord {
  const revokedAt = item.revokedAt?.S;
  return {
    tokenId: readS(item, 'tokenId'),
    tokenHash: readS(item, 'tokenHash'),
    schema: readS(item, 'schema'),
    createdAt: readS(item, 'createdAt'),
    ...(revokedAt === undefined ? {} : { revokedAt }),
  };
}

function readS(item: Item, name: string): string {
  const value = item[name]?.S;
  if (value === undefined) throw unreadableItem('string', name);
  return value;
}

function readN(item: Item, name: string): string {
  const value = item[name]?.N;
  if (value === undefined) throw unreadableItem('number', name);
  return value;
}

function unreadableItem(kind: string, name: string): IntegrationStoreUnavailableError {
  return new IntegrationStoreUnavailableError(
    `A stored item has no ${kind} attribute "${name}"; the token table holds data this version cannot read.`,
  );
}





function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
