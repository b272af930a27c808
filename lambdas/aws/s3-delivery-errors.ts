/**
 * DeliveryErrorStore on S3: Firehose's error output under `errors/<error-output-type>/dt=<day>/` in
 * the lake bucket, and a marker per recovered object under `recovered/`. Objects are read whole
 * (gzip, when the stream compressed them, is undone here); SDK failures become our named errors.
 */
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { errorKeyOfMarker, recoveredMarkerKey, RECOVERED_ROOT } from '../core/delivery-errors';
import { LakeUnavailableError, NotFoundError, type HooklakeError } from '../core/errors';
import { ERROR_ROOT, PARTITION_COLUMN } from '../core/lake-layout';
import type { DeliveryErrorStore, ErrorObjectRef, RecoveryMarker } from '../app/ports';
import { listObjectPages } from './s3-list-pages';
import { errorName, translateAwsError } from './aws-errors';

const GZIP_MAGIC = [0x1f, 0x8b];

export class S3DeliveryErrorStore implements DeliveryErrorStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  /**
   * Each error type's folder is listed on its own, so `since` can start it at `dt=<since>`: keys
   * sort by day within a type, and earlier days are never fetched.
   */
  async *listErrorObjects(range: { readonly since?: string }): AsyncIterable<ErrorObjectRef> {
    const typeFolders: string[] = [];
    for await (const page of this.pages(ERROR_ROOT, '/')) {
      for (const folder of page.CommonPrefixes ?? []) if (folder.Prefix) typeFolders.push(folder.Prefix);
      // Objects right under errors/ come from another error prefix than the stack's; still Firehose's.
      yield* refsOf(page);
    }
    for (const folder of typeFolders) {
      const startAfter = range.since === undefined ? undefined : `${folder}${PARTITION_COLUMN}=${range.since}`;
      for await (const page of this.pages(folder, undefined, startAfter)) yield* refsOf(page);
    }
  }

  async readErrorObject(key: string): Promise<string> {
    let bytes: Uint8Array;
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (response.Body === undefined) throw new LakeUnavailableError(`s3://${this.bucket}/${key} came back without a body; run again.`);
      bytes = await response.Body.transformToByteArray();
    } catch (error) {
      throw this.translate(error, 'GetObject', key);
    }
    if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
      try {
        bytes = gunzipSync(bytes);
      } catch (error) {
        throw new LakeUnavailableError(`s3://${this.bucket}/${key} is not readable gzip (${errorName(error)}); it was left as it is.`, { cause: error });
      }
    }
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }

  async recoveredKeys(): Promise<ReadonlySet<string>> {
    const keys = new Set<string>();
    for await (const page of this.pages(`${RECOVERED_ROOT}${ERROR_ROOT}`)) {
      for (const object of page.Contents ?? []) {
        const key = object.Key === undefined ? undefined : errorKeyOfMarker(object.Key);
        if (key !== undefined) keys.add(key);
      }
    }
    return keys;
  }

  async markRecovered(key: string, marker: RecoveryMarker): Promise<void> {
    const markerKey = recoveredMarkerKey(key);
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: markerKey, Body: JSON.stringify(marker), ContentType: 'application/json' }),
      );
    } catch (error) {
      throw this.translate(error, 'PutObject', markerKey);
    }
  }

  private pages(prefix: string, delimiter?: string, startAfter?: string): AsyncIterable<ListObjectsV2CommandOutput> {
    return listObjectPages(this.client, this.bucket, { prefix, delimiter, startAfter }, (error) => this.translate(error, 'ListBucket', prefix));
  }

  private translate(error: unknown, action: 'ListBucket' | 'GetObject' | 'PutObject', key: string): HooklakeError {
    const name = errorName(error);
    if (name === 'NoSuchBucket') {
      return new NotFoundError(
        `Bucket "${this.bucket}" not found: the stack's lake bucket is gone, or --stack/--region name another deployment.`,
        { cause: error },
      );
    }
    if (name === 'NoSuchKey') return new LakeUnavailableError(`s3://${this.bucket}/${key} is gone (deleted since it was listed).`, { cause: error });
    const resource = action === 'ListBucket' ? `s3://${this.bucket} (prefix ${key})` : `s3://${this.bucket}/${key}`;
    return translateAwsError(error, {
      service: 's3',
      action,
      resource,
      accessFix: `use AWS credentials whose IAM policy allows s3:${action} there (README, "What the CLI needs").`,
      unavailable: (message, cause) => new LakeUnavailableError(message, { cause }),
    });
  }
}

function refsOf(page: ListObjectsV2CommandOutput): ErrorObjectRef[] {
  return (page.Contents ?? []).flatMap((object) =>
    object.Key === undefined || object.Key.endsWith('/') ? [] : [{ key: object.Key, bytes: object.Size ?? 0, lastModified: object.LastModified }],
  );
}
