import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type GetObjectCommandOutput,
  type ListObjectsV2CommandInput,
  type ListObjectsV2CommandOutput,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * One S3 bucket in memory behind aws-sdk-client-mock, answering ListObjectsV2 (Prefix, Delimiter,
 * StartAfter, continuation in pages of `pageSize` keys, as S3 does in pages of 1,000), GetObject and
 * PutObject the way S3 does.
 */
export class FakeS3 {
  readonly mock = mockClient(S3Client);
  readonly objects = new Map<string, { body: Uint8Array; lastModified: Date }>();

  constructor(
    readonly bucket: string,
    private readonly pageSize = 2,
  ) {}

  /** An empty bucket, and no call answered otherwise than S3 would. */
  install(): void {
    this.mock.reset();
    this.objects.clear();
    this.mock.on(ListObjectsV2Command).callsFake((input: ListObjectsV2CommandInput) => this.list(input));
    this.mock.on(GetObjectCommand).callsFake(({ Bucket, Key }: { Bucket: string; Key: string }) => {
      this.checkBucket(Bucket);
      const object = this.objects.get(Key);
      if (object === undefined) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
      const body = object.body;
      return { Body: { transformToByteArray: async () => body } } as unknown as GetObjectCommandOutput;
    });
    this.mock.on(PutObjectCommand).callsFake(({ Bucket, Key, Body }: PutObjectCommandInput) => {
      this.checkBucket(Bucket ?? '');
      this.put(Key ?? '', typeof Body === 'string' ? Buffer.from(Body, 'utf8') : (Body as Uint8Array));
      return {};
    });
  }

  put(key: string, body: Uint8Array, lastModified = new Date()): void {
    this.objects.set(key, { body, lastModified });
  }

  text(key: string): string | undefined {
    const object = this.objects.get(key);
    return object && Buffer.from(object.body).toString('utf8');
  }

  private list(input: ListObjectsV2CommandInput): ListObjectsV2CommandOutput {
    this.checkBucket(input.Bucket ?? '');
    const prefix = input.Prefix ?? '';
    const after = input.ContinuationToken ?? input.StartAfter ?? '';
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(prefix) && key > after).sort();
    const entries: { key: string; folder?: string }[] = [];
    const folders = new Set<string>();
    for (const key of keys) {
      const cut = input.Delimiter ? key.indexOf(input.Delimiter, prefix.length) : -1;
      if (cut < 0) entries.push({ key });
      else {
        const folder = key.slice(0, cut + 1);
        if (!folders.has(folder)) entries.push({ key, folder });
        folders.add(folder);
      }
    }
    const page = entries.slice(0, this.pageSize);
    const truncated = entries.length > page.length;
    const last = page[page.length - 1];
    return {
      Contents: page.filter((e) => e.folder === undefined).map((e) => ({ Key: e.key, Size: this.objects.get(e.key)?.body.byteLength, LastModified: this.objects.get(e.key)?.lastModified })),
      CommonPrefixes: page.filter((e) => e.folder !== undefined).map((e) => ({ Prefix: e.folder })),
      IsTruncated: truncated,
      // S3's token is opaque; here it is the last key or folder of the page (past every key in that folder).
      NextContinuationToken: truncated ? (last.folder ? `${last.folder}\uffff` : last.key) : undefined,
      $metadata: {},
    };
  }

  private checkBucket(bucket: string): void {
    if (bucket !== this.bucket) throw Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket' });
  }
}
