import { randomBytes } from 'node:crypto';
import { integrationActivity, overviews } from '../../console/activity';
import { emptyCounts, type CountDelta } from '../../lambdas/core/ingest-counts';
import { newIntegration } from '../../lambdas/core/integration';
import { issueToken } from '../../lambdas/core/tokens';
import { MemoryStore } from '../support/memory-store';
import { storedCounts } from '../support/stored-counts';

describe('console counts from the loading counters', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  const clock = () => now;
  const day = (schema: string, date: string, records: number, rejected: number, lastEventAt?: string): CountDelta => ({
    ...emptyCounts(),
    schema,
    day: date,
    accepted: 1,
    records,
    rejected,
    ...(lastEventAt === undefined ? {} : { lastEventAt }),
  });
  const stored = [
    day('shop', '2026-11-24', 5, 1, '2026-11-24T09:59:00.000Z'),
    day('shop', '2026-11-20', 3, 0, '2026-11-20T12:00:00.000Z'),
    // Outside the 7 days of the list, inside the 14 of an integration's page.
    day('shop', '2026-11-15', 7, 2, '2026-11-15T08:00:00.000Z'),
    day('quiet', '2026-11-02', 4, 0, '2026-11-02T00:00:00.000Z'),
  ];

  async function storeWith(...names: [name: string, created: string][]) {
    const store = new MemoryStore();
    for (const [name, created] of names) {
      const integration = newIntegration({ name }, new Date(created));
      await store.createIntegration(integration);
      await store.addToken(issueToken(integration.schema, randomBytes, new Date(created)).record, 2);
    }
    return store;
  }

  it('shows an integration its events and rejected rows per day, zeros where none, and its last event', async () => {
    const activity = await integrationActivity({ counts: storedCounts(stored), clock }, 'shop', 14);
    expect(activity.days).toHaveLength(14);
    expect(activity.days[0]).toEqual({ day: '2026-11-11', events: 0, rejected: 0 });
    expect(activity.days.find((d) => d.day === '2026-11-15')).toEqual({ day: '2026-11-15', events: 7, rejected: 2 });
    expect(activity.days[13]).toEqual({ day: '2026-11-24', events: 5, rejected: 1 });
    expect(activity.lastEventAt).toBe('2026-11-24T09:59:00.000Z');
  });

  it('lists today, 7 days, the last event, silence past a threshold and active URLs per integration', async () => {
    const store = await storeWith(['Shop', '2026-11-01T00:00:00Z'], ['Quiet', '2026-10-30T00:00:00Z'], ['Fresh', '2026-11-24T09:00:00Z'], ['Old', '2026-09-01T00:00:00Z']);
    await store.revokeToken('old', (await store.listTokens('old'))[0].tokenId, now);
    const list = await overviews({ store, counts: storedCounts(stored, new Map([['quiet', 86_400], ['shop', 86_400]])), clock }, await store.listIntegrations());
    expect(Object.fromEntries(list)).toEqual({
      shop: { eventsToday: 5, events7Days: 8, lastEventAt: '2026-11-24T09:59:00.000Z', silentPast: null, activeTokens: 1, awaitingFirstEvent: false },
      quiet: { eventsToday: 0, events7Days: 0, lastEventAt: '2026-11-02T00:00:00.000Z', silentPast: '24h', activeTokens: 1, awaitingFirstEvent: false },
      fresh: { eventsToday: 0, events7Days: 0, lastEventAt: null, silentPast: null, activeTokens: 1, awaitingFirstEvent: true },
      // Made before the counters reach back: no event in them says nothing of the first one.
      old: { eventsToday: 0, events7Days: 0, lastEventAt: null, silentPast: null, activeTokens: 0, awaitingFirstEvent: false },
    });
  });
});
