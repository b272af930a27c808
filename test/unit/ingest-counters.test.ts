import { IngestCounters, allMetrics } from '../../lambdas/app/ingest-counters';
import type { WebhookOutcome } from '../../lambdas/app/ports';
import fc from 'fast-check';
import { emptyCounts, formatSilenceAfter, isSilent, lastDays, mergeCounts, parseSilenceAfter, reasonName, UNATTRIBUTED, type CountDelta } from '../../lambdas/core/ingest-counts';
import { DayTally } from '../../lambdas/core/day-tally';
import { countKey, countOutcome } from '../support/counts-oracle';
import { withCountFlush } from '../../lambdas/ingest/count-flush';
import { fakeTime } from '../support/fake-time';

const t0 = new Date('2026-11-23T23:59:59.000Z');
const stored = (schema: string, receivedAt: Date, more: Partial<WebhookOutcome> = {}): WebhookOutcome => ({
  status: 200,
  records: 2,
  rejected: 1,
  sinkRetries: 0,
  schema,
  tokenId: 'tok_aaaaaaaaaaaa',
  receivedAt,
  ...more,
});

/** A store that records each write, and fails those it is told to. */
function recordingStore() {
  const writes: CountDelta[] = [];
  let failNext = 0;
  return {
    writes,
    failNext: (n: number) => (failNext = n),
    addCounts: async (delta: CountDelta) => {
      if (failNext > 0) {
        failNext -= 1;
        throw new Error('throttled');
      }
      writes.push(delta);
    },
  };
}

describe('loading counts (core)', () => {
  it('adds an accepted request: rows, rejected rows, last event and the token it used', () => {
    const earlier = new Date(t0.getTime() - 5000);
    const tally = new DayTally();
    tally.add(stored('s', t0), t0);
    tally.add(stored('s', earlier, { tokenId: 'tok_b' }), earlier);
    expect(tally.toCounts()).toEqual({
      accepted: 2,
      records: 4,
      rejected: 2,
      refused: {},
      failed: {},
      lastEventAt: t0.toISOString(),
      tokensUsed: { tok_aaaaaaaaaaaa: t0.toISOString(), tok_b: '2026-11-23T23:59:54.000Z' },
    });
  });

  it('adds refusals and failures by reason, and nothing else', () => {
    const tally = new DayTally();
    for (const [status, reason] of [[401, 'SignatureError'], [401, 'SignatureError'], [400, 'MalformedBodyError'], [503, 'SinkUnavailableError'], [400, 'not a name!']] as const) {
      tally.add({ status, reason, records: 0, rejected: 0 }, t0);
    }
    expect(tally.toCounts()).toEqual({ ...emptyCounts(), refused: { SignatureError: 2, MalformedBodyError: 1, Other: 1 }, failed: { SinkUnavailableError: 1 } });
    expect(reasonName(undefined)).toBe('Other');
  });

  it('merges two counts of a day: sums, and the later of each time', () => {
    const a = { ...emptyCounts(), accepted: 1, lastEventAt: '2026-11-23T10:00:00.000Z', tokensUsed: { t1: '2026-11-23T10:00:00.000Z' }, refused: { X: 1 } };
    const b = { ...emptyCounts(), accepted: 2, lastEventAt: '2026-11-23T09:00:00.000Z', tokensUsed: { t1: '2026-11-23T11:00:00.000Z', t2: '2026-11-23T08:00:00.000Z' }, refused: { X: 2, Y: 1 } };
    expect(mergeCounts(a, b)).toEqual({
      ...emptyCounts(),
      accepted: 3,
      lastEventAt: '2026-11-23T10:00:00.000Z',
      tokensUsed: { t1: '2026-11-23T11:00:00.000Z', t2: '2026-11-23T08:00:00.000Z' },
      refused: { X: 3, Y: 1 },
    });
  });

  it('names the UTC days of a report, oldest first', () => {
    expect(lastDays(new Date('2026-03-01T00:30:00+02:00'), 3)).toEqual(['2026-02-26', '2026-02-27', '2026-02-28']);
  });

  it('reads silence thresholds from 15 minutes to 30 days, and flags a quiet integration', () => {
    expect([parseSilenceAfter('90m'), parseSilenceAfter('24h'), parseSilenceAfter('2d'), parseSilenceAfter(' 30D ')]).toEqual([5400, 86_400, 172_800, 2_592_000]);
    for (const bad of ['10m', '31d', '1w', 'h', '1.5h', '']) expect(() => parseSilenceAfter(bad)).toThrow(/from 15m to 30d/);
    expect([formatSilenceAfter(5400), formatSilenceAfter(86_400), formatSilenceAfter(172_800)]).toEqual(['90m', '24h', '2d']);
    const since = '2026-11-20T00:00:00.000Z';
    expect(isSilent({ since }, undefined, t0)).toBe(false);
    expect(isSilent({ since, silenceAfterSeconds: 3600 }, '2026-11-23T23:00:00.000Z', t0)).toBe(false);
    expect(isSilent({ since, silenceAfterSeconds: 3600 }, '2026-11-23T22:59:58.000Z', t0)).toBe(true);
    // Never an event: counted from the integration's creation.
    expect(isSilent({ since: '2026-11-23T23:30:00.000Z', silenceAfterSeconds: 3600 }, undefined, t0)).toBe(false);
    expect(isSilent({ since, silenceAfterSeconds: 3600 }, undefined, t0)).toBe(true);
  });
});

