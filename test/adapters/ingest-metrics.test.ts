import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_PUBLISH_INTERVAL_MS, PowertoolsIngestMetrics } from '../../lambdas/aws/ingest-metrics';

type Emf = Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } };

/** The EMF lines Powertools writes to standard output while `run` runs, parsed. */
function emfLines(run: () => void): Emf[] {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return written.join('').split('\n').filter((line) => line.startsWith('{"_aws"')).map((line) => JSON.parse(line) as Emf);
}

describe('PowertoolsIngestMetrics', () => {
  let now: number;
  let lookups: { hits: number; misses: number };
  let adapter: PowertoolsIngestMetrics;

  beforeEach(() => {
    now = 1_000_000;
    lookups = { hits: 0, misses: 0 };
    adapter = new PowertoolsIngestMetrics(new Metrics({ namespace: 'Hooklake', serviceName: 'hooklake-test' }), () => lookups, () => now);
  });

  const ok = (records: number, rejected = 0, sinkRetries = 0) => ({ status: 200, records, rejected, sinkRetries });

  it('publishes the first webhook at once, then sums the next minute into one line', () => {
    lookups = { hits: 0, misses: 1 };
    const first = emfLines(() => adapter.answered(ok(3, 1)));
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ Records: 3, RejectedRows: 1, TokenCacheMisses: 1, service: 'hooklake-test' });
    expect(first[0]._aws.CloudWatchMetrics[0].Namespace).toBe('Hooklake');

    const quiet = emfLines(() => {
      for (let i = 1; i <= 5; i++) {
        lookups = { hits: i, misses: 1 };
        now += 1000;
        adapter.answered(ok(2, 0, i === 3 ? 2 : 0));
      }
    });
    expect(quiet).toEqual([]);

    now += METRICS_PUBLISH_INTERVAL_MS;
    const summed = emfLines(() => adapter.answered(ok(1)));
    expect(summed).toHaveLength(1);
    expect(summed[0]).toMatchObject({ Records: 11, SinkRetries: 2, TokenCacheHits: 5 });
    expect(summed[0]).not.toHaveProperty('TokenCacheMisses');
    expect(summed[0]).not.toHaveProperty('RejectedRows');
  });

  it('counts refusals and failures per reason, each reason its own line with a Reason dimension', () => {
    emfLines(() => adapter.answered(ok(1)));
    const lines = emfLines(() => {
      adapter.answered({ status: 401, reason: 'SignatureError', records: 0, rejected: 0, sinkRetries: 0 });
      adapter.answered({ status: 401, reason: 'SignatureError', records: 0, rejected: 0, sinkRetries: 0 });
      adapter.answered({ status: 400, reason: 'MalformedBodyError', records: 0, rejected: 0, sinkRetries: 0 });
      adapter.answered({ status: 503, reason: 'SinkUnavailableError', records: 0, rejected: 0, sinkRetries: 4 });
      now += METRICS_PUBLISH_INTERVAL_MS;
      adapter.answered(ok(1));
    });
    const byReason = Object.fromEntries(lines.filter((line) => 'Reason' in line).map((line) => [line.Reason, line]));
    expect(byReason.SignatureError).toMatchObject({ Refused: 2 });
    expect(byReason.MalformedBodyError).toMatchObject({ Refused: 1 });
    expect(byReason.SinkUnavailableError).toMatchObject({ Failed: 1 });
    expect(byReason.SignatureError._aws.CloudWatchMetrics[0].Dimensions[0]).toEqual(expect.arrayContaining(['Reason', 'service']));
    expect(lines.find((line) => !('Reason' in line))).toMatchObject({ Records: 1, SinkRetries: 4 });
  });
});
