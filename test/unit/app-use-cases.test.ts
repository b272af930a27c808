import { randomBytes } from 'node:crypto';
import { CatalogSync } from '../../lambdas/app/catalog-sync';
import { createIntegration, summarizeIntegrations, syncCatalogs } from '../../lambdas/app/integrations';
import type { IntegrationStore, MergedColumns, QueryEngine, QueryResult, RegisteredEventType, TableCatalog } from '../../lambdas/app/ports';
import type { ColumnType } from '../../lambdas/core/column-mapping';
import { runQuery } from '../../lambdas/app/queries';
import { issueWebhookToken, listWebhookTokens, requireIntegration, revokeWebhookToken } from '../../lambdas/app/tokens';
import type { CatalogColumn } from '../../lambdas/core/column-types';
import { NotFoundError, TokenLimitError, ValidationError } from '../../lambdas/core/errors';
import type { Integration } from '../../lambdas/core/integration';
import { keyColumnOf } from '../../lambdas/core/lake-layout';
import { hashToken, isActive } from '../../lambdas/core/tokens';
import { MemoryStore } from '../support/memory-store';

const at = new Date('2026-11-24T08:00:00.000Z');

/** A table catalog that keeps its tables in memory, as Glue would; `failWith` makes every call fail. */
class MemoryCatalog implements TableCatalog {
  readonly tables = new Map<string, CatalogColumn[]>();
  failWith?: Error;
  async ensureIntegration(integration: Integration): Promise<void> {
    if (this.failWith) throw this.failWith;
    for (const table of ['data', '_sdc_rejected']) {
      const key = `${integration.schema}.${table}`;
      if (!this.tables.has(key)) this.tables.set(key, [{ name: '_sdc_sequence', type: 'bigint' }, { name: keyColumnOf(integration), type: 'string' }]);
    }
  }
  async columns(schema: string, table: string): Promise<CatalogColumn[]> {
    return this.tables.get(`${schema}.${table}`) ?? [];
  }
  async mergeColumns(schema: string, table: string, observed: readonly CatalogColumn[]): Promise<MergedColumns> {
    const current = this.tables.get(`${schema}.${table}`);
    if (current === undefined) throw new NotFoundError(`no table ${schema}.${table}`);
    const added = observed.filter((column) => !current.some((known) => known.name === column.name));
    const columns = [...current, ...added];
    this.tables.set(`${schema}.${table}`, columns);
    return { changed: added.length > 0, columns, added: added.map((column) => column.name) };
  }
  async hasTable(schema: string, name: string): Promise<boolean> {
    return this.tables.has(`${schema}.${name}`);
  }
  async tableColumns(schema: string): Promise<ReadonlyMap<string, readonly string[]>> {
    const prefix = `${schema}.`;
    return new Map([...this.tables].filter(([key]) => key.startsWith(prefix)).map(([key, columns]) => [key.slice(prefix.length), columns.map((column) => column.name)]));
  }
}

class RecordingEngine implements QueryEngine {
  readonly statements: string[] = [];
  async query(sql: string): Promise<QueryResult> {
    this.statements.push(sql);
    return { columns: ['n'], rows: [{ n: 1 }] };
  }
}

function setUp(registered: { name: string; type: ColumnType }[] = [], eventTypes: RegisteredEventType[] = []) {
  const store = new MemoryStore();
  const tables = new MemoryCatalog();
  const engine = new RecordingEngine();
  const registry: Pick<IntegrationStore, 'listColumns' | 'listEventTypes'> = {
    listColumns: async () => registered.map((column) => ({ ...column, firstSeenAt: at.toISOString() })),
    listEventTypes: async () => ({ types: eventTypes }),
  };
  const catalogSync = new CatalogSync(tables, registry, engine);
  const services = { store, clock: () => at, randomBytes };
  return { store, tables, engine, catalogSync, services };
}

describe('create integration', () => {
  it('stores the integration with a first token that authenticates', async () => {
    const { store, services } = setUp();
    const created = await createIntegration(services, { name: 'Stitch Customer.io', primaryKey: 'event_id' });
    expect(created.integration).toMatchObject({ schema: 'stitch_customerio', primaryKey: 'event_id', createdAt: at.toISOString() });
    expect(await store.getIntegration('stitch_customerio')).toEqual(created.integration);
    expect(await store.findTokenByHash(hashToken(created.issued.token))).toMatchObject({ schema: 'stitch_customerio' });
    expect(created.tablesError).toBeUndefined();
  });

  it('makes the catalog tables and the latest view where there is a catalog', async () => {
    const { tables, engine, catalogSync, services } = setUp();
    expect((await createIntegration({ ...services, catalogSync }, { name: 'Stitch Iterable' })).tablesError).toBeUndefined();
    expect(await tables.hasTable('stitch_iterable', 'data')).toBe(true);
    expect(engine.statements).toEqual([expect.stringContaining('CREATE OR REPLACE VIEW "stitch_iterable"."data_latest"')]);
  });

  it('keeps the integration and its token when the tables cannot be made, and says why', async () => {
    const { store, tables, catalogSync, services } = setUp();
    tables.failWith = new Error('glue is down');
    const created = await createIntegration({ ...services, catalogSync }, { name: 'Stitch Iterable' });
    expect((created.tablesError as Error).message).toBe('glue is down');
    expect(await store.findTokenByHash(hashToken(created.issued.token))).toBeDefined();
  });

  it('summarizes integrations with their active tokens', async () => {
    const { services } = setUp();
    const created = await createIntegration(services, { name: 'A' });
    await issueWebhookToken(services, 'a');
    await revokeWebhookToken(services.store, 'a', created.issued.record.tokenId, at);
    expect(await summarizeIntegrations(services.store)).toEqual([
      { schema: 'a', name: 'A', type: 'webhooks', primaryKey: null, activeTokens: 1, createdAt: at.toISOString() },
    ]);
  });
});

