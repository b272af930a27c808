/**
 * Reads the newest files of one lake table on S3 and infers its columns from them, so the Glue
 * table can be kept in step with the data. A sample, not a scan: the newest `days` partitions,
 * and in them the newest objects up to `maxObjects` and `maxBytes` of gzip. An object that does
 * not fit the byte budget whole is read in part (a ranged GET) and its complete lines are used.
 * Decompressed text is capped too (`maxTextBytes`, shared evenly by the objects read): gzip of
 * repetitive JSON expands many times over.
 */
import { createGunzip, constants as zlib } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type _Object, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { columnsOf, type CatalogColumn } from '../core/column-types';
import { AwsSetupError, LakeUnavailableError, NotFoundError, type HooklakeError } from '../core/errors';
import { NON_DATA_FIELDS, normalizePrefix, partitionDateOf, partitionPath, tablePath, type LakeLocation, type LakeTable } from '../core/lake-layout';
import { isJsonObject, type JsonObject } from '../core/rows';
import type { LakeSampler } from '../app/ports';
import { mapWithConcurrency } from '../shared/concurrency';
import { errorName, translateAwsError } from './aws-errors';

export interface S3LakeSamplerOptions {
  /** Most objects read per sample. @default 20 */
  readonly maxObjects?: number;
  /** Most bytes (as stored, gzip) read per sample; it runs before every query, so keep it quick. @default 4 MiB */
  readonly maxBytes?: number;
  /** Newest `dt` partitions looked at. @default 2 */
  readonly days?: number;
  /** Most decompressed bytes kept per sample. @default 128 MiB */
  readonly maxTextBytes?: number;
}

/** What one sample found, and how much it read. */
export interface LakeSample {
  readonly columns: CatalogColumn[];
  readonly objects: number;
  readonly bytes: number;
  readonly records: number;
  /** Non-empty lines that were not a JSON object (e.g. the cut-off last line of a partly read object). */
  readonly unreadableLines: number;
}

const DEFAULTS = { maxObjects: 20, maxBytes: 4 * 1024 * 1024, days: 2, maxTextBytes: 128 * 1024 * 1024 };
/** GetObject calls in flight at once. */
const CONCURRENT_READS = 4;

const WRONG_REGION_ERRORS = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed']);

interface ChosenObject {
  readonly key: string;
  /** Bytes to read from the start of the object; less than its size when it is read in part. */
  readonly bytes: number;
  readonly size: number;
}

export class S3LakeSampler implements LakeSampler {
  private readonly lakePrefix: string;
  private readonly options: Required<S3LakeSamplerOptions>;

  constructor(
    private readonly client: S3Client,
    private readonly location: LakeLocation,
    options: S3LakeSamplerOptions = {},
  ) {
    this.lakePrefix = normalizePrefix(location.lakePrefix);
    this.options = { ...DEFAULTS, ...definedOnly(options) };
  }

  /** Columns of the newest records, `dt` and the routing field left out; [] when the table has no files. */
  async sampleColumns(schema: string, table: LakeTable): Promise<CatalogColumn[]> {
    return (await this.sample(schema, table)).columns;
  }

  async sample(schema: string, table: LakeTable): Promise<LakeSample> {
    const partitions = await this.newestPartitions(schema, table);
    const listed = (await Promise.all(partitions.map((prefix) => this.listObjects(prefix)))).flat();
    const chosen = this.choose(listed);
    const textCap = Math.floor(this.options.maxTextBytes / Math.max(1, chosen.length));
    // Oldest first, so columns come in the order their fields arrived.
    const texts = await mapWithConcurrency([...chosen].reverse(), CONCURRENT_READS, (object) => this.read(object, textCap));
    const counts = { records: 0, unreadableLines: 0 };
    // Records are parsed as columnsOf walks them, so they need not all be held at once.
    const columns = columnsOf(recordsOf(texts, counts), NON_DATA_FIELDS);
    return {
      columns,
      objects: texts.filter((text) => text !== undefined).length,
      bytes: chosen.reduce((sum, object) => sum + object.bytes, 0),
      ...counts,
    };
  }

  /** Prefixes of the newest `dt=YYYY-MM-DD/` partitions, newest first. */
  private async newestPartitions(schema: string, table: LakeTable): Promise<string[]> {
    const tablePrefix = tablePath(schema, table, this.lakePrefix);
    const days: string[] = [];
    await this.listPages(tablePrefix, '/', (page) => {
      for (const common of page.CommonPrefixes ?? []) {
        const day = partitionDateOf((common.Prefix ?? '').slice(tablePrefix.length));
        if (day !== undefined) days.push(day);
      }
    });
    return days
      .sort()
      .reverse()
      .slice(0, this.options.days)
      .map((day) => partitionPath(schema, table, day, this.lakePrefix));
  }

