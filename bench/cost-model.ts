/**
 * What webhooks cost on AWS, line by line, from list prices (us-east-1, arm64 Lambda, no free tier)
 * and the stack's own settings: `npm run cost` prints it, the README carries the same table (a unit
 * test keeps them equal), and `npm run bench -- cost` checks the totals against issue 9's targets.
 *
 * Every price is a named constant with the page it comes from; `confirmed: false` marks the ones the
 * pricing pages we could consult did not show (they are the long-standing list prices, to re-check).
 * Every quantity that is not a price is an assumption below, stated in the printed output.
 */
import { PARTITION_FIELD } from '../lambdas/core/lake-layout';
import { packRows, type PackedRecord } from '../lambdas/core/record-packing';
import { ACCESS_LOG_FIELDS } from '../lib/constructs/webhook-api';
import { INGEST_FUNCTION_COST_SETTINGS } from '../lib/hooklake-stack';
import { DEFAULT_TOKEN_CACHE_SECONDS } from '../lambdas/ingest/config';
import { DEFAULT_RAW_ARCHIVE_DAYS, RAW_GZIP_MIN_BYTES, RAW_TABLE, archivedHeaders, rawEntry } from '../lambdas/core/raw-archive';
import { AWS_COUNT_FLUSH_MS } from '../lambdas/app/ingest-counters';

export interface Price {
  readonly service: string;
  readonly usd: number;
  /** How the price reads on its page. */
  readonly text: string;
  readonly source: string;
  /** Seen on a pricing page (or a page quoting it) while writing this model. */
  readonly confirmed: boolean;
}

const MILLION = 1_000_000;
/** Prices per GB are applied to 10^9 bytes: of the two readings of "GB" it gives the higher cost. */
const GB = 1e9;

