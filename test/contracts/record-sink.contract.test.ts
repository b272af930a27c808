import {
  FirehoseClient,
  InvalidArgumentException,
  PutRecordBatchCommand,
  ServiceUnavailableException,
  type PutRecordBatchCommandInput,
  type PutRecordBatchCommandOutput,
} from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FirehoseRecordSink } from '../../lambdas/aws/firehose-sink';
import { PARTITION_FIELD, PARTITION_KEY_QUERY } from '../../lambdas/core/lake-layout';
import { subRecordsOf } from '../support/firehose-deaggregation';
import { LAKE_OUTPUT_PREFIX } from '../../lib/constructs/event-lake';
import { FileLakeSink } from '../../local/file-lake-sink';
import { logFolder } from '../../local/lake-log';
import { LoggedLakeSink } from '../../local/logged-lake-sink';
import { inThreadApplier } from '../support/in-thread-applier';
import { describeRecordSinkContract, type StoredRow } from './record-sink.contract';

// --- FileLakeSink on a temporary data directory --------------------------------------------------

/**
 * Rows of every gzip NDJSON file of the lake, file by file in name order. Every file in the data
 * directory must be a lake file: anything else (a temporary file left behind, a file outside
 * `lake/`) is something the sink should not have written.
 */
async function lakeFiles(dataDir: string): Promise<StoredRow[]> {
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dataDir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
  const rows: StoredRow[] = [];
  for (const file of files) {
    if (!/^lake\/.+\.json\.gz$/.test(file)) throw new Error(`Not a lake file: ${file}`);
    const path = file.slice(0, file.lastIndexOf('/') + 1);
    const text = gunzipSync(await readFile(join(dataDir, file))).toString('utf8');
    if (!text.endsWith('\n')) throw new Error(`${file} does not end with a newline`);
    for (const line of text.slice(0, -1).split('\n')) rows.push({ path, record: JSON.parse(line) });
  }
  return rows;
}