  private async listObjects(prefix: string): Promise<_Object[]> {
    const objects: _Object[] = [];
    await this.listPages(prefix, undefined, (page) => {
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined && !object.Key.endsWith('/') && (object.Size ?? 0) > 0) objects.push(object);
      }
    });
    return objects;
  }

  private async listPages(prefix: string, delimiter: string | undefined, onPage: (page: ListObjectsV2CommandOutput) => void): Promise<void> {
    let token: string | undefined;
    do {
      const page = await this.call('ListObjectsV2', prefix, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: prefix, Delimiter: delimiter, ContinuationToken: token }),
        ),
      );
      onPage(page);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /** The newest objects, newest first, within the object and byte caps. */
  private choose(objects: readonly _Object[]): ChosenObject[] {
    const newestFirst = [...objects].sort(
      (a, b) => (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0) || compare(b.Key ?? '', a.Key ?? ''),
    );
    const chosen: ChosenObject[] = [];
    let budget = this.options.maxBytes;
    for (const object of newestFirst) {
      if (chosen.length === this.options.maxObjects || budget <= 0) break;
      const size = object.Size ?? 0;
      const bytes = Math.min(size, budget);
      chosen.push({ key: object.Key ?? '', bytes, size });
      budget -= bytes;
    }
    return chosen;
  }

  /** The object's text, undefined when it went away since the listing (e.g. a lifecycle rule). */
  private async read(object: ChosenObject, textCap: number): Promise<string | undefined> {
    const partial = object.bytes < object.size;
    let body: Uint8Array;
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: object.key, Range: partial ? `bytes=0-${object.bytes - 1}` : undefined }),
      );
      body = (await response.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (error) {
      if (errorName(error) === 'NoSuchKey') return undefined;
      throw translate(error, 'GetObject', this.location.bucket, object.key);
    }
    return (await decode(body, textCap)).toString('utf8');
  }

  private async call<T>(action: string, key: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw translate(error, action, this.location.bucket, key);
    }
  }
}

/**
 * At most `cap` bytes of the text: gzip data is gunzipped, complete or cut off (then as much as it
 * holds); anything else is taken as it is.
 */
async function decode(body: Uint8Array, cap: number): Promise<Buffer> {
  const data = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (data[0] !== 0x1f || data[1] !== 0x8b) return data.subarray(0, cap);
  // A sync flush at the end decodes a truncated stream instead of failing on it.
  const gunzip = createGunzip({ finishFlush: zlib.Z_SYNC_FLUSH });
  gunzip.end(data);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= cap) break; // leaving the loop destroys the stream
    }
  } catch {
    // Corrupt data: what was decoded before it still counts; the broken line is counted unreadable.
  }
  return Buffer.concat(chunks).subarray(0, cap);
}

function* recordsOf(texts: readonly (string | undefined)[], counts: { records: number; unreadableLines: number }): Generator<JsonObject> {
  for (const text of texts) {
    for (const line of text?.split('\n') ?? []) {
      if (line.trim() === '') continue;
      const record = parseRecord(line);
      if (record === undefined) {
        counts.unreadableLines++;
        continue;
      }
      counts.records++;
      yield record;
    }
  }
}

function parseRecord(line: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** One line naming the S3 action and what to do. */
function translate(error: unknown, action: string, bucket: string, key: string): HooklakeError {
  const name = errorName(error);
  if (name === 'NoSuchBucket') {
    return new NotFoundError(`S3 bucket "${bucket}" of the lake does not exist; check the stack's outputs and the AWS region.`, { cause: error });
  }
  if (WRONG_REGION_ERRORS.has(name)) {
    return new AwsSetupError(`S3 bucket "${bucket}" is in another AWS region (${name}); set --region or AWS_REGION to the stack's region.`, {
      cause: error,
    });
  }
  return translateAwsError(error, {
    service: 's3',
    // IAM's name for what ListObjectsV2 needs.
    action: action === 'ListObjectsV2' ? 'ListBucket' : action,
    resource: `s3://${bucket}/${key}`,
    accessFix: 'use AWS credentials whose IAM policy allows reading the lake bucket.',
    unavailable: (message, cause) => new LakeUnavailableError(message, { cause }),
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
