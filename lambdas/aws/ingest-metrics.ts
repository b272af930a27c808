import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { IngestMetrics, WebhookOutcome } from '../app/ports';

/** The ingest function's metric names, in CloudWatch; the README names them too. */
export const INGEST_METRICS = {
  records: 'Records',
  rejectedRows: 'RejectedRows',
  /** 4xx, with a `Reason` dimension: the error's name (SignatureError, UnauthorizedError, ...). */
  refused: 'Refused',
  /** 5xx (503s included), with a `Reason` dimension. */
  failed: 'Failed',
  sinkRetries: 'SinkRetries',
  tokenCacheHits: 'TokenCacheHits',
  tokenCacheMisses: 'TokenCacheMisses',
} as const;

/** How often a busy function publishes what it counted: one log line a minute, not one a request. */
export const METRICS_PUBLISH_INTERVAL_MS = 60_000;

/** Token lookups so far, as the token cache counts them. */
export interface TokenLookupCounts {
  readonly hits: number;
  readonly misses: number;
}

type Counter = Exclude<keyof typeof INGEST_METRICS, 'refused' | 'failed'>;

/**
 * Webhook outcomes as CloudWatch metrics in the embedded metric format (Powertools): no API call,
 * only log lines, each billed as log ingestion. So counts are summed in memory and published when a
 * minute has passed since the last line: a function that answers one webhook now and then publishes
 * each at once, a busy one once a minute. What a function counted in its last minute before Lambda
 * reclaims it is lost: these are gauges, the lake is the record.
 */
export class PowertoolsIngestMetrics implements IngestMetrics {
  private counts = new Map<Counter, number>();
  private readonly byReason = new Map<string, number>();
  private lookupsCounted: TokenLookupCounts = { hits: 0, misses: 0 };
  private publishedAt = -Infinity;

  constructor(
    private readonly metrics: Metrics,
    private readonly tokenLookups: () => TokenLookupCounts = () => ({ hits: 0, misses: 0 }),
    private readonly now: () => number = Date.now,
  ) {}

  answered(outcome: WebhookOutcome): void {
    if (outcome.status < 400) {
      this.add('records', outcome.records);
      this.add('rejectedRows', outcome.rejected);
    } else {
      const key = `${outcome.status < 500 ? INGEST_METRICS.refused : INGEST_METRICS.failed}\u0000${outcome.reason ?? 'unknown'}`;
      this.byReason.set(key, (this.byReason.get(key) ?? 0) + 1);
    }
    this.add('sinkRetries', outcome.sinkRetries);
    const lookups = this.tokenLookups();
    this.add('tokenCacheHits', lookups.hits - this.lookupsCounted.hits);
    this.add('tokenCacheMisses', lookups.misses - this.lookupsCounted.misses);
    this.lookupsCounted = lookups;
    if (this.now() - this.publishedAt >= METRICS_PUBLISH_INTERVAL_MS) this.publish();
  }

  /** Publishes what was counted since the last publication: one EMF line, plus one per refusal reason. */
  publish(): void {
    this.publishedAt = this.now();
    for (const [key, count] of this.byReason) {
      const [name, reason] = key.split('\u0000');
      // A dimension of its own: one line, so it does not split the counters below.
      const single = this.metrics.singleMetric();
      single.addDimension('Reason', reason);
      single.addMetric(name, MetricUnit.Count, count);
    }
    this.byReason.clear();
    for (const [counter, value] of this.counts) this.metrics.addMetric(INGEST_METRICS[counter], MetricUnit.Count, value);
    this.counts = new Map();
    if (this.metrics.hasStoredMetrics()) this.metrics.publishStoredMetrics();
  }

  private add(counter: Counter, value: number): void {
    if (value > 0) this.counts.set(counter, (this.counts.get(counter) ?? 0) + value);
  }
}