export const PRICES = {
  httpApiRequest: { service: 'API Gateway', usd: 1.0 / MILLION, text: '$1.00 per million requests (first 300 M a month; metered per 512 KB)', source: 'https://aws.amazon.com/api-gateway/pricing/', confirmed: true },
  lambdaRequest: { service: 'Lambda', usd: 0.2 / MILLION, text: '$0.20 per million requests', source: 'https://aws.amazon.com/lambda/pricing/', confirmed: false },
  lambdaArmGbSecond: { service: 'Lambda', usd: 0.0000133334, text: '$0.0000133334 per GB-second (arm64, first 7.5 B GB-s a month)', source: 'https://aws.amazon.com/lambda/pricing/', confirmed: true },
  dynamoReadUnit: { service: 'DynamoDB', usd: 0.125 / MILLION, text: '$0.125 per million read request units (on demand)', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/', confirmed: true },
  dynamoWriteUnit: { service: 'DynamoDB', usd: 0.625 / MILLION, text: '$0.625 per million write request units (on demand)', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/', confirmed: false },
  kmsRequest: { service: 'KMS', usd: 0.03 / 10_000, text: '$0.03 per 10,000 requests', source: 'https://aws.amazon.com/kms/pricing/', confirmed: false },
  firehoseIngestGb: { service: 'Firehose', usd: 0.029, text: '$0.029 per GB ingested, each record rounded up to 5 KB (5,120 bytes)', source: 'https://aws.amazon.com/firehose/pricing/', confirmed: false },
  firehosePartitionedGb: { service: 'Firehose dynamic partitioning', usd: 0.02, text: '$0.020 per GB delivered', source: 'https://aws.amazon.com/firehose/pricing/', confirmed: false },
  firehoseJqHour: { service: 'Firehose dynamic partitioning', usd: 0.07, text: '$0.07 per JQ processing hour', source: 'https://aws.amazon.com/firehose/pricing/', confirmed: false },
  firehoseObject: { service: 'Firehose dynamic partitioning', usd: 0.005 / 1000, text: '$0.005 per 1,000 S3 objects delivered', source: 'https://aws.amazon.com/firehose/pricing/', confirmed: false },
  s3Put: { service: 'S3', usd: 0.005 / 1000, text: '$0.005 per 1,000 PUT requests (S3 Standard)', source: 'https://aws.amazon.com/s3/pricing/', confirmed: true },
  s3GbMonth: { service: 'S3', usd: 0.023, text: '$0.023 per GB-month (S3 Standard, first 50 TB)', source: 'https://aws.amazon.com/s3/pricing/', confirmed: false },
  logsIngestGb: { service: 'CloudWatch Logs', usd: 0.5, text: '$0.50 per GB ingested (Standard log class)', source: 'https://aws.amazon.com/cloudwatch/pricing/', confirmed: true },
  logsGbMonth: { service: 'CloudWatch Logs', usd: 0.03, text: '$0.03 per GB-month archived (compressed)', source: 'https://aws.amazon.com/cloudwatch/pricing/', confirmed: true },
  xrayTrace: { service: 'X-Ray', usd: 5.0 / MILLION, text: '$5.00 per million traces recorded', source: 'https://aws.amazon.com/xray/pricing/', confirmed: true },
  dataOutGb: { service: 'Data transfer', usd: 0.09, text: '$0.09 per GB out to the internet (first 10 TB a month)', source: 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', confirmed: true },
} as const satisfies Record<string, Price>;

/** Firehose bills each record as a whole number of these. */
const FIREHOSE_BILLING_UNIT = 5 * 1024;
/** HTTP APIs meter a request per this many bytes. */
const HTTP_API_METERING_BYTES = 512 * 1024;

/** Quantities that are not prices; each is printed with the table. */
export const ASSUMPTIONS = {
  eventBytes: 1024,
  arrivalSeconds: 86_400,
  warmDurationMs: { oneEvent: 40, hundredEvents: 60 },
  warmContainers: { oneEvent: 2, hundredEvents: 1 },
  containerLifetimeSeconds: 2 * 3600,
  initDurationMs: 600,
  tokenCacheSeconds: DEFAULT_TOKEN_CACHE_SECONDS,
  // Integrations are kept as long as tokens: their signing keys change as tokens do.
  integrationCacheSeconds: DEFAULT_TOKEN_CACHE_SECONDS,
  kmsCallSeconds: 300,
  bufferingSeconds: 60,
  jqMsPerRow: 0.1,
  logEventOverheadBytes: 26,
  responseWireBytes: 300,
  lakeGzipRatio: 0.2,
  /** A webhook body of RAW_GZIP_MIN_BYTES or more, gzipped at level 1 for the raw archive. */
  rawBodyGzipRatio: 0.25,
  logArchiveRatio: 0.2,
} as const;

/** One way a million events arrive. */
export interface Workload {
  readonly label: string;
  readonly requests: number;
  readonly eventsPerRequest: number;
  readonly warmDurationMs: number;
  readonly warmContainers: number;
}

export const WORKLOADS: readonly Workload[] = [
  { label: '1 M requests of 1 event', requests: MILLION, eventsPerRequest: 1, warmDurationMs: ASSUMPTIONS.warmDurationMs.oneEvent, warmContainers: ASSUMPTIONS.warmContainers.oneEvent },
  { label: '1 M events in 10,000 requests of 100', requests: 10_000, eventsPerRequest: 100, warmDurationMs: ASSUMPTIONS.warmDurationMs.hundredEvents, warmContainers: ASSUMPTIONS.warmContainers.hundredEvents },
];

export interface CostLine {
  readonly name: string;
  readonly price: string;
  readonly usd: number;
}

/**
 * A lake row as the sink sends it: the event's JSON, the `_sdc` columns stamping adds, and the
 * routing member the Firehose sink appends.
 */
export function lakeRowBytes(eventBytes: number): number {
  const systemColumns = { _sdc_received_at: '2026-11-23T10:00:00.000Z', _sdc_batched_at: '2026-11-23T10:00:00.004Z', _sdc_sequence: 1795428000000000000, _sdc_table_version: 0 };
  const routing = { [PARTITION_FIELD]: { root: 'lake', schema: 'stitch_iterable', table: 'data', dt: '2026-11-23' } };
  const members = (object: object) => JSON.stringify(object).length - 2;
  return eventBytes + 1 + members(systemColumns) + 1 + members(routing);
}

/** Headers a provider typically sends, as the archive keeps them (credentials dropped). */
const EXAMPLE_HEADERS = {
  'content-type': 'application/json',
  'content-length': '1025',
  'user-agent': 'Iterable-Webhooks/1.0 (+https://iterable.com)',
  host: 'abcdef1234.execute-api.us-east-1.amazonaws.com',
  'x-amzn-trace-id': 'Root=1-6741e9a0-0a1b2c3d4e5f60718293a4b5',
  'x-forwarded-for': '203.0.113.42',
  'x-forwarded-port': '443',
  'x-forwarded-proto': 'https',
  accept: '*/*',
};

/** One request's raw archive line as the stream gets it, in its rows' records: body (gzipped from RAW_GZIP_MIN_BYTES), kept headers, stamps, routing member. */
export function rawRecordBytes(bodyBytes: number): number {
  const body = Buffer.alloc(bodyBytes);
  const gzippedBody = bodyBytes >= RAW_GZIP_MIN_BYTES ? Buffer.alloc(Math.ceil(bodyBytes * ASSUMPTIONS.rawBodyGzipRatio)) : undefined;
  const entry = rawEntry({ receivedAt: '2026-11-23T10:00:00.000Z', sequence: 1795428000000000000n, tableVersion: 0, headers: archivedHeaders(EXAMPLE_HEADERS), body, gzippedBody });
  const routing = JSON.stringify({ [PARTITION_FIELD]: { root: 'raw', schema: 'stitch_iterable', table: RAW_TABLE, dt: '2026-11-23' } }).length - 1;
  return Buffer.byteLength(entry.text) + routing;
}

/** Example values of the access-log variables, for the length of one line. */
const ACCESS_LOG_EXAMPLE: Readonly<Record<string, string>> = {
  '$context.requestId': 'Kq3bVhkYIAMEbXw=',
  '$context.requestTime': '23/Nov/2026:10:00:00 +0000',
  '$context.identity.sourceIp': '203.0.113.42',
  '$context.identity.userAgent': 'Iterable-Webhooks/1.0 (+https://iterable.com)',
  '$context.routeKey': 'POST /v1/hooks/{token}',
  '$context.status': '200',
  '$context.protocol': 'HTTP/1.1',
  '$context.requestLength': '1024',
  '$context.responseLength': '40',
  '$context.responseLatency': '44',
  '$context.integrationLatency': '41',
  '$context.integrationStatus': '200',
  '$context.integrationErrorMessage': '-',
  '$context.error.message': '-',
};

/** One access-log line as the stage writes it for a stored webhook. */
export function accessLogLineBytes(): number {
  const line = Object.fromEntries(
    Object.entries(ACCESS_LOG_FIELDS).map(([name, variable]) => {
      const value = ACCESS_LOG_EXAMPLE[variable];
      if (value === undefined) throw new Error(`The cost model has no example value for access-log field ${name} (${variable}).`);
      return [name, value];
    }),
  );
  return Buffer.byteLength(JSON.stringify(line));
}

/** The function's "Webhook stored" line (Powertools JSON), written only when its level lets INFO through. */
const STORED_LINE_BYTES = 263;
const LOGS_INFO: readonly string[] = ['TRACE', 'DEBUG', 'INFO'];

/** Lambda samples 1 request a second and 5% of the rest when tracing is ACTIVE. */
function tracesRecorded(workload: Workload): number {
  const reservoir = Math.min(workload.requests, ASSUMPTIONS.arrivalSeconds);
  return reservoir + 0.05 * (workload.requests - reservoir);
}

export function xrayIfActive(workload: Workload): number {
  return tracesRecorded(workload) * PRICES.xrayTrace.usd;
}

export function costLines(workload: Workload): CostLine[] {
  const a = ASSUMPTIONS;
  const settings = INGEST_FUNCTION_COST_SETTINGS;
  const memoryGb = settings.memorySize / 1024;
  const rows = workload.requests * workload.eventsPerRequest;
  const rowBytes = lakeRowBytes(a.eventBytes);
  const bodyBytes = workload.eventsPerRequest * (a.eventBytes + 1);

  const records = recordsOf(workload);
  const billedRecordBytes = billedBytes(records);
  const deliveredBytes = rows * (rowBytes + 1);
  const objects = a.arrivalSeconds / a.bufferingSeconds;
  const coldStarts = workload.warmContainers * (a.arrivalSeconds / a.containerLifetimeSeconds);
  // Loading counters: one write (under 1 KB, one unit) per container per flush interval in which it answered a webhook.
  const counterWrites = workload.warmContainers * Math.min(workload.requests / workload.warmContainers, a.arrivalSeconds / (AWS_COUNT_FLUSH_MS / 1000));
  const readUnits = workload.warmContainers * (a.arrivalSeconds / a.tokenCacheSeconds + a.arrivalSeconds / a.integrationCacheSeconds) + coldStarts;
  const functionLineBytes = LOGS_INFO.includes(settings.loggerLevel) ? STORED_LINE_BYTES + a.logEventOverheadBytes : 0;
  const logBytes = workload.requests * (accessLogLineBytes() + a.logEventOverheadBytes + functionLineBytes);
  const tracing: string = settings.tracing;
  const rawBytes = rawRecordBytes(bodyBytes);
  // The archive line rides in the rows' records: it costs only the 5 KB units it adds to them.
  const rawBilledBytes = billedBytes(recordsOf(workload, true)) - billedRecordBytes;
  const rawDelivered = workload.requests * (rawBytes + 1);
  // Kept rawArchiveDays days: the month's storage is that share of a month of it, at most all of it.
  const rawMonths = Math.min(1, DEFAULT_RAW_ARCHIVE_DAYS / 30);
  const traced = tracing === 'Active';

  const line = (name: string, price: Price, usd: number): CostLine => ({ name, price: price.text, usd });
  return [
    line('API Gateway HTTP API', PRICES.httpApiRequest, workload.requests * Math.ceil(bodyBytes / HTTP_API_METERING_BYTES) * PRICES.httpApiRequest.usd),
    line('Lambda requests', PRICES.lambdaRequest, workload.requests * PRICES.lambdaRequest.usd),
    line(`Lambda duration, ${settings.memorySize} MB`, PRICES.lambdaArmGbSecond, workload.requests * (workload.warmDurationMs / 1000) * memoryGb * PRICES.lambdaArmGbSecond.usd),
    line('Lambda init (cold starts)', PRICES.lambdaArmGbSecond, coldStarts * (a.initDurationMs / 1000) * memoryGb * PRICES.lambdaArmGbSecond.usd),
    line('DynamoDB reads (token, integration, column registry)', PRICES.dynamoReadUnit, readUnits * PRICES.dynamoReadUnit.usd),
    line('DynamoDB writes (loading counters)', PRICES.dynamoWriteUnit, counterWrites * PRICES.dynamoWriteUnit.usd),
    line('KMS, table key aws/dynamodb', PRICES.kmsRequest, workload.warmContainers * (a.arrivalSeconds / a.kmsCallSeconds) * PRICES.kmsRequest.usd),
    line('Firehose ingestion (a request\'s rows packed together)', PRICES.firehoseIngestGb, (workload.requests * billedRecordBytes / GB) * PRICES.firehoseIngestGb.usd),
    line('Firehose dynamic partitioning, data', PRICES.firehosePartitionedGb, (deliveredBytes / GB) * PRICES.firehosePartitionedGb.usd),
    line('Firehose dynamic partitioning, JQ', PRICES.firehoseJqHour, ((rows * a.jqMsPerRow) / 3_600_000) * PRICES.firehoseJqHour.usd),
    line('Firehose dynamic partitioning, objects', PRICES.firehoseObject, objects * PRICES.firehoseObject.usd),
    line('S3 PUTs by Firehose', PRICES.s3Put, objects * PRICES.s3Put.usd),
    line('S3 storage, one month of gzip', PRICES.s3GbMonth, ((deliveredBytes * a.lakeGzipRatio) / GB) * PRICES.s3GbMonth.usd),
    line('CloudWatch Logs ingestion', PRICES.logsIngestGb, (logBytes / GB) * PRICES.logsIngestGb.usd),
    line('CloudWatch Logs storage, one month', PRICES.logsGbMonth, ((logBytes * a.logArchiveRatio) / GB) * PRICES.logsGbMonth.usd),
    line(traced ? 'X-Ray traces' : 'X-Ray traces (tracing off)', PRICES.xrayTrace, traced ? xrayIfActive(workload) : 0),
    line('Data transfer out (responses)', PRICES.dataOutGb, ((workload.requests * a.responseWireBytes) / GB) * PRICES.dataOutGb.usd),
    line('Raw archive: Firehose ingestion (the 5 KB units its line adds to the rows\' records)', PRICES.firehoseIngestGb, ((workload.requests * rawBilledBytes) / GB) * PRICES.firehoseIngestGb.usd),
    line('Raw archive: dynamic partitioning, data', PRICES.firehosePartitionedGb, (rawDelivered / GB) * PRICES.firehosePartitionedGb.usd),
    line('Raw archive: dynamic partitioning, JQ', PRICES.firehoseJqHour, ((workload.requests * a.jqMsPerRow) / 3_600_000) * PRICES.firehoseJqHour.usd),
    line('Raw archive: objects and S3 PUTs', PRICES.firehoseObject, objects * (PRICES.firehoseObject.usd + PRICES.s3Put.usd)),
    line(`Raw archive: S3 storage, ${DEFAULT_RAW_ARCHIVE_DAYS} days of gzip`, PRICES.s3GbMonth, ((rawDelivered * a.lakeGzipRatio * rawMonths) / GB) * PRICES.s3GbMonth.usd),
  ];
}

/** The records one request of the workload makes, as the sink packs them: its rows, and with `archived` its raw archive line after them. */
function recordsOf(workload: Workload, archived = false): PackedRecord[] {
  const rows = Array.from({ length: workload.eventsPerRequest }, () => Buffer.alloc(lakeRowBytes(ASSUMPTIONS.eventBytes)));
  const archive = archived ? [Buffer.alloc(rawRecordBytes(workload.eventsPerRequest * (ASSUMPTIONS.eventBytes + 1)))] : [];
  return packRows([...rows, ...archive]);
}

function billedBytes(records: readonly PackedRecord[]): number {
  return records.reduce((sum, record) => sum + Math.ceil(record.data.byteLength / FIREHOSE_BILLING_UNIT) * FIREHOSE_BILLING_UNIT, 0);
}

function recordsText(workload: Workload): string {
  const records = recordsOf(workload);
  const sizes = [...new Set(records.map((record) => `${record.data.byteLength.toLocaleString('en-US')} bytes`))].join(', ');
  return `${records.length} record${records.length === 1 ? '' : 's'} of ${sizes} (${workload.eventsPerRequest} row${workload.eventsPerRequest === 1 ? '' : 's'})`;
}

export function totalOf(lines: readonly CostLine[]): number {
  return lines.reduce((sum, line) => sum + line.usd, 0);
}

const usd = (value: number): string => `$${value.toFixed(4)}`;

/** The README's cost section, exactly as `npm run cost` prints it. */
export function costReport(): string {
  const a = ASSUMPTIONS;
  const settings = INGEST_FUNCTION_COST_SETTINGS;
  const perWorkload = WORKLOADS.map((workload) => costLines(workload));
  const header = `| line | list price (us-east-1) | ${WORKLOADS.map((workload) => workload.label).join(' | ')} |`;
  const rows = perWorkload[0].map((first, i) => `| ${first.name} | ${first.price} | ${perWorkload.map((lines) => usd(lines[i].usd)).join(' | ')} |`);
  const unpackedIngest = MILLION * FIREHOSE_BILLING_UNIT / GB * PRICES.firehoseIngestGb.usd;
  const totals = `| **total** | | ${perWorkload.map((lines) => `**${usd(totalOf(lines))}**`).join(' | ')} |`;
  const unconfirmed = Object.values(PRICES).filter((price) => !price.confirmed).map((price) => `${price.service} ${price.text.split(/ \(|, (?=each)/)[0]}`);
  return [
    header,
    `| --- | --- | ${WORKLOADS.map(() => '---:').join(' | ')} |`,
    ...rows,
    totals,
    '',
    `Assumptions: the requests arrive evenly over ${a.arrivalSeconds / 3600} hours, for one integration (one partition); an event is ` +
      `${a.eventBytes.toLocaleString('en-US')} bytes of JSON, ${lakeRowBytes(a.eventBytes).toLocaleString('en-US')} bytes as a lake row with its \`_sdc\` columns and routing field. ` +
      `The function has ${settings.memorySize} MB and, warm, takes ${a.warmDurationMs.oneEvent} ms for 1 event and ${a.warmDurationMs.hundredEvents} ms for 100 ` +
      `(mostly the Firehose round trip; not measured on AWS); ${a.warmContainers.oneEvent} and ${a.warmContainers.hundredEvents} warm containers, each living ` +
      `${a.containerLifetimeSeconds / 3600} hours, with a ${a.initDurationMs} ms init (billed). Each warm container reads its token once per ${a.tokenCacheSeconds} s ` +
      `(the token cache) and the integration once per ${a.integrationCacheSeconds} s, the column registry once per cold start; DynamoDB asks KMS for the ` +
      `table key about once per ${a.kmsCallSeconds / 60} minutes per container. Firehose writes one object per partition per ${a.bufferingSeconds} s buffer, ` +
      `gzip to ${a.lakeGzipRatio * 100}% (and log archives to ${a.logArchiveRatio * 100}%); JQ takes ${a.jqMsPerRow} ms a row. ` +
      `A request's rows go to Firehose as ${WORKLOADS.map((workload) => recordsText(workload)).join(' and ')}. The raw archive (on by default, ` +
      `kept ${DEFAULT_RAW_ARCHIVE_DAYS} days) adds one line per request to the same records, of ${WORKLOADS.map((workload) => `${rawRecordBytes(workload.eventsPerRequest * (a.eventBytes + 1)).toLocaleString('en-US')} bytes`).join(' and ')} ` +
      `(the body in base64, gzipped first from ${RAW_GZIP_MIN_BYTES.toLocaleString('en-US')} bytes on, to ${a.rawBodyGzipRatio * 100}%; its headers but credentials; the stamps), ` +
      `making ${WORKLOADS.map((workload) => `${recordsOf(workload, true).length} record${recordsOf(workload, true).length === 1 ? '' : 's'} of ${recordsOf(workload, true).map((record) => record.data.byteLength.toLocaleString('en-US')).join(', ')} bytes`).join(' and ')}; ` +
      `\`rawArchiveDays: 0\` takes those lines away. A stored webhook leaves one ` +
      `access-log line of ${accessLogLineBytes()} bytes plus ${a.logEventOverheadBytes} bytes of event overhead, and no function log line ` +
      `(its Logger's lines from ${settings.loggerLevel} up, Lambda's from WARN up); its metrics are summed in memory and published as at most one ` +
      `log line a minute per warm function, a share of a cent per million requests at any rate that keeps a function busy; the loading counters (\`hooklake status\`) likewise, as at most ` +
      `one DynamoDB write per integration and day every ${AWS_COUNT_FLUSH_MS / 60_000} minute per warm function. ` +
      `A response is ${a.responseWireBytes} bytes on the wire. Prices per GB are ` +
      `applied to 10^9 bytes. Free tiers are left out.`,
    '',
    `Not in the totals: X-Ray, off on the ingest function (tracing ACTIVE would add ${WORKLOADS.map((workload) => usd(xrayIfActive(workload))).join(' and ')}: ` +
      `Lambda traces 1 request a second and 5% of the rest); the "Webhook stored" line at INFO would add ` +
      `${usd((MILLION * (STORED_LINE_BYTES + a.logEventOverheadBytes) / GB) * PRICES.logsIngestGb.usd)} per million requests; Athena at $5 per TB scanned; ` +
      `the catalog function, which runs only when an integration gains columns; fixed monthly charges, whatever the traffic: ` +
      `CloudWatch custom metrics at $0.30 each (the ingest function's counters, one per refusal reason seen) and alarms at $0.10 each. Before rows were packed, every row was a record of its own, ` +
      `billed as 5 KB: Firehose ingestion alone was ${usd(unpackedIngest)} per million events, however they were batched.`,
    '',
    `Prices not confirmed on a pricing page while writing this (long-standing list prices; check them): ${unconfirmed.join('; ')}.`,
  ].join('\n');
}
