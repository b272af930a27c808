/**
 * What every IntegrationStore must do, whatever it runs on. Run it with a factory that makes an
 * empty store per test; messages may differ between stores, error classes, order and semantics may not.
 */
import { randomBytes } from 'node:crypto';
import type { IntegrationStore, RegisteredColumn } from '../../lambdas/app/ports';
import { ConflictError, NotFoundError, TokenLimitError } from '../../lambdas/core/errors';
import { newIntegration, type Integration } from '../../lambdas/core/integration';
import { hmacScheme, SigningSecret } from '../../lambdas/core/signing';
import { hashToken, issueToken, type IssuedToken, type TokenRecord } from '../../lambdas/core/tokens';

export interface IntegrationStoreUnderTest {
  readonly store: IntegrationStore;
  close(): Promise<void>;
}

const t0 = new Date('2026-11-23T10:00:00.000Z');
const at = (minutes: number): Date => new Date(t0.getTime() + minutes * 60_000);
const LIMIT = 2;

export function describeIntegrationStoreContract(name: string, makeStore: () => Promise<IntegrationStoreUnderTest>): void {
  describe(`IntegrationStore contract: ${name}`, () => {
    let underTest: IntegrationStoreUnderTest | undefined;
    let store: IntegrationStore;

    beforeEach(async () => {
      underTest = await makeStore();
      store = underTest.store;
    });

    afterEach(async () => {
      await underTest?.close();
      underTest = undefined;
    });

    async function create(displayName: string, options: { primaryKey?: string; type?: string; maxColumns?: number } = {}): Promise<Integration> {
      const integration = newIntegration({ name: displayName, ...options }, t0);
      await store.createIntegration(integration);
      return integration;
    }

    async function addToken(schema: string, minutes: number, maxActive = LIMIT): Promise<IssuedToken> {
      const issued = issueToken(schema, randomBytes, at(minutes));
      await store.addToken(issued.record, maxActive);
      return issued;
    }

    describe('integrations', () => {
      it('reads back a created integration from getIntegration and listIntegrations', async () => {
        const integration = await create('Stitch Iterable', { primaryKey: 'email', type: 'iterable' });
        expect(await store.getIntegration('stitch_iterable')).toStrictEqual(integration);
        expect(await store.listIntegrations()).toStrictEqual([integration]);
      });

      it('returns undefined for an unknown schema, and lists nothing when empty', async () => {
        expect(await store.getIntegration('no_such_schema')).toBeUndefined();
        expect(await store.listIntegrations()).toEqual([]);
        await create('Some Hooks');
        expect(await store.getIntegration('no_such_schema')).toBeUndefined();
      });

      it('round-trips the optional primary key and column limit exactly: absent stays absent, present stays as given', async () => {
        const plain = await create('Plain Hooks');
        const keyed = await create('Keyed Hooks', { primaryKey: 'Event_ID', maxColumns: 250 });
        const bumped: Integration = { ...newIntegration({ name: 'Reset Hooks', type: 'customerio' }, at(3)), tableVersion: 4 };
        await store.createIntegration(bumped);

        const readPlain = await store.getIntegration('plain_hooks');
        expect(readPlain).toStrictEqual(plain);
        expect(readPlain).not.toHaveProperty('primaryKey');
        expect(readPlain).not.toHaveProperty('maxColumns');
        expect(await store.getIntegration('keyed_hooks')).toStrictEqual(keyed);
        expect(await store.getIntegration('reset_hooks')).toStrictEqual(bumped);
        const listed = await store.listIntegrations();
        expect(listed).toStrictEqual([keyed, plain, bumped]);
        expect(listed[1]).not.toHaveProperty('primaryKey');
      });

      it('raises the table version once per reset, changes the primary key when asked, and refuses a stale version', async () => {
        await create('Versioned Hooks', { primaryKey: 'id' });
        const raised = await store.raiseTableVersion('versioned_hooks', { from: 0, at: at(4) });
        expect(raised).toMatchObject({ tableVersion: 1, primaryKey: 'id' });
        await expect(store.raiseTableVersion('versioned_hooks', { from: 0, at: at(5) })).rejects.toBeInstanceOf(ConflictError);
        const rekeyed = await store.raiseTableVersion('versioned_hooks', { from: 1, at: at(5), primaryKey: 'event_id' });
        expect(rekeyed).toMatchObject({ tableVersion: 2, primaryKey: 'event_id' });
        const keyless = await store.raiseTableVersion('versioned_hooks', { from: 2, at: at(6), primaryKey: null });
        expect(keyless.tableVersion).toBe(3);
        expect(keyless).not.toHaveProperty('primaryKey');
        expect(await store.getIntegration('versioned_hooks')).toStrictEqual(keyless);
        await expect(store.raiseTableVersion('no_such_schema', { from: 0, at: at(6) })).rejects.toBeInstanceOf(NotFoundError);
      });

      it('refuses a taken schema with ConflictError and keeps the first integration', async () => {
        const first = await create('Taken Name', { primaryKey: 'id' });
        const second = newIntegration({ name: 'taken  NAME', type: 'sendgrid' }, at(5));
        expect(second.schema).toBe(first.schema);
        await expect(store.createIntegration(second)).rejects.toBeInstanceOf(ConflictError);
        expect(await store.getIntegration('taken_name')).toStrictEqual(first);
        expect(await store.listIntegrations()).toStrictEqual([first]);
      });

      it('lets exactly one of concurrent creates of the same schema win', async () => {
        const attempts = ['Race Hooks', 'race hooks', 'RACE HOOKS', 'Race  Hooks'].map((displayName, i) =>
          newIntegration({ name: displayName }, at(i)),
        );
        const results = await Promise.allSettled(attempts.map((integration) => store.createIntegration(integration)));
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        for (const result of results) {
          if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ConflictError);
        }
        const winner = attempts[results.findIndex((result) => result.status === 'fulfilled')];
        expect(await store.getIntegration('race_hooks')).toStrictEqual(winner);
      });

      it('lists integrations sorted by schema (code-unit order), once each, whatever the creation order and tokens', async () => {
        const zeta = await create('Zeta Hooks');
        const alpha = await create('Alpha Hooks');
        const mid = await create('Mid Hooks', { primaryKey: 'id' });
        const alpha2 = await create('Alpha2 Hooks');
        await addToken('alpha_hooks', 1);
        await addToken('zeta_hooks', 2);
        // "2" sorts before "_" by code unit, whatever a locale's collation says.
        expect(await store.listIntegrations()).toStrictEqual([alpha2, alpha, mid, zeta]);
      });
    });

    describe('setSigning', () => {
      const scheme = hmacScheme({ signatureHeader: 'X-Hub-Signature-256', prefix: 'sha256=' });
      const keys = [
        { secret: new SigningSecret('first-secret'), addedAt: at(1).toISOString() },
        { secret: new SigningSecret('second "secret" \u00e9'), addedAt: at(2).toISOString() },
      ];
      const shown = (integration: Integration | undefined) =>
        integration?.signing && { scheme: integration.signing.scheme, keys: integration.signing.keys.map((key) => [key.secret.reveal(), key.addedAt]) };

      it('stores the scheme and every key in order for getIntegration; listIntegrations leaves signing out', async () => {
        const integration = await create('Signed Hooks');
        await store.setSigning('signed_hooks', { scheme, keys });
        const read = await store.getIntegration('signed_hooks');
        expect(shown(read)).toStrictEqual({ scheme, keys: [['first-secret', at(1).toISOString()], ['second "secret" \u00e9', at(2).toISOString()]] });
        expect({ ...read, signing: undefined }).toStrictEqual({ ...integration, signing: undefined });
        expect(await store.listIntegrations()).toStrictEqual([integration]);
      });

      it('replaces the keys on a second call, and turns checking off with undefined', async () => {
        await create('Signed Hooks');
        await store.setSigning('signed_hooks', { scheme, keys });
        await store.setSigning('signed_hooks', { scheme, keys: keys.slice(1) });
        expect(shown(await store.getIntegration('signed_hooks'))?.keys).toStrictEqual([['second "secret" \u00e9', at(2).toISOString()]]);
        await store.setSigning('signed_hooks', undefined);
        expect(await store.getIntegration('signed_hooks')).not.toHaveProperty('signing');
      });

      it('throws NotFoundError for an unknown schema and creates nothing', async () => {
        await expect(store.setSigning('no_such_schema', { scheme, keys })).rejects.toThrow(NotFoundError);
        expect(await store.getIntegration('no_such_schema')).toBeUndefined();
        expect(await store.listIntegrations()).toEqual([]);
      });
    });

    describe('addToken', () => {
      it('makes a token findable by its hash at once, and listed', async () => {
        await create('Find Hooks');
        const { token, record } = await addToken('find_hooks', 0);
        expect(await store.findTokenByHash(hashToken(token))).toStrictEqual(record);
        expect(await store.listTokens('find_hooks')).toStrictEqual([record]);
        const found = await store.findTokenByHash(record.tokenHash);
        expect(found).not.toHaveProperty('revokedAt');
      });

      it(`allows maxActive active tokens, then throws TokenLimitError and stores nothing`, async () => {
        await create('Limit Hooks');
        const first = await addToken('limit_hooks', 1);
        const second = await addToken('limit_hooks', 2);
        const third = issueToken('limit_hooks', randomBytes, at(3));
        await expect(store.addToken(third.record, LIMIT)).rejects.toBeInstanceOf(TokenLimitError);
        expect(await store.listTokens('limit_hooks')).toStrictEqual([first.record, second.record]);
        expect(await store.findTokenByHash(third.record.tokenHash)).toBeUndefined();
      });

      it('takes the limit from maxActive, per integration', async () => {
        await create('One Hooks');
        await create('Other Hooks');
        await addToken('one_hooks', 1, 1);
        await expect(addToken('one_hooks', 2, 1)).rejects.toBeInstanceOf(TokenLimitError);
        await addToken('other_hooks', 1, 1);
        await addToken('one_hooks', 3, 2);
        await expect(addToken('one_hooks', 4, 0)).rejects.toBeInstanceOf(TokenLimitError);
        expect(await store.listTokens('one_hooks')).toHaveLength(2);
        expect(await store.listTokens('other_hooks')).toHaveLength(1);
      });

      it('keeps the limit when tokens are added concurrently', async () => {
        await create('Busy Hooks');
        const issued = Array.from({ length: 6 }, (_, i) => issueToken('busy_hooks', randomBytes, at(i)));
        const results = await Promise.allSettled(issued.map(({ record }) => store.addToken(record, LIMIT)));
        const added = issued.filter((_, i) => results[i].status === 'fulfilled').map(({ record }) => record);
        expect(added).toHaveLength(LIMIT);
        for (const result of results) {
          if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(TokenLimitError);
        }
        expect(await store.listTokens('busy_hooks')).toStrictEqual(added);
        for (const { record } of issued) {
          expect(await store.findTokenByHash(record.tokenHash)).toStrictEqual(added.includes(record) ? record : undefined);
        }
      });

      it('throws NotFoundError for an unknown schema and stores nothing', async () => {
        await create('Known Hooks');
        const record = issueToken('ghost_schema', randomBytes, t0).record;
        await expect(store.addToken(record, LIMIT)).rejects.toBeInstanceOf(NotFoundError);
        expect(await store.findTokenByHash(record.tokenHash)).toBeUndefined();
        expect(await store.listTokens('known_hooks')).toEqual([]);
      });

      it('throws ConflictError for a token id the integration already has, active or revoked', async () => {
        await create('Twin Hooks');
        const { record } = await addToken('twin_hooks', 1);
        await expect(store.addToken(record, LIMIT)).rejects.toBeInstanceOf(ConflictError);
        // The same id under another hash is still the same id.
        const sameId: TokenRecord = { ...issueToken('twin_hooks', randomBytes, at(2)).record, tokenId: record.tokenId };
        await expect(store.addToken(sameId, LIMIT)).rejects.toBeInstanceOf(ConflictError);
        expect(await store.findTokenByHash(sameId.tokenHash)).toBeUndefined();
        expect(await store.listTokens('twin_hooks')).toStrictEqual([record]);

        // A revoked token cannot be brought back by adding it again.
        const revoked = await store.revokeToken('twin_hooks', record.tokenId, at(3));
        await expect(store.addToken(record, LIMIT)).rejects.toBeInstanceOf(ConflictError);
        expect(await store.findTokenByHash(record.tokenHash)).toStrictEqual(revoked);
        expect(await store.listTokens('twin_hooks')).toStrictEqual([revoked]);
      });

      it('says ConflictError, not TokenLimitError, for a token already there when the integration is full', async () => {
        await create('Full Hooks');
        const { record } = await addToken('full_hooks', 1);
        await addToken('full_hooks', 2);
        await expect(store.addToken(record, LIMIT)).rejects.toBeInstanceOf(ConflictError);
      });

      it('throws ConflictError for a token hash that another integration already has, and keeps that token', async () => {
        await create('First Hooks');
        await create('Second Hooks');
        const { record } = await addToken('first_hooks', 1);
        const copy: TokenRecord = { ...record, schema: 'second_hooks' };
        await expect(store.addToken(copy, LIMIT)).rejects.toBeInstanceOf(ConflictError);
        expect(await store.findTokenByHash(record.tokenHash)).toStrictEqual(record);
        expect(await store.listTokens('second_hooks')).toEqual([]);
        // The refused add took no slot.
        await addToken('second_hooks', 2);
        await addToken('second_hooks', 3);
      });
    });

    describe('listTokens', () => {
      it('lists every token of the integration oldest first, revoked ones included', async () => {
        await create('Order Hooks');
        await create('Noise Hooks');
        const later = await addToken('order_hooks', 9);
        const earliest = await addToken('order_hooks', 1);
        await addToken('noise_hooks', 5);
        const revoked = await store.revokeToken('order_hooks', later.record.tokenId, at(10));
        const middle = await addToken('order_hooks', 4);
        expect(await store.listTokens('order_hooks')).toStrictEqual([earliest.record, middle.record, revoked]);
      });

      it('orders tokens created at the same instant by token id', async () => {
        await create('Tie Hooks');
        const records = [await addToken('tie_hooks', 1), await addToken('tie_hooks', 1)].map(({ record }) => record);
        const byId = [...records].sort((a, b) => (a.tokenId < b.tokenId ? -1 : 1));
        expect(await store.listTokens('tie_hooks')).toStrictEqual(byId);
      });

      it('lists no tokens for an integration without any, and omits revokedAt on active ones', async () => {
        await create('Empty Hooks');
        expect(await store.listTokens('empty_hooks')).toEqual([]);
        await addToken('empty_hooks', 1);
        expect((await store.listTokens('empty_hooks'))[0]).not.toHaveProperty('revokedAt');
      });

      it('throws NotFoundError for an unknown schema', async () => {
        await expect(store.listTokens('ghost_schema')).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    describe('revokeToken', () => {
      it('returns the revoked record, which listTokens and findTokenByHash then show with revokedAt', async () => {
        await create('Revoke Hooks');
        const { token, record } = await addToken('revoke_hooks', 1);
        const revoked = await store.revokeToken('revoke_hooks', record.tokenId, at(10));
        expect(revoked).toStrictEqual({ ...record, revokedAt: at(10).toISOString() });
        expect(await store.findTokenByHash(hashToken(token))).toStrictEqual(revoked);
        expect(await store.listTokens('revoke_hooks')).toStrictEqual([revoked]);
      });

      it('frees a slot for a new token', async () => {
        await create('Slot Hooks');
        const first = await addToken('slot_hooks', 1);
        const second = await addToken('slot_hooks', 2);
        const revoked = await store.revokeToken('slot_hooks', first.record.tokenId, at(10));
        const third = await addToken('slot_hooks', 11);
        expect(await store.listTokens('slot_hooks')).toStrictEqual([revoked, second.record, third.record]);
        await expect(addToken('slot_hooks', 12)).rejects.toBeInstanceOf(TokenLimitError);
      });

      it('is idempotent: a second revoke keeps the first revokedAt and frees no second slot', async () => {
        await create('Twice Hooks');
        const first = await addToken('twice_hooks', 1);
        await addToken('twice_hooks', 2);
        const once = await store.revokeToken('twice_hooks', first.record.tokenId, at(10));
        const again = await store.revokeToken('twice_hooks', first.record.tokenId, at(20));
        expect(again).toStrictEqual(once);
        expect(again.revokedAt).toBe(at(10).toISOString());
        expect(await store.findTokenByHash(first.record.tokenHash)).toStrictEqual(once);
        expect((await store.listTokens('twice_hooks'))[0]).toStrictEqual(once);
        await addToken('twice_hooks', 21);
        await expect(addToken('twice_hooks', 22)).rejects.toBeInstanceOf(TokenLimitError);
      });

      it('agrees on one revokedAt when the same token is revoked concurrently, freeing one slot', async () => {
        await create('Racing Revoke Hooks');
        const first = await addToken('racing_revoke_hooks', 1);
        await addToken('racing_revoke_hooks', 2);
        const results = await Promise.all([10, 20, 30].map((minutes) => store.revokeToken('racing_revoke_hooks', first.record.tokenId, at(minutes))));
        const revokedAt = results[0].revokedAt;
        expect([at(10), at(20), at(30)].map((date) => date.toISOString())).toContain(revokedAt);
        for (const result of results) expect(result).toStrictEqual({ ...first.record, revokedAt });
        expect(await store.findTokenByHash(first.record.tokenHash)).toStrictEqual(results[0]);
        await addToken('racing_revoke_hooks', 31);
        await expect(addToken('racing_revoke_hooks', 32)).rejects.toBeInstanceOf(TokenLimitError);
      });

      it('throws NotFoundError for an unknown schema or token id, also one of another integration', async () => {
        await create('Mine Hooks');
        await create('Yours Hooks');
        const yours = await addToken('yours_hooks', 1);
        await expect(store.revokeToken('ghost_schema', yours.record.tokenId, at(2))).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.revokeToken('mine_hooks', 'tok_000000000000', at(2))).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.revokeToken('mine_hooks', yours.record.tokenId, at(2))).rejects.toBeInstanceOf(NotFoundError);
        expect(await store.findTokenByHash(yours.record.tokenHash)).toStrictEqual(yours.record);
      });
    });

    describe('findTokenByHash', () => {
      it('returns undefined for a hash no token has', async () => {
        await create('Lookup Hooks');
        const { token } = await addToken('lookup_hooks', 1);
        expect(await store.findTokenByHash(hashToken(`${token}x`))).toBeUndefined();
        expect(await store.findTokenByHash(hashToken(token).toUpperCase())).toBeUndefined();
      });
    });

    describe('column registry', () => {
      const column = (name: string, type: RegisteredColumn['type'], minutes = 0): RegisteredColumn => ({ name, type, firstSeenAt: at(minutes).toISOString() });

      it('starts empty, and lists columns in the order they were first seen', async () => {
        await create('Columns Hooks');
        expect(await store.listColumns('columns_hooks')).toEqual([]);
        await store.addColumns('columns_hooks', [column('zeta', 'string', 0), column('alpha', 'bigint', 1)]);
        await store.addColumns('columns_hooks', [column('data__href', 'json', 2)]);
        expect(await store.listColumns('columns_hooks')).toStrictEqual([column('zeta', 'string', 0), column('alpha', 'bigint', 1), column('data__href', 'json', 2)]);
      });

      it('keeps the first type of a column: a later registration of the name changes nothing', async () => {
        await create('First Hooks');
        await store.addColumns('first_hooks', [column('price', 'bigint')]);
        const after = await store.addColumns('first_hooks', [column('price', 'double', 1), column('price__do', 'double', 1)]);
        expect(after).toStrictEqual([column('price', 'bigint'), column('price__do', 'double', 1)]);
      });

      it('agrees on one type when writers race for a new column, and tells each the winner', async () => {
        await create('Race Hooks');
        const types = ['string', 'bigint', 'double', 'boolean', 'json'] as const;
        const answers = await Promise.all(types.map((type) => store.addColumns('race_hooks', [column('amount', type)])));
        const winner = (await store.listColumns('race_hooks'))[0];
        expect(types).toContain(winner.type);
        for (const answer of answers) expect(answer).toStrictEqual([winner]);
      });

      it('keeps each integration its own registry', async () => {
        await create('One Hooks');
        await create('Two Hooks');
        await store.addColumns('one_hooks', [column('a', 'string')]);
        expect(await store.listColumns('two_hooks')).toEqual([]);
      });

      it('does not list column items as integrations', async () => {
        await create('Listed Hooks');
        await store.addColumns('listed_hooks', [column('a', 'string')]);
        expect((await store.listIntegrations()).map((integration) => integration.schema)).toEqual(['listed_hooks']);
      });

      it('throws NotFoundError for an unknown schema', async () => {
        await expect(store.listColumns('ghost_schema')).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.addColumns('ghost_schema', [column('a', 'string')])).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    describe('event-type registry', () => {
      const seen = (eventType: string, columns: string[], minutes = 0) => ({ eventType, columns, firstSeenAt: at(minutes).toISOString() });

      it("round-trips an integration's event-type fields in order, absent when it has none", async () => {
        const cio = await create('Typed Hooks', { type: 'customerio' });
        expect(cio.eventTypeFields).toEqual(['object_type', 'metric']);
        expect(await store.getIntegration('typed_hooks')).toStrictEqual(cio);
        expect((await store.listIntegrations())[0]).toStrictEqual(cio);
        await create('Untyped Hooks');
        expect(await store.getIntegration('untyped_hooks')).not.toHaveProperty('eventTypeFields');
      });

      it('starts empty, gathers each type its columns, and keeps the first time a type was seen', async () => {
        await create('Event Hooks', { type: 'sendgrid' });
        expect(await store.listEventTypes('event_hooks')).toStrictEqual({ types: [] });
        await store.addEventColumns('event_hooks', [{ eventType: 'open', columns: ['sg_event_id', 'event'] }, { eventType: 'bounce', columns: ['reason'] }], at(1), 10);
        const after = await store.addEventColumns('event_hooks', [{ eventType: 'open', columns: ['ip', 'event'] }], at(2), 10);
        expect(after).toStrictEqual({ types: [seen('bounce', ['reason'], 1), seen('open', ['event', 'ip', 'sg_event_id'], 1)] });
        expect(await store.listEventTypes('event_hooks')).toStrictEqual(after);
        // Neither a column of data nor an integration.
        expect(await store.listColumns('event_hooks')).toEqual([]);
        expect((await store.listIntegrations()).map((integration) => integration.schema)).toEqual(['event_hooks']);
      });

      it('keeps every column concurrent writers add to the same type', async () => {
        await create('Busy Hooks', { type: 'sendgrid' });
        const writers = Array.from({ length: 8 }, (_, i) => store.addEventColumns('busy_hooks', [{ eventType: 'click', columns: ['url', `extra_${i}`] }], at(i), 10));
        await Promise.all(writers);
        const { types } = await store.listEventTypes('busy_hooks');
        expect(types).toHaveLength(1);
        expect(types[0].columns).toEqual(['extra_0', 'extra_1', 'extra_2', 'extra_3', 'extra_4', 'extra_5', 'extra_6', 'extra_7', 'url']);
      });

      it('takes at most maxTypes types, notes when one was first turned away, and still grows the types it has', async () => {
        await create('Bound Hooks', { type: 'sendgrid' });
        await store.addEventColumns('bound_hooks', [{ eventType: 'a', columns: ['x'] }, { eventType: 'b', columns: ['x'] }], at(1), 2);
        const refused = await store.addEventColumns('bound_hooks', [{ eventType: 'c', columns: ['x'] }, { eventType: 'a', columns: ['y'] }], at(2), 2);
        expect(refused).toStrictEqual({ types: [seen('a', ['x', 'y'], 1), seen('b', ['x'], 1)], firstRefusedAt: at(2).toISOString() });
        const later = await store.addEventColumns('bound_hooks', [{ eventType: 'd', columns: ['x'] }, { eventType: 'b', columns: ['z'] }], at(3), 2);
        expect(later).toStrictEqual({ types: [seen('a', ['x', 'y'], 1), seen('b', ['x', 'z'], 1)], firstRefusedAt: at(2).toISOString() });
      });

      it('holds the bound when writers race with new types', async () => {
        await create('Flood Hooks', { type: 'sendgrid' });
        await Promise.all(Array.from({ length: 12 }, (_, i) => store.addEventColumns('flood_hooks', [{ eventType: `type_${i}`, columns: ['event'] }], at(0), 5)));
        const registry = await store.listEventTypes('flood_hooks');
        expect(registry.types).toHaveLength(5);
        expect(registry.firstRefusedAt).toBe(at(0).toISOString());
      });

      it('throws NotFoundError for an unknown schema', async () => {
        await expect(store.listEventTypes('ghost_schema')).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.addEventColumns('ghost_schema', [{ eventType: 'a', columns: ['x'] }], at(0), 10)).rejects.toBeInstanceOf(NotFoundError);
      });
    });
  });
}
