import { findSilentIntegrations } from '../../lambdas/app/silence-check';
import { emptyCounts, type CountDelta } from '../../lambdas/core/ingest-counts';
import { newIntegration } from '../../lambdas/core/integration';
import { MemoryStore } from '../support/memory-store';
import { storedCounts } from '../support/stored-counts';

describe('findSilentIntegrations', () => {
  it('names the integrations with a threshold that passed it, from their last event or their creation', async () => {
    const store = new MemoryStore();
    const created = new Date('2026-11-20T00:00:00Z');
    for (const name of ['Quiet', 'Busy', 'Never', 'Unwatched']) await store.createIntegration(newIntegration({ name }, created));
    const stored: CountDelta[] = [
      { ...emptyCounts(), schema: 'quiet', day: '2026-11-23', accepted: 1, lastEventAt: '2026-11-23T08:00:00.000Z' },
      { ...emptyCounts(), schema: 'busy', day: '2026-11-24', accepted: 1, lastEventAt: '2026-11-24T09:30:00.000Z' },
      { ...emptyCounts(), schema: 'unwatched', day: '2026-11-01', accepted: 1, lastEventAt: '2026-11-01T00:00:00.000Z' },
    ];
    const counts = storedCounts(stored, new Map([['quiet', 86_400], ['busy', 3600], ['never', 3600], ['deleted', 3600]]));
    const silent = await findSilentIntegrations({ store, counts, clock: () => new Date('2026-11-24T10:00:00Z') });
    expect(silent).toEqual([
      { schema: 'quiet', silenceAfterSeconds: 86_400, lastEventAt: '2026-11-23T08:00:00.000Z' },
      { schema: 'never', silenceAfterSeconds: 3600, lastEventAt: null },
    ]);
  });
});
