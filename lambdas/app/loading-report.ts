/**
 * `hooklake status`: what each integration received, day by day, from the counters ingest keeps
 * (ingest-counters.ts), never from the lake; on AWS also the rows waiting in Firehose's error output.
 */
import { ValidationError } from '../core/errors';
import { COUNT_RETENTION_DAYS, emptyCounts, formatSilenceAfter, isSilent, lastDays, later, mergeCounts, MAX_SILENCE_SECONDS, UNATTRIBUTED, type DayCounts } from '../core/ingest-counts';
import { unknownIntegration, type Integration } from '../core/integration';
import { isActive } from '../core/tokens';
import type { DeliveryErrorStore, IngestCountStore, IntegrationStore } from './ports';
import { recoverDeliveries } from './recover-deliveries';

export const DEFAULT_REPORT_DAYS = 7;
/** Days read for the last event and token use, whatever the report shows: a silence threshold reaches that far. */
export const LAST_EVENT_LOOKBACK_DAYS = Math.ceil(MAX_SILENCE_SECONDS / 86_400) + 1;

export interface LoadingReportServices {
  readonly store: IntegrationStore;
  readonly counts: IngestCountStore;
  readonly clock: () => Date;
  /** Firehose's error output (AWS); undefined locally, where there is none. */
  readonly errors?: DeliveryErrorStore;
}

/** A type, not an interface: rows of a printed table. */
export type DayReport = {
  readonly day: string;
  /** Requests answered 2xx. */
  readonly accepted: number;
  /** Rows stored in `data` and in `_sdc_rejected`. */
  readonly records: number;
  readonly rejected: number;
  /** Requests answered 4xx and 5xx. */
  readonly refused: number;
  readonly failed: number;
};

export interface TokenUse {
  readonly tokenId: string;
  readonly status: 'active' | 'revoked';
  readonly createdAt: string;
  /** Latest accepted request with it in the last LAST_EVENT_LOOKBACK_DAYS days, or null. */
  readonly lastUsedAt: string | null;
}

export interface IntegrationLoading {
  readonly schema: string;
  readonly name: string;
  readonly type: string;
  /** One per day of the report, oldest first, zeros where nothing came. */
  readonly days: DayReport[];
  readonly totals: Omit<DayReport, 'day' | 'refused' | 'failed'> & { readonly refused: Record<string, number>; readonly failed: Record<string, number> };
  readonly lastEventAt: string | null;
  /** The silence threshold (`24h`), or null when none is set; `silent` once it is passed. */
  readonly silenceAfter: string | null;
  readonly silent: boolean;
  readonly tokens: TokenUse[];
  /** Rows of this schema in Firehose's error output not recovered yet (AWS only). */
  readonly errorOutputRows?: number;
}

export interface LoadingReport {
  readonly generatedAt: string;
  readonly days: string[];
  readonly integrations: IntegrationLoading[];
  /** Requests refused before any integration was known (no token, an unknown or revoked one, a wrong method), by reason. */
  readonly unattributed: { readonly refused: Record<string, number>; readonly failed: Record<string, number> };
  /** Firehose's error output over the report's days (AWS only). */
  readonly errorOutput?: { readonly objects: number; readonly rows: number; readonly unreadable: number };
}

export interface LoadingReportOptions {
  readonly schema?: string;
  /** @default DEFAULT_REPORT_DAYS */
  readonly days?: number;
}

