/**
 * What the console shows of an integration's traffic, read with SQL over the same query engine as
 * `hooklake query` (a count over the lake grouped by `dt`; the status counters can replace it).
 */
import type { QueryEngine } from '../lambdas/app/ports';
import { DATA_TABLE, REJECTED_TABLE } from '../lambdas/core/lake-layout';
import { quoteIdentifier, stringLiteral } from '../lambdas/core/view-sql';

export interface DayCount {
  /** YYYY-MM-DD, UTC. */
  readonly day: string;
  readonly events: number;
  readonly rejected: number;
}

export interface Overview {
  readonly eventsToday: number;
  readonly events7Days: number;
  readonly lastEventAt: string | null;
}

const DAY_MS = 86_400_000;

/** The `days` UTC days ending today, oldest first. */
export function lastDays(today: Date, days: number): string[] {
  return Array.from({ length: days }, (_, i) => new Date(today.getTime() - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

const table = (schema: string, name: string) => `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;

/** Events and rejected rows per day over the last `days` days, every day present (0 when none). */
export async function dailyCounts(engine: QueryEngine, schema: string, today: Date, days: number): Promise<DayCount[]> {
  const range = lastDays(today, days);
  const since = stringLiteral(range[0]);
  const { rows } = await engine.query(
    `SELECT 'data' AS tbl, dt, count(*) AS n FROM ${table(schema, DATA_TABLE)} WHERE dt >= ${since} GROUP BY dt ` +
      `UNION ALL SELECT 'rejected' AS tbl, dt, count(*) AS n FROM ${table(schema, REJECTED_TABLE)} WHERE dt >= ${since} GROUP BY dt`,
  );
  const count = (tbl: string, day: string) => Number(rows.find((row) => row.tbl === tbl && row.dt === day)?.n ?? 0);
  return range.map((day) => ({ day, events: count('data', day), rejected: count('rejected', day) }));
}

/** Per schema: events today and over 7 days, and the last event's arrival; one query for all of them. */
export async function overviews(engine: QueryEngine, schemas: readonly string[], today: Date): Promise<Map<string, Overview>> {
  const result = new Map<string, Overview>();
  if (schemas.length === 0) return result;
  const [since] = lastDays(today, 7);
  const day = today.toISOString().slice(0, 10);
  const sql = schemas
    .map(
      (schema) =>
        `SELECT ${stringLiteral(schema)} AS schema_name, count(*) FILTER (WHERE dt = ${stringLiteral(day)}) AS today, ` +
        `count(*) FILTER (WHERE dt >= ${stringLiteral(since)}) AS week, max(_sdc_received_at) AS last_at FROM ${table(schema, DATA_TABLE)}`,
    )
    .join(' UNION ALL ');
  for (const row of (await engine.query(sql)).rows) {
    result.set(String(row.schema_name), { eventsToday: Number(row.today ?? 0), events7Days: Number(row.week ?? 0), lastEventAt: row.last_at == null ? null : String(row.last_at) });
  }
  return result;
}

export async function recentRows(engine: QueryEngine, schema: string, limit: number) {
  return engine.query(`SELECT * FROM ${table(schema, DATA_TABLE)} ORDER BY _sdc_sequence DESC LIMIT ${limit}`);
}

export async function recentRejections(engine: QueryEngine, schema: string, limit: number) {
  return engine.query(`SELECT _sdc_rejected_at, reason, record FROM ${table(schema, REJECTED_TABLE)} ORDER BY _sdc_sequence DESC LIMIT ${limit}`);
}