describe('IngestCounters', () => {
  it('writes the first webhook at once, then at most once per interval: one write per integration and day', async () => {
    const time = fakeTime(t0.getTime());
    const store = recordingStore();
    const counters = new IngestCounters(store, 60_000, time.options.now);
    counters.answered(stored('a', t0));
    await counters.flushIfDue();
    expect(store.writes).toHaveLength(1);

    // Across midnight, two integrations, and some requests nobody owns.
    const tomorrow = new Date(t0.getTime() + 2000);
    counters.answered(stored('a', t0));
    counters.answered(stored('a', tomorrow));
    counters.answered(stored('a', tomorrow));
    counters.answered(stored('b', tomorrow, { status: 401, reason: 'SignatureError', records: 0, rejected: 0 }));
    counters.answered({ status: 401, reason: 'UnauthorizedError', records: 0, rejected: 0, sinkRetries: 0, receivedAt: tomorrow });
    time.advance(59_999);
    await counters.flushIfDue();
    expect(store.writes).toHaveLength(1);
    expect(counters.isDue()).toBe(false);

    time.advance(1);
    await counters.flushIfDue();
    expect(store.writes.slice(1).map(({ schema, day, accepted, records, refused }) => ({ schema, day, accepted, records, refused }))).toEqual([
      { schema: 'a', day: '2026-11-23', accepted: 1, records: 2, refused: {} },
      { schema: 'a', day: '2026-11-24', accepted: 2, records: 4, refused: {} },
      { schema: 'b', day: '2026-11-24', accepted: 0, records: 0, refused: { SignatureError: 1 } },
      { schema: UNATTRIBUTED, day: '2026-11-24', accepted: 0, records: 0, refused: { UnauthorizedError: 1 } },
    ]);
    expect(counters.waiting()).toEqual([]);
    time.advance(120_000);
    await counters.flushIfDue();
    expect(store.writes).toHaveLength(5);
  });

  it('keeps a write that failed and adds it to the next one, without writing the others twice', async () => {
    const time = fakeTime(t0.getTime());
    const store = recordingStore();
    const errors: unknown[] = [];
    const counters = new IngestCounters(store, 1000, time.options.now, (error) => errors.push(error));
    counters.answered(stored('a', t0));
    counters.answered(stored('b', t0));
    store.failNext(1);
    await counters.flush();
    expect(errors).toHaveLength(1);
    expect(store.writes.map((delta) => delta.schema)).toEqual(['b']);
    counters.answered(stored('a', t0));
    await counters.flushIfDue();
    expect(store.writes).toHaveLength(1);
    time.advance(1000);
    await counters.flushIfDue();
    expect(store.writes.map(({ schema, accepted, records }) => ({ schema, accepted, records }))).toEqual([
      { schema: 'b', accepted: 1, records: 2 },
      { schema: 'a', accepted: 2, records: 4 },
    ]);
  });

  it('counts each webhook under the UTC day countKey names, as folding countOutcome does, whatever its time', () => {
    const DAY_MS = 86_400_000;
    const ms = fc.oneof(
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
      fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -2, max: 2 })).map(([day, off]) => t0.getTime() + 1000 + day * DAY_MS + off),
      fc.constantFrom(-1, 0, 8.64e15, -8.64e15, Number.NaN),
    );
    const outcome = fc.record({
      status: fc.constantFrom(200, 401, 503),
      reason: fc.constantFrom('SignatureError', 'not a name'),
      schema: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
      tokenId: fc.constantFrom('tok_aaaaaaaaaaaa', 'tok_bbbbbbbbbbbb'),
      at: ms,
    });
    fc.assert(
      fc.property(fc.array(outcome, { maxLength: 30 }), (outcomes) => {
        const counters = new IngestCounters(recordingStore(), 1000);
        const expected = new Map<string, CountDelta>();
        for (const { at, ...rest } of outcomes) {
          const answered: WebhookOutcome = { ...rest, records: 1, rejected: 0, sinkRetries: 0, receivedAt: new Date(at) };
          let key: { schema: string; day: string } | undefined;
          try {
            key = countKey({ schema: answered.schema, receivedAt: new Date(at) });
          } catch {
            // No day to count it under (countKey refuses it too): not counted, and the caller hears of it.
            expect(() => counters.answered(answered)).toThrow(RangeError);
            continue;
          }
          counters.answered(answered);
          const id = `${key.schema}\u0000${key.day}`;
          expected.set(id, { ...key, ...countOutcome(expected.get(id) ?? emptyCounts(), { ...answered, receivedAt: new Date(at) }) });
        }
        expect(counters.waiting()).toEqual([...expected.values()]);
      }),
    );
  });

  it('ignores outcomes without an arrival time, and tells every metrics port', () => {
    const counters = new IngestCounters(recordingStore(), 1000);
    const seen: WebhookOutcome[] = [];
    const both = allMetrics(counters, { answered: (outcome) => seen.push(outcome) });
    both.answered({ status: 200, records: 1, rejected: 0, sinkRetries: 0 });
    both.answered(stored('a', t0));
    expect(seen).toHaveLength(2);
    expect(counters.waiting()).toHaveLength(1);
  });

  it('in Lambda, writes after the answer is made, waits a bounded time, and never fails the answer', async () => {
    const response = { statusCode: 200, body: '{}' };
    let release: () => void = () => {};
    const slow = { flushIfDue: () => new Promise<void>((resolve) => (release = resolve)) };
    const handler = withCountFlush(async () => response, slow, 5);
    await expect(handler({} as never)).resolves.toBe(response);
    release();
    const failing = { flushIfDue: () => Promise.reject(new Error('down')) };
    await expect(withCountFlush(async () => response, failing)({} as never)).resolves.toBe(response);
  });
});