describe('tokens', () => {
  it('issues up to the limit of active tokens, and another once one is revoked', async () => {
    const { services } = setUp();
    const { issued } = await createIntegration(services, { name: 'A' });
    await issueWebhookToken(services, 'a');
    await expect(issueWebhookToken(services, 'a')).rejects.toBeInstanceOf(TokenLimitError);
    await revokeWebhookToken(services.store, 'a', issued.record.tokenId, at);
    await issueWebhookToken(services, 'a');
    expect((await listWebhookTokens(services.store, 'a')).filter(isActive)).toHaveLength(2);
  });

  it('answers an unknown schema the same way for every token command', async () => {
    const { services } = setUp();
    const unknown = /No integration with schema "nope"; see "npx hooklake integrations list"/;
    await expect(issueWebhookToken(services, 'nope')).rejects.toThrow(unknown);
    await expect(listWebhookTokens(services.store, 'nope')).rejects.toThrow(unknown);
    await expect(revokeWebhookToken(services.store, 'nope', 'tok_x', at)).rejects.toThrow(unknown);
    await expect(requireIntegration(services.store, 'nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a schema that cannot be one before asking the store', async () => {
    const { services } = setUp();
    await expect(requireIntegration(services.store, 'Not A Schema!')).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('catalog sync and queries', () => {
  it('syncs only where there is a catalog', async () => {
    const { services } = setUp();
    await createIntegration(services, { name: 'A' });
    expect(await syncCatalogs(services, [])).toBeUndefined();
  });

  it('adds the registered columns with their Hive types and re-makes the latest view with them', async () => {
    const { tables, engine, catalogSync, services } = setUp([{ name: 'email', type: 'string' }]);
    await createIntegration({ ...services, catalogSync }, { name: 'A' });
    expect(await syncCatalogs({ ...services, catalogSync }, ['a'])).toEqual([{ schema: 'a', added: ['email'], views: [] }]);
    expect((await tables.columns('a', 'data')).map((column) => column.name)).toEqual(['_sdc_sequence', '__sdc_primary_key', 'email']);
    expect(engine.statements.at(-1)).toContain('SELECT "_sdc_sequence", "__sdc_primary_key", "email", "dt" FROM');
  });

  it('names every unknown schema in one error', async () => {
    const { catalogSync, services } = setUp();
    await expect(syncCatalogs({ ...services, catalogSync }, ['x', 'y'])).rejects.toThrow(/schema "x", "y"/);
  });

  it('brings only the tables a query names up to date, and says which columns are new', async () => {
    const { tables, engine, catalogSync, services } = setUp([{ name: 'email', type: 'string' }]);
    await createIntegration({ ...services, catalogSync }, { name: 'A' });
    await createIntegration({ ...services, catalogSync }, { name: 'B' });
    const told: string[] = [];
    const result = await runQuery(
      { store: services.store, engine, catalogSync, onNewColumns: (schema, added) => told.push(`${schema}: ${added.join(',')}`) },
      'SELECT count(*) FROM b.data',
    );
    expect(result.rows).toEqual([{ n: 1 }]);
    expect(told).toEqual(['b: email']);
    expect((await tables.columns('a', 'data')).map((column) => column.name)).toEqual(['_sdc_sequence', '__sdc_primary_key']);
    expect(engine.statements.at(-1)).toBe('SELECT count(*) FROM b.data');
  });

  it('makes the per-event views before a query, and leaves those whose columns are current', async () => {
    const seenAt = at.toISOString();
    const { tables, engine, catalogSync, services } = setUp(
      [{ name: 'event', type: 'string' }, { name: 'sg_event_id', type: 'string' }, { name: 'reason', type: 'string' }],
      [{ eventType: 'bounce', columns: ['event', 'reason', 'sg_event_id'], firstSeenAt: seenAt }, { eventType: 'open', columns: ['event', 'sg_event_id'], firstSeenAt: seenAt }],
    );
    await createIntegration({ ...services, catalogSync }, { name: 'SG', type: 'sendgrid' });
    const openColumns = ['event', 'sg_event_id', '_sdc_received_at', '_sdc_batched_at', '_sdc_sequence', '_sdc_table_version', '_sdc_event_type', 'dt'];
    for (const view of ['open', 'open_latest']) tables.tables.set(`sg.${view}`, openColumns.map((name) => ({ name, type: 'string' })));
    engine.statements.length = 0;
    await runQuery({ store: services.store, engine, catalogSync }, 'SELECT count(*) FROM sg.bounce');
    // data gained its columns first, so data_latest was re-made before them.
    expect(engine.statements.slice(1)).toEqual([
      expect.stringMatching(/^CREATE OR REPLACE VIEW "sg"."bounce" AS SELECT "event", "sg_event_id", "reason", /),
      expect.stringMatching(/^CREATE OR REPLACE VIEW "sg"."bounce_latest" AS /),
      'SELECT count(*) FROM sg.bounce',
    ]);
  });

  it('re-makes missing tables before a query instead of failing it', async () => {
    const { tables, engine, catalogSync, services } = setUp();
    await createIntegration(services, { name: 'A' });
    await runQuery({ store: services.store, engine, catalogSync }, 'SELECT * FROM a.data');
    expect(await tables.hasTable('a', 'data')).toBe(true);
  });
});
