import fc from 'fast-check';
import { DayTally } from '../../lambdas/core/day-tally';
import { emptyCounts, mergeCounts, type CountedOutcome, type DayCounts } from '../../lambdas/core/ingest-counts';
import { countOutcome } from '../support/counts-oracle';

const dayStart = Date.parse('2026-11-24T00:00:00.000Z');
const outcome: fc.Arbitrary<CountedOutcome> = fc.record({
  status: fc.constantFrom(200, 202, 400, 401, 413, 500, 503),
  reason: fc.option(fc.constantFrom('UnauthorizedError', 'MalformedBodyError', 'SinkUnavailableError', 'not a name!', '__proto__', 'toString', 'constructor'), { nil: undefined }),
  records: fc.nat(100),
  rejected: fc.nat(5),
  tokenId: fc.option(fc.constantFrom('tok_aaaaaaaaaaaa', 'tok_bbbbbbbbbbbb'), { nil: undefined }),
  receivedAt: fc.integer({ min: 0, max: 86_399_999 }).map((ms) => new Date(dayStart + ms)),
});

const folded = (outcomes: readonly CountedOutcome[], start: DayCounts = emptyCounts()) => outcomes.reduce(countOutcome, start);

function tallied(outcomes: readonly CountedOutcome[], start?: DayCounts): DayCounts {
  const tally = new DayTally();
  if (start !== undefined) tally.addCounts(start);
  for (const each of outcomes) tally.add(each, each.receivedAt);
  return tally.toCounts();
}

describe('DayTally', () => {
  it('sums webhooks exactly as folding countOutcome does', () => {
    fc.assert(fc.property(fc.array(outcome, { maxLength: 40 }), (outcomes) => expect(tallied(outcomes)).toEqual(folded(outcomes))));
  });

  it('takes back counts of a failed write as mergeCounts would', () => {
    fc.assert(
      fc.property(fc.array(outcome, { maxLength: 20 }), fc.array(outcome, { maxLength: 20 }), (kept, later) => {
        expect(tallied(later, folded(kept))).toEqual(mergeCounts(folded(kept), folded(later)));
      }),
    );
  });

  it('keeps the latest arrival of each token, whatever order webhooks are answered in', () => {
    const tally = new DayTally();
    const late = new Date(dayStart + 5000);
    tally.add({ status: 200, records: 1, rejected: 0, tokenId: 'tok_a' }, late);
    tally.add({ status: 200, records: 1, rejected: 0, tokenId: 'tok_a' }, new Date(dayStart + 1000));
    expect(tally.toCounts()).toMatchObject({ accepted: 2, records: 2, lastEventAt: late.toISOString(), tokensUsed: { tok_a: late.toISOString() } });
  });
});
