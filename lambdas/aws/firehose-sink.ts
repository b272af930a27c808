/**
 * RecordSink on Amazon Data Firehose: the rows of a batch, and the request's raw archive line, are
 * packed into as few records as the limits allow (record-packing.ts); the delivery stream splits them
 * again and routes each to `lake/<schema>/<table>/dt=.../` (or `raw/<schema>/requests/dt=.../`) by
 * dynamic partitioning, which reads the keys from the routing field.
 *
 * Retries are this sink's job, inside one time budget. Create the client with `maxAttempts: 1` and
 * short HTTP timeouts: SDK retries inside each of these attempts would multiply the wait past the
 * few seconds a provider waits for an answer.
 */
import { PutRecordBatchCommand, type FirehoseClient, type PutRecordBatchResponseEntry } from '@aws-sdk/client-firehose';
import { formatBytes, SinkUnavailableError } from '../core/errors';
import { PARTITION_FIELD, REJECTED_TABLE, type PartitionKeys } from '../core/lake-layout';
import { rawJsonText } from '../core/column-mapping';
import { batchRecords, FIREHOSE_LIMITS, packRows, type PackedRecord } from '../core/record-packing';
import { RAW_TABLE, splitRawEntry } from '../core/raw-archive';
import { withMember } from '../core/row-text';
import type { LakeBatch, LakeRow } from '../core/rows';
import { DEFAULT_MAX_RECORD_BYTES, rejectedRecord } from '../core/stamp';
import type { RecordSink, SinkReport, SinkWriteOptions } from '../app/ports';
import { mapWithConcurrency } from '../shared/concurrency';
import { retry, sleepFor } from '../shared/retry';
import { errorName } from './aws-errors';

export interface FirehoseSinkOptions {
  /**
   * Longest one write may take, calls and waits included: the webhook must be answered within 3 s
   * (Customer.io gives up at 4 s and then holds back every later webhook). A write given an earlier
   * deadline (the rest of the webhook's latency budget) gives up by then instead.
   * @default 2500
   */
  readonly timeBudgetMs: number;
  /** Backoff cap of the first retry, doubled on each later one ("full jitter" draws below it). @default 50 */
  readonly baseDelayMs: number;
  /** Largest backoff cap. @default 1000 */
  readonly maxDelayMs: number;
  /** PutRecordBatch calls in flight at once, for requests that need several. @default 4 */
  readonly maxConcurrentCalls: number;
  /** Uniform in [0, 1), for the jitter. @default Math.random */
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Epoch milliseconds; the budget and `_sdc_rejected_at` are measured with it. @default Date.now */
  readonly now: () => number;
}

const DEFAULT_OPTIONS: FirehoseSinkOptions = {
  timeBudgetMs: 2500,
  baseDelayMs: 50,
  maxDelayMs: 1000,
  maxConcurrentCalls: 4,
  random: Math.random,
  sleep: sleepFor,
  now: Date.now,
};

/** Firehose's own per-record limit, before base64; stamp.ts's default mirrors it. */
const MAX_RECORD_BYTES = Math.min(DEFAULT_MAX_RECORD_BYTES, FIREHOSE_LIMITS.maxRecordBytes);
const RETRY_AFTER_SECONDS = 5;
/** Room under the record limit for the routing field an archive line's part gains (schema names are short). */
const RAW_ROUTING_BYTES = 512;

/**
 * Errors that the same request will meet again: fail at once, naming the problem. These stay
 * SinkUnavailableError, access denied included: the port promises it, and the webhook's 503 with
 * Retry-After makes the provider send the rows again once the stream is fixed.
 */
const REFUSALS = new Map<string, (stream: string) => string>([
  ['ResourceNotFoundException', (stream) => `Firehose delivery stream "${stream}" not found`],
  ['AccessDeniedException', (stream) => `not allowed to write to Firehose delivery stream "${stream}"`],
  ['UnrecognizedClientException', (stream) => `credentials not accepted by Firehose for delivery stream "${stream}"`],
  ['InvalidKMSResourceException', (stream) => `Firehose delivery stream "${stream}" cannot use its KMS key`],
  ['InvalidSourceException', (stream) => `Firehose delivery stream "${stream}" does not accept direct puts`],
  ['InvalidArgumentException', (stream) => `Firehose delivery stream "${stream}" refused the records as invalid`],
  ['ValidationException', (stream) => `Firehose delivery stream "${stream}" refused the request as invalid`],
]);
/** Throttling and transient faults, whatever status code they come with. */
const RETRYABLE_ERRORS = new Set([
  'ServiceUnavailableException',
  'ThrottlingException',
  'LimitExceededException',
  'InternalFailure',
  'InternalServerError',
  'RequestTimeout',
  'TimeoutError',
]);

