/**
 * QueryEngine on Athena: runs one statement in the stack's workgroup (which enforces its own result
 * location and encryption), waits for it with exponential backoff, and pages the results into the
 * same JSON-safe rows the local DuckDB engine returns, so the CLI prints both alike.
 */
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type ColumnInfo,
  type QueryExecution,
  type Row,
} from '@aws-sdk/client-athena';
import { QueryEngineUnavailableError, ValidationError, type HooklakeError } from '../core/errors';
import type { QueryEngine, QueryLimits, QueryResult } from '../app/ports';
import { retry, sleepFor } from '../shared/retry';
import { errorName, firstLine, translateAwsError } from './aws-errors';

export interface AthenaQueryOptions {
  readonly workGroup: string;
  /** First wait between status checks, doubled after each. @default 200 */
  readonly firstPollMs?: number;
  /** Longest wait between status checks. @default 2000 */
  readonly maxPollMs?: number;
  /** A query still running after this long is stopped. @default 15 minutes */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Told the query's state after each status check, for progress output. */
  readonly onProgress?: (state: string, elapsedMs: number) => void;
}

/** Athena's ErrorCategory for a failure on its side rather than the statement's. */
const SYSTEM_ERROR_CATEGORY = 1;
const PAGE_SIZE = 1000;

export class AthenaQueryEngine implements QueryEngine {
  private readonly firstPollMs: number;
  private readonly maxPollMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly client: AthenaClient,
    private readonly options: AthenaQueryOptions,
  ) {
    this.firstPollMs = options.firstPollMs ?? 200;
    this.maxPollMs = options.maxPollMs ?? 2000;
    this.timeoutMs = options.timeoutMs ?? 15 * 60 * 1000;
    this.sleep = options.sleep ?? sleepFor;
    this.now = options.now ?? Date.now;
  }

  /**
   * `maxRows` stops paging through the results once past it. An aborted `signal` stops the query in
   * Athena too (StopQueryExecution), so a page left or a time limit passed leaves nothing running
   * that would go on scanning, and billing, until Athena's own timeout.
   */
  async query(sql: string, { maxRows = Infinity, signal }: QueryLimits = {}): Promise<QueryResult> {
    signal?.throwIfAborted();
    const id = await this.start(sql);
    const execution = await this.waitFor(id, signal);
    signal?.throwIfAborted();
    return this.results(id, execution.StatementType === 'DML', maxRows);
  }

  private async start(sql: string): Promise<string> {
    const response = await this.call('StartQueryExecution', () =>
      this.client.send(new StartQueryExecutionCommand({ QueryString: sql, WorkGroup: this.options.workGroup })),
    );
    if (response.QueryExecutionId === undefined) throw new QueryEngineUnavailableError('Athena started the query but returned no execution id.');
    return response.QueryExecutionId;
  }

  /**
   * Polls with plain exponential backoff; a query still running when the next wait would pass the
   * timeout, or when `signal` is aborted (which cuts the wait short), is stopped.
   */
  private async waitFor(id: string, signal: AbortSignal | undefined): Promise<QueryExecution> {
    const startedAt = this.now();
    const stop = () => this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
    try {
      return await retry(
        () => {
          if (signal?.aborted) throw new Aborted();
          return this.checkOnce(id, startedAt);
        },
        {
          isRetryable: (error) => error instanceof StillRunning,
          budgetMs: this.timeoutMs,
          baseDelayMs: this.firstPollMs,
          maxDelayMs: this.maxPollMs,
          jitter: 'none',
          sleep: (ms) => (signal === undefined ? this.sleep(ms) : sleepUnlessAborted(this.sleep, ms, signal)),
          now: this.now,
        },
      );
    } catch (error) {
      if (error instanceof Aborted) {
        await stop();
        throw signal?.reason;
      }
      if (!(error instanceof StillRunning)) throw error;
      await stop();
      throw new QueryEngineUnavailableError(
        `Athena query ${id} was still ${error.state.toLowerCase()} after ${Math.round(error.elapsedMs / 1000)} s and was stopped; narrow it (e.g. WHERE dt >= '...') and run it again.`,
      );
    }
  }

  /** One status check: the finished execution, or StillRunning. */
  private async checkOnce(id: string, startedAt: number): Promise<QueryExecution> {
    const { QueryExecution: execution } = await this.call('GetQueryExecution', () =>
      this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
    );
    const state = execution?.Status?.State ?? 'UNKNOWN';
    const elapsed = this.now() - startedAt;
    this.options.onProgress?.(state, elapsed);
    if (state === 'SUCCEEDED') return execution ?? {};
    if (state === 'FAILED') throw failure(id, execution);
    if (state === 'CANCELLED') throw cancelled(id, execution);
    throw new StillRunning(state, elapsed);
  }

  /** Every page of the results; a SELECT's first row is its header, which is not data. */
  private async results(id: string, hasHeaderRow: boolean, maxRows: number): Promise<QueryResult> {
    let columns: ColumnInfo[] | undefined;
    const rows: Record<string, unknown>[] = [];
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.call('GetQueryResults', () =>
        this.client.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: PAGE_SIZE })),
      );
      columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      const pageRows = page.ResultSet?.Rows ?? [];
      for (const [i, row] of pageRows.entries()) {
        if (first && i === 0 && hasHeaderRow) continue;
        rows.push(toRow(row, columns));
      }
      first = false;
      token = page.NextToken;
    } while (token !== undefined && rows.length <= maxRows);
    const names = (columns ?? []).map(columnName);
    return rows.length > maxRows ? { columns: names, rows: rows.slice(0, maxRows), truncated: true } : { columns: names, rows };
  }

  /** An SDK call, with failures that are not the statement's turned into errors that say what to do. */
  private async call<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw translate(error, action, this.options.workGroup);
    }
  }
}