export async function loadingReport(services: LoadingReportServices, options: LoadingReportOptions = {}): Promise<LoadingReport> {
  const dayCount = options.days ?? DEFAULT_REPORT_DAYS;
  if (!Number.isSafeInteger(dayCount) || dayCount < 1 || dayCount > COUNT_RETENTION_DAYS) {
    throw new ValidationError(`--days ${dayCount} is out of range; give a whole number from 1 to ${COUNT_RETENTION_DAYS} (counters are kept ${COUNT_RETENTION_DAYS} days).`);
  }
  const now = services.clock();
  const days = lastDays(now, dayCount);
  const integrations = await chosenIntegrations(services.store, options.schema);
  const schemas = integrations.map((integration) => integration.schema);
  const [stored, thresholds, errorRows] = await Promise.all([
    services.counts.readCounts(options.schema === undefined ? [...schemas, UNATTRIBUTED] : schemas, lastDays(now, Math.max(dayCount, LAST_EVENT_LOOKBACK_DAYS))),
    services.counts.silenceThresholds(),
    services.errors === undefined ? undefined : errorOutputRows(services.errors, days[0], services.clock),
  ]);
  const byKey = new Map(stored.map((delta) => [`${delta.schema}\u0000${delta.day}`, delta as DayCounts]));
  const countsOf = (schema: string, day: string): DayCounts => byKey.get(`${schema}\u0000${day}`) ?? emptyCounts();
  const allTime = (schema: string): DayCounts => stored.filter((delta) => delta.schema === schema).reduce<DayCounts>(mergeCounts, emptyCounts());
  const inReport = (schema: string): DayCounts => days.map((day) => countsOf(schema, day)).reduce(mergeCounts, emptyCounts());

  const reports = await Promise.all(
    integrations.map(async (integration): Promise<IntegrationLoading> => {
      const { schema } = integration;
      const ever = allTime(schema);
      const total = inReport(schema);
      const threshold = thresholds.get(schema);
      const tokens = await services.store.listTokens(schema);
      return {
        schema,
        name: integration.name,
        type: integration.type,
        days: days.map((day) => dayReport(day, countsOf(schema, day))),
        totals: { accepted: total.accepted, records: total.records, rejected: total.rejected, refused: { ...total.refused }, failed: { ...total.failed } },
        lastEventAt: ever.lastEventAt ?? null,
        silenceAfter: threshold === undefined ? null : formatSilenceAfter(threshold),
        silent: isSilent({ silenceAfterSeconds: threshold, since: integration.createdAt }, ever.lastEventAt, now),
        tokens: tokens.map((token) => ({
          tokenId: token.tokenId,
          status: isActive(token) ? 'active' : 'revoked',
          createdAt: token.createdAt,
          lastUsedAt: later(undefined, ever.tokensUsed[token.tokenId]) ?? null,
        })),
        ...(errorRows === undefined ? {} : { errorOutputRows: errorRows.bySchema.get(schema) ?? 0 }),
      };
    }),
  );
  const unattributed = inReport(UNATTRIBUTED);
  return {
    generatedAt: now.toISOString(),
    days,
    integrations: reports,
    unattributed: { refused: { ...unattributed.refused }, failed: { ...unattributed.failed } },
    ...(errorRows === undefined ? {} : { errorOutput: { objects: errorRows.objects, rows: errorRows.rows, unreadable: errorRows.unreadable } }),
  };
}

/** Every integration, or the one named (NotFoundError when there is none). */
async function chosenIntegrations(store: IntegrationStore, schema: string | undefined): Promise<Integration[]> {
  if (schema === undefined) return store.listIntegrations();
  const integration = await store.getIntegration(schema);
  if (integration === undefined) throw unknownIntegration(schema);
  return [integration];
}

function dayReport(day: string, counts: DayCounts): DayReport {
  const sum = (byReason: Readonly<Record<string, number>>) => Object.values(byReason).reduce((total, n) => total + n, 0);
  return { day, accepted: counts.accepted, records: counts.records, rejected: counts.rejected, refused: sum(counts.refused), failed: sum(counts.failed) };
}

/**
 * Rows waiting in Firehose's error output since `since`, by schema: `recover --dry-run`'s reading,
 * which lists the error objects and reads the ones not recovered yet (usually none or a few).
 */
async function errorOutputRows(errors: DeliveryErrorStore, since: string, clock: () => Date): Promise<{ objects: number; rows: number; unreadable: number; bySchema: Map<string, number> }> {
  const refuse = () => Promise.reject(new Error('A dry run writes nothing.'));
  const report = await recoverDeliveries({ errors, sink: { write: refuse }, clock }, { since, dryRun: true });
  const bySchema = new Map<string, number>();
  for (const table of report.tables) bySchema.set(table.schema, (bySchema.get(table.schema) ?? 0) + table.rows);
  const unreadable = report.skipped.reduce((sum, skipped) => sum + (skipped.pieces ?? 1), 0);
  return { objects: report.objects - report.alreadyRecovered, rows: report.rows, unreadable, bySchema };
}