describeRecordSinkContract('FileLakeSink on a temporary data directory', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'hooklake-sink-contract-'));
  const sink = new FileLakeSink(dataDir);
  return {
    sink,
    stored: () => lakeFiles(dataDir),
    // A file where the lake directory belongs: no directory can be made under it, even as root.
    breakStorage: async () => {
      await rm(join(dataDir, 'lake'), { recursive: true, force: true });
      await writeFile(join(dataDir, 'lake'), 'in the way');
    },
    close: async () => {
      await sink.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

// --- LoggedLakeSink on a temporary data directory, its log applied in this thread -------------------

describeRecordSinkContract("LoggedLakeSink on a temporary data directory, its log applied as the server's thread applies it", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'hooklake-logged-contract-'));
  const sink = new LoggedLakeSink(dataDir, inThreadApplier(dataDir));
  return {
    sink,
    // Rows reach the lake's files once their segment of the log is applied; nothing may be left in the log after.
    stored: async () => {
      await sink.settle();
      return lakeFiles(dataDir);
    },
    // A file where the log's folder belongs, once the open segment is sealed.
    breakStorage: async () => {
      await sink.settle();
      await rm(logFolder(dataDir), { recursive: true, force: true });
      await writeFile(logFolder(dataDir), 'in the way');
    },
    close: async () => {
      await sink.close().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

// --- FirehoseRecordSink on a fake Firehose that keeps what it accepts ------------------------------

const STREAM = 'hooklake-events';
const firehose = mockClient(FirehoseClient);

/**
 * The keys of the stack's JQ metadata-extraction query, `{name: .a.b, ...}`, as paths into the record.
 * Only that shape is understood: a query of another shape fails the test rather than being guessed at.
 */
function partitionKeyPaths(query: string): Map<string, { path: string[]; otherwise?: string }> {
  const body = /^\{(.*)\}$/s.exec(query.trim());
  if (!body) throw new Error(`The fake Firehose cannot evaluate the JQ query ${query}`);
  const paths = new Map<string, { path: string[]; otherwise?: string }>();
  for (const part of body[1].split(',')) {
    // `.a.b`, or `(.a.b // "default")`: JQ's alternative when the path is missing or null.
    const match = /^\s*(\w+)\s*:\s*(?:((?:\.\w+)+)|\(\s*((?:\.\w+)+)\s*\/\/\s*"(\w+)"\s*\))\s*$/.exec(part);
    if (!match) throw new Error(`The fake Firehose cannot evaluate the JQ query ${query}`);
    const path = (match[2] ?? match[3]).slice(1).split('.');
    paths.set(match[1], match[4] === undefined ? { path } : { path, otherwise: match[4] });
  }
  return paths;
}

/**
 * Where Firehose's dynamic partitioning puts a record: the JQ keys substituted into the stack's
 * output prefix. A key that is missing or not a string sends the record to the error output instead.
 */
function deliveryPrefix(record: Record<string, unknown>): string {
  const keys = new Map<string, string>();
  for (const [name, { path, otherwise }] of partitionKeyPaths(PARTITION_KEY_QUERY)) {
    let value: unknown = record;
    for (const step of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[step] : undefined;
    value ??= otherwise;
    if (typeof value !== 'string' || value === '') return 'errors/partitioning-failed/';
    keys.set(name, value);
  }
  const prefix = LAKE_OUTPUT_PREFIX.replace(/!\{partitionKeyFromQuery:(\w+)\}/g, (_, name: string) => {
    const value = keys.get(name);
    if (value === undefined) throw new Error(`The output prefix uses partition key "${name}", which the JQ query does not extract`);
    return value;
  });
  if (prefix.includes('!{')) throw new Error(`The fake Firehose cannot evaluate the output prefix ${LAKE_OUTPUT_PREFIX}`);
  return prefix;
}

interface FakeFirehoseOptions {
  /**
   * Throttle the first call of each chunk of records (the whole call), as a busy stream does.
   * Whole calls, not single entries: when Firehose fails some entries of a call, the sink resends
   * just those, and they land after entries that came later in the batch. Order within a batch then
   * holds only by `_sdc_sequence`, not in the file, so the contract's order test would not apply.
   */
  readonly throttleFirstAttempt?: boolean;
}

/**
 * A Firehose delivery stream that keeps the records it accepted, refuses what the service refuses
 * (over 500 records or 4 MiB per call, over 1,000 KiB per record), and answers a moment later.
 */
function fakeFirehose(options: FakeFirehoseOptions) {
  const accepted: Uint8Array[] = [];
  const seen = new Set<string>();
  let down = false;
  firehose.reset();
  firehose.on(PutRecordBatchCommand).callsFake(async (input: PutRecordBatchCommandInput): Promise<Partial<PutRecordBatchCommandOutput>> => {
    await new Promise((resolve) => setImmediate(resolve));
    const records = (input.Records ?? []).map((record) => record.Data ?? new Uint8Array());
    if (input.DeliveryStreamName !== STREAM) throw new Error(`Unexpected stream ${input.DeliveryStreamName}`);
    const bytes = records.reduce((sum, data) => sum + data.byteLength, 0);
    if (records.length === 0 || records.length > 500 || bytes > 4 * 1024 * 1024 || records.some((data) => data.byteLength > 1000 * 1024)) {
      throw new InvalidArgumentException({ message: 'Records exceed the limits of PutRecordBatch.', $metadata: { httpStatusCode: 400 } });
    }
    if (down) throw new ServiceUnavailableException({ message: 'Slow down.', $metadata: { httpStatusCode: 503 } });
    const first = Buffer.from(records[0]).toString('utf8');
    if (options.throttleFirstAttempt && !seen.has(first)) {
      seen.add(first);
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    }
    accepted.push(...records.map((data) => Uint8Array.from(data)));
    return { FailedPutCount: 0, Encrypted: false, RequestResponses: records.map((_, i) => ({ RecordId: `r${accepted.length - records.length + i}` })) };
  });
  return {
    breakStorage: async () => {
      down = true;
    },
    /**
     * What the S3 objects would hold: each accepted record split at the stack's deaggregation
     * delimiter (at most 500 sub-records a record, as Firehose deaggregates), each sub-record ended by
     * the newline that the append-delimiter processor adds, under the prefix dynamic partitioning
     * gives it; read back as NDJSON with the routing field dropped.
     */
    stored: async (): Promise<StoredRow[]> => {
      const objects = new Map<string, string>();
      for (const data of accepted) {
        const subRecords = subRecordsOf(data);
        if (subRecords.length > 500) throw new Error(`A record of ${subRecords.length} sub-records: Firehose deaggregates at most 500`);
        for (const text of subRecords) {
          const prefix = deliveryPrefix(JSON.parse(text) as Record<string, unknown>);
          objects.set(prefix, (objects.get(prefix) ?? '') + text + '\n');
        }
      }
      return [...objects].flatMap(([path, ndjson]) =>
        ndjson
          .slice(0, -1)
          .split('\n')
          .map((line) => {
            const record = JSON.parse(line) as Record<string, unknown>;
            delete record[PARTITION_FIELD];
            return { path, record };
          }),
      );
    },
  };
}

for (const [name, options] of [
  ['FirehoseRecordSink on a fake Firehose', {}],
  ['FirehoseRecordSink on a fake Firehose that throttles each first attempt', { throttleFirstAttempt: true }],
] as const) {
  describeRecordSinkContract(name, async () => {
    const fake = fakeFirehose(options);
    // The budget runs on a clock only the backoffs move (all writers' alike): a busy machine cannot use it up,
    // and with the storage down the sink gives up after a minute of backoffs that take no real time.
    let clock = Date.parse('2026-11-23T10:00:00.000Z');
    const sink = new FirehoseRecordSink(new FirehoseClient({ region: 'eu-west-1' }), STREAM, {
      timeBudgetMs: 60_000,
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
      random: () => 0.5,
    });
    return { sink, stored: fake.stored, breakStorage: fake.breakStorage, close: async () => undefined };
  });
}