/** The caller's signal fired while the query ran: stop it, then tell the caller the signal's reason. */
class Aborted extends Error {}

/** `sleep(ms)`, ended early when `signal` fires; its listener goes with it, so waits do not pile them up on the signal. */
function sleepUnlessAborted(sleep: (ms: number) => Promise<void>, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    sleep(ms).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** The query is queued or running: poll again. */
class StillRunning extends Error {
  constructor(
    readonly state: string,
    readonly elapsedMs: number,
  ) {
    super(`query is ${state}`);
  }
}

function failure(id: string, execution: QueryExecution | undefined): HooklakeError {
  const reason = execution?.Status?.StateChangeReason ?? execution?.Status?.AthenaError?.ErrorMessage ?? 'no reason given';
  if (execution?.Status?.AthenaError?.ErrorCategory === SYSTEM_ERROR_CATEGORY) {
    return new QueryEngineUnavailableError(`Athena could not run query ${id} (a failure on its side; try again): ${reason}`);
  }
  return new ValidationError(`Query failed: ${reason}`);
}

function cancelled(id: string, execution: QueryExecution | undefined): HooklakeError {
  const reason = execution?.Status?.StateChangeReason;
  if (reason !== undefined && /bytes scanned|BytesScannedCutoff|cutoff/i.test(reason)) {
    return new ValidationError(
      `Query ${id} was cancelled: it would scan more than the workgroup's bytes-scanned cutoff. Filter on dt (WHERE dt >= '...') to read less. (${reason})`,
    );
  }
  return new ValidationError(`Query ${id} was cancelled${reason === undefined ? '' : `: ${reason}`}.`);
}

function translate(error: unknown, action: string, workGroup: string): HooklakeError {
  if (errorName(error) === 'InvalidRequestException') return new ValidationError(`Query failed: ${firstLine(error)}`, { cause: error });
  return translateAwsError(error, {
    service: 'athena',
    action,
    resource: `Athena workgroup "${workGroup}"`,
    unavailable: (message, cause) => new QueryEngineUnavailableError(message, { cause }),
  });
}

function columnName(column: ColumnInfo): string {
  return column.Label ?? column.Name ?? '';
}

function toRow(row: Row, columns: readonly ColumnInfo[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    // Object.defineProperty, so a column named "__proto__" is an ordinary key.
    Object.defineProperty(result, columnName(column), {
      value: toValue(row.Data?.[i]?.VarCharValue, column.Type ?? 'varchar'),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  return result;
}

/**
 * Athena returns every value as text, and NULL as no text at all. Numbers become numbers while
 * exact, JSON is parsed; arrays, maps and rows keep Athena's text, which is not JSON.
 */
export function toValue(text: string | undefined, type: string): unknown {
  if (text === undefined) return null;
  switch (type.toLowerCase().replace(/\(.*$/, '')) {
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int':
    case 'bigint': {
      const value = Number(text);
      return Number.isSafeInteger(value) ? value : text;
    }
    case 'double':
    case 'float':
    case 'real':
    case 'decimal': {
      const value = Number(text);
      return Number.isFinite(value) && text.trim() !== '' ? value : text;
    }
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    default:
      return text;
  }
}