interface Failure {
  readonly code: string;
  readonly cause: unknown;
  readonly retryable: boolean;
}

/** Some records are still unstored after a round of calls; another round may store them. */
class Unstored extends Error {
  constructor(readonly failure: Failure) {
    super(failure.code);
  }
}

interface CallResult {
  /** Records to send again, in their original order. */
  readonly failed: PackedRecord[];
  readonly failure?: Failure;
}

export class FirehoseRecordSink implements RecordSink {
  private readonly options: FirehoseSinkOptions;

  constructor(
    private readonly client: FirehoseClient,
    private readonly deliveryStreamName: string,
    options: Partial<FirehoseSinkOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  async write(batch: LakeBatch, { deadline = Number.POSITIVE_INFINITY }: SinkWriteOptions = {}): Promise<SinkReport> {
    const startedAt = this.options.now();
    // The sink's own budget, or less when the webhook's answer is due sooner.
    const budgetMs = Math.min(this.options.timeBudgetMs, deadline - startedAt);
    let rejected = 0;
    // Rows of one partition, in batch order, share records; the request's archive line joins the
    // first row's (the stream partitions each line after splitting a record, so it still lands in
    // raw/), where it usually fits the 5 KB the record is billed for anyway.
    const partitions = new Map<string, Buffer[]>();
    const add = (key: string, data: Buffer) => {
      const rows = partitions.get(key);
      if (rows) rows.push(data);
      else partitions.set(key, [data]);
    };
    for (const row of batch.rows) {
      const text = this.rowData(batch.schema, row);
      if (text.rejected) rejected += 1;
      add(`${text.table}/${row.dt}`, text.data);
    }
    if (batch.raw !== undefined) {
      const key = partitions.keys().next().value ?? RAW_TABLE;
      for (const part of splitRawEntry(batch.raw, MAX_RECORD_BYTES - RAW_ROUTING_BYTES)) add(key, routed(part.text, { root: 'raw', schema: batch.schema, table: RAW_TABLE, dt: part.dt }));
    }
    const groups = [...partitions.values()];
    // Rows and archive parts alike: what a failure message counts.
    const total = groups.reduce((sum, rows) => sum + rows.length, 0);
    let pending = groups.flatMap((rows) => packRows(rows));
    if (pending.length === 0) return { rejected };
    const { baseDelayMs, maxDelayMs, maxConcurrentCalls, random, sleep, now } = this.options;
    let rounds = 0;
    try {
      await retry(
        async ({ deadline, attempt }) => {
          rounds = attempt;
          const results = await mapWithConcurrency(batchRecords(pending), maxConcurrentCalls, (call) => this.put(call, deadline));
          // Exactly the records that failed are sent again.
          pending = results.flatMap((result) => result.failed);
          const failures = results.flatMap((result) => (result.failure ? [result.failure] : []));
          const fatal = failures.find((failure) => !failure.retryable);
          if (fatal) throw this.refused(fatal, rowsIn(pending), total);
          if (pending.length > 0) throw new Unstored(failures[failures.length - 1]);
        },
        {
          isRetryable: (error) => error instanceof Unstored,
          // The budget covers the serializing above too.
          budgetMs: Math.max(0, budgetMs - (now() - startedAt)),
          baseDelayMs,
          maxDelayMs,
          jitter: 'full',
          random,
          sleep,
          now,
        },
      );
    } catch (error) {
      if (error instanceof Unstored) throw this.gaveUp(error.failure, rowsIn(pending), total, budgetMs);
      throw error;
    }
    return { rejected, retries: rounds - 1 };
  }

  /**
   * The row's text as it goes into a record: the row plus its routing field, or a rejected row when
   * that is over the record limit. The one place a row becomes bytes.
   */
  private rowData(schema: string, row: LakeRow): { data: Buffer; table: LakeRow['table']; rejected: boolean } {
    const data = serialize(schema, row);
    if (data.byteLength <= MAX_RECORD_BYTES) return { data, table: row.table, rejected: false };
    // Stamping already rejects records over the limit; only the routing field's few bytes land here.
    const rejected = rejectedRecord(
      {
        rejectedAt: new Date(this.options.now()).toISOString(),
        reason: `record is ${formatBytes(data.byteLength)} with its routing field; the most Firehose accepts is ${formatBytes(MAX_RECORD_BYTES)}`,
        text: row.text,
        receivedAt: row.receivedAt,
        sequence: row.sequence,
      },
      MAX_RECORD_BYTES,
    );
    const rejectedRow: LakeRow = { table: REJECTED_TABLE, dt: row.dt, text: rawJsonText(rejected), receivedAt: row.receivedAt, sequence: row.sequence };
    return { data: serialize(schema, rejectedRow), table: REJECTED_TABLE, rejected: row.table !== REJECTED_TABLE };
  }

  /** One PutRecordBatch call; never throws, so one failed call does not hide the others' results. */
  private async put(records: PackedRecord[], deadline: number): Promise<CallResult> {
    try {
      const response = await this.client.send(
        new PutRecordBatchCommand({ DeliveryStreamName: this.deliveryStreamName, Records: records.map(({ data }) => ({ Data: data })) }),
        // Backstop for a hung connection: no call outlives the budget.
        { abortSignal: AbortSignal.timeout(Math.max(1, deadline - this.options.now())) },
      );
      if (!response.FailedPutCount) return { failed: [] };
      // Entry i answers record i. A missing answer counts as failed: a resend may duplicate, never lose.
      const answers: (PutRecordBatchResponseEntry | undefined)[] = response.RequestResponses ?? [];
      const failedAt = records.map((_, i) => answers[i] === undefined || answers[i]?.ErrorCode !== undefined);
      const lastError = answers.filter((answer) => answer?.ErrorCode !== undefined).pop();
      const code = lastError?.ErrorCode ?? 'MissingRecordResponse';
      return {
        failed: records.filter((_, i) => failedAt[i]),
        failure: { code, cause: Object.assign(new Error(lastError?.ErrorMessage ?? code), { name: code }), retryable: true },
      };
    } catch (error) {
      return { failed: records, failure: { code: errorName(error), cause: error, retryable: isRetryable(error) } };
    }
  }

  private refused(failure: Failure, unstored: number, total: number): SinkUnavailableError {
    const problem = REFUSALS.get(failure.code)?.(this.deliveryStreamName) ?? `Firehose delivery stream "${this.deliveryStreamName}" refused the records`;
    const detail = failure.cause instanceof Error ? `${failure.code}: ${failure.cause.message}` : failure.code;
    return new SinkUnavailableError(`${problem} (${detail}); ${unstored} of ${total} rows were not stored`, RETRY_AFTER_SECONDS, {
      cause: failure.cause,
    });
  }

  private gaveUp(failure: Failure, unstored: number, total: number, budgetMs: number): SinkUnavailableError {
    return new SinkUnavailableError(
      `${unstored} of ${total} rows could not be stored in Firehose delivery stream "${this.deliveryStreamName}" ` +
        `within ${Math.max(0, budgetMs)} ms; last error: ${failure.code}`,
      RETRY_AFTER_SECONDS,
      { cause: failure.cause },
    );
  }
}

function serialize(schema: string, row: LakeRow): Buffer {
  return routed(row.text, { root: 'lake', schema, table: row.table, dt: row.dt });
}

/**
 * The routing field appended to a row's (or archive line's) text, so the caller's text is untouched (no
 * row has one of its own: _sdc names are refused). No trailing newline: packing puts one between rows,
 * and the delivery stream appends one to every row after splitting, which keeps the files NDJSON.
 */
function routed(text: string, partition: PartitionKeys): Buffer {
  return Buffer.from(withMember(text, `${JSON.stringify(PARTITION_FIELD)}:${JSON.stringify(partition)}`), 'utf8');
}

function rowsIn(records: readonly PackedRecord[]): number {
  return records.reduce((sum, record) => sum + record.rows, 0);
}

function isRetryable(error: unknown): boolean {
  const name = errorName(error);
  if (REFUSALS.has(name)) return false;
  if (RETRYABLE_ERRORS.has(name)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null | undefined)?.$metadata?.httpStatusCode;
  // No HTTP status: no answer came back (connection reset, DNS failure, timeout, abort).
  return status === undefined || status >= 500 || status === 429;
}
