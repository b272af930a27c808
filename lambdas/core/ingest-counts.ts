/**
 * Loading-report counters: what ingest answered, per integration and UTC day, summed in memory and
 * added to the store now and then (never one write per webhook). Pure: the clock is the caller's.
 */
import { ValidationError } from './errors';
import { partitionDate } from './lake-layout';

/** Counts of requests whose integration was never known (a missing or unknown token, a wrong method). */
export const UNATTRIBUTED = '(no integration)';

/** Reasons are error names; anything else is counted under this one, so a stored attribute name stays bounded. */
export const OTHER_REASON = 'Other';
const REASON = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/** How many days of counters are kept (a TTL on AWS, a sweep locally). */
export const COUNT_RETENTION_DAYS = 90;

/** What one integration's webhooks did on one UTC day; only what happened is present. */
export interface DayCounts {
  /** Requests answered 2xx: their rows are durable. */
  readonly accepted: number;
  /** Rows stored in `data` and in `_sdc_rejected`. */
  readonly records: number;
  readonly rejected: number;
  /** 4xx answers by reason (the error's name: SignatureError, UnauthorizedError, MalformedBodyError, ...). */
  readonly refused: Readonly<Record<string, number>>;
  /** 5xx answers by reason (SinkUnavailableError, ...). */
  readonly failed: Readonly<Record<string, number>>;
  /** Arrival of the latest accepted request (ISO 8601 UTC). */
  readonly lastEventAt?: string;
  /** tokenId -> arrival of the latest request it was accepted with (ISO 8601 UTC). */
  readonly tokensUsed: Readonly<Record<string, string>>;
}

/** Counts to add for one integration (or UNATTRIBUTED) and day. */
export interface CountDelta extends DayCounts {
  readonly schema: string;
  /** YYYY-MM-DD, UTC. */
  readonly day: string;
}

/** One answered webhook, as the counters need it. */
export interface CountedOutcome {
  readonly status: number;
  readonly reason?: string;
  readonly records: number;
  readonly rejected: number;
  readonly schema?: string;
  readonly tokenId?: string;
  readonly receivedAt: Date;
}

export function emptyCounts(): DayCounts {
  return { accepted: 0, records: 0, rejected: 0, refused: {}, failed: {}, tokensUsed: {} };
}

export function reasonName(reason: string | undefined): string {
  return reason !== undefined && REASON.test(reason) ? reason : OTHER_REASON;
}

/** Two sets of counts of the same integration and day as one. */
export function mergeCounts(a: DayCounts, b: DayCounts): DayCounts {
  const tokensUsed: Record<string, string> = { ...a.tokensUsed };
  for (const [tokenId, at] of Object.entries(b.tokensUsed)) tokensUsed[tokenId] = later(tokensUsed[tokenId], at) as string;
  const lastEventAt = later(a.lastEventAt, b.lastEventAt);
  return {
    accepted: a.accepted + b.accepted,
    records: a.records + b.records,
    rejected: a.rejected + b.rejected,
    refused: plus(a.refused, b.refused),
    failed: plus(a.failed, b.failed),
    ...(lastEventAt === undefined ? {} : { lastEventAt }),
    tokensUsed,
  };
}

/** The `days` UTC days ending with today's, oldest first. */
export function lastDays(now: Date, days: number): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => partitionDate(new Date(today - (days - 1 - i) * 86_400_000)));
}

/** The latest of two ISO 8601 UTC instants (they compare as text). */
export function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a >= b ? a : b;
}

function plus(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = { ...a };
  // Own counts only: a reason such as "toString" must not start from Object.prototype's function.
  for (const [key, n] of Object.entries(b)) sum[key] = (Object.hasOwn(sum, key) ? sum[key] : 0) + n;
  return sum;
}

export const MIN_SILENCE_SECONDS = 15 * 60;
export const MAX_SILENCE_SECONDS = 30 * 86_400;
const DURATION = /^(\d+)\s*(m|min|h|d)$/i;
const UNIT_SECONDS: Record<string, number> = { m: 60, min: 60, h: 3600, d: 86_400 };

/** `90m`, `24h`, `2d` as seconds, within [15 minutes, 30 days]. */
export function parseSilenceAfter(text: string): number {
  const match = DURATION.exec(text.trim());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2].toLowerCase()] : NaN;
  if (!Number.isSafeInteger(seconds) || seconds < MIN_SILENCE_SECONDS || seconds > MAX_SILENCE_SECONDS) {
    throw new ValidationError(`--silence-after ${text} is not a duration from 15m to 30d; give minutes, hours or days, e.g. 90m, 24h, 2d (or "off").`);
  }
  return seconds;
}

/** A duration in seconds as people say it: `2d`, `24h`, `90m`. */
export function formatSilenceAfter(seconds: number): string {
  if (seconds % 86_400 === 0 && seconds > 86_400) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return `${Math.round(seconds / 60)}m`;
}

/**
 * Whether an integration with a silence threshold has gone quiet: no accepted request for longer
 * than the threshold, counted from its last event, or from its creation when it never had one.
 */
export function isSilent(threshold: { readonly silenceAfterSeconds?: number; readonly since: string }, lastEventAt: string | undefined, now: Date): boolean {
  if (threshold.silenceAfterSeconds === undefined) return false;
  const from = Date.parse(lastEventAt ?? threshold.since);
  return now.getTime() - from > threshold.silenceAfterSeconds * 1000;
}
