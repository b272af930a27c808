/**
 * The raw archive and the replay journal on S3, for `hooklake --target aws replay`: the archive's
 * objects under `raw/<schema>/requests/dt=<day>/` (gzip, as the delivery stream writes them), and one
 * journal object per schema under `replays/`.
 */
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { LakeUnavailableError, type HooklakeError } from '../core/errors';
import { PARTITION_COLUMN, partitionDateOf } from '../core/lake-layout';
import { joinRawLines, rawSchemaPath } from '../core/raw-archive';
import type { RawArchiveFile, RawArchiveReader, ReplayJournal, ReplayState } from '../app/ports';
import { errorName, translateAwsError } from './aws-errors';
import { listObjectPages } from './s3-list-pages';

export const REPLAYS_ROOT = 'replays/';

export class S3RawArchive implements RawArchiveReader, ReplayJournal {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async listFiles(schema: string, from: string, to: string): Promise<RawArchiveFile[]> {
    const prefix = rawSchemaPath(schema);
    const files: RawArchiveFile[] = [];
    // Keys sort by day: start at the first day asked for, stop past the last.
    for await (const page of this.pages(prefix, `${prefix}${PARTITION_COLUMN}=${from}`)) {
      for (const object of page.Contents ?? []) {
        const key = object.Key ?? '';
        const dt = partitionDateOf(key.slice(prefix.length).split('/')[0] ?? '');
        if (dt === undefined || dt < from || key.endsWith('/')) continue;
        if (dt > to) return files;
        files.push({ dt, key });
      }
    }
    return files;
  }

  async readFile(file: RawArchiveFile) {
    const bytes = await this.get(file.key);
    const text = (bytes === undefined ? Buffer.alloc(0) : gunzipSync(bytes)).toString('utf8');
    try {
      return joinRawLines(text.split('\n').filter((line) => line !== ''), gunzipSync);
    } catch (error) {
      throw new LakeUnavailableError(`s3://${this.bucket}/${file.key} is not a raw archive object this version can read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  async load(schema: string): Promise<ReplayState | undefined> {
    const bytes = await this.get(`${REPLAYS_ROOT}${schema}.json`);
    return bytes === undefined ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as ReplayState);
  }

  async save(state: ReplayState): Promise<void> {
    const key = `${REPLAYS_ROOT}${state.schema}.json`;
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: JSON.stringify(state, null, 2), ContentType: 'application/json' }));
    } catch (error) {
      throw this.translate(error, 'PutObject', key);
    }
  }

  /** The object's bytes; undefined when there is none. */
  private async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await response.Body?.transformToByteArray();
    } catch (error) {
      if (errorName(error) === 'NoSuchKey') return undefined;
      throw this.translate(error, 'GetObject', key);
    }
  }

  private pages(prefix: string, startAfter: string): AsyncIterable<ListObjectsV2CommandOutput> {
    return listObjectPages(this.client, this.bucket, { prefix, startAfter }, (error) => this.translate(error, 'ListBucket', prefix));
  }

  private translate(error: unknown, action: 'ListBucket' | 'GetObject' | 'PutObject', key: string): HooklakeError {
    return translateAwsError(error, {
      service: 's3',
      action,
      resource: action === 'ListBucket' ? `s3://${this.bucket} (prefix ${key})` : `s3://${this.bucket}/${key}`,
      accessFix: `use AWS credentials whose IAM policy allows s3:${action} there (README, "What the CLI needs").`,
      unavailable: (message, cause) => new LakeUnavailableError(message, { cause }),
    });
  }
}
