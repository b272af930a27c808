/**
 * What the console shows of an integration's traffic. Counts come from the loading-report counters
 * ingest keeps (the same reading as `hooklake status`, never a scan of the lake), so a page stays
 * quick however big the lake grows; only the latest rows are read with SQL.
 */
import { LAST_EVENT_LOOKBACK_DAYS, loadingReport, type LoadingReportServices } from '../lambdas/app/loading-report';
import type { QueryEngine } from '../lambdas/app/ports';
import { lastDays, later } from '../lambdas/core/ingest-counts';
import type { Integration } from '../lambdas/core/integration';
import { DATA_TABLE, REJECTED_TABLE } from '../lambdas/core/lake-layout';
import { quoteIdentifier } from '../lambdas/core/view-sql';

export interface DayCount {
  /** YYYY-MM-DD, UTC. */
  readonly day: string;
  readonly events: number;
  readonly rejected: number;
}

export interface Activity {
  /** Oldest first, every day present (0 when none). */
  readonly days: readonly DayCount[];
  /** The latest accepted request within LAST_EVENT_LOOKBACK_DAYS, or null. */
  readonly lastEventAt: string | null;
}

export interface Overview {
  readonly eventsToday: number;
  readonly events7Days: number;
  readonly lastEventAt: string | null;
  /** The integration's silence threshold (`24h`) when it has passed it, else null. */
  readonly silentPast: string | null;
  /** No event yet, as far as the counters reach back: made within LAST_EVENT_LOOKBACK_DAYS, none since. */
  readonly awaitingFirstEvent: boolean;
  readonly activeTokens: number;
}

const OVERVIEW_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * One integration's events and rejected rows per day over the last `days` days, today's included:
 * one read of its counters, and nothing else, as the page refreshes it every few seconds.
 */
export async function integrationActivity(services: Pick<LoadingReportServices, 'counts' | 'clock'>, schema: string, days: number): Promise<Activity> {
  const now = services.clock();
  const stored = await services.counts.readCounts([schema], lastDays(now, Math.max(days, LAST_EVENT_LOOKBACK_DAYS)));
  const byDay = new Map(stored.map((counts) => [counts.day, counts]));
  return {
    days: lastDays(now, days).map((day) => ({ day, events: byDay.get(day)?.records ?? 0, rejected: byDay.get(day)?.rejected ?? 0 })),
    lastEventAt: stored.reduce<string | undefined>((last, counts) => later(last, counts.lastEventAt), undefined) ?? null,
  };
}

/** Per integration: events today and over 7 days, the last event, silence and active URLs; one reading of the counters. */
export async function overviews(services: LoadingReportServices, integrations: readonly Integration[]): Promise<Map<string, Overview>> {
  const report = await loadingReport(services, { days: OVERVIEW_DAYS });
  const reachedBack = Date.parse(report.generatedAt) - LAST_EVENT_LOOKBACK_DAYS * DAY_MS;
  const createdAt = new Map(integrations.map((i) => [i.schema, Date.parse(i.createdAt)]));
  return new Map(
    report.integrations.map((loading) => {
      const overview: Overview = {
        eventsToday: loading.days[loading.days.length - 1].records,
        events7Days: loading.totals.records,
        lastEventAt: loading.lastEventAt,
        silentPast: loading.silent ? loading.silenceAfter : null,
        activeTokens: loading.tokens.filter((t) => t.status === 'active').length,
        awaitingFirstEvent: loading.lastEventAt === null && (createdAt.get(loading.schema) ?? 0) > reachedBack,
      };
      return [loading.schema, overview];
    }),
  );
}

const table = (schema: string, name: string) => `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;

export async function recentRows(engine: QueryEngine, schema: string, limit: number) {
  return engine.query(`SELECT * FROM ${table(schema, DATA_TABLE)} ORDER BY _sdc_sequence DESC LIMIT ${limit}`);
}

export async function recentRejections(engine: QueryEngine, schema: string, limit: number) {
  return engine.query(`SELECT _sdc_rejected_at, reason, record FROM ${table(schema, REJECTED_TABLE)} ORDER BY _sdc_sequence DESC LIMIT ${limit}`);
}
