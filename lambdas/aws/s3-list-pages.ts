import { ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';

export interface ListPagesInput {
  readonly prefix: string;
  readonly delimiter?: string;
  /** Keys sort: listing starts past this one (first page only). */
  readonly startAfter?: string;
}

/**
 * Every page of a ListObjectsV2 listing, one call at a time; a failed call becomes what `translate`
 * makes of it (each adapter names its own errors).
 */
export async function* listObjectPages(
  client: S3Client,
  bucket: string,
  { prefix, delimiter, startAfter }: ListPagesInput,
  translate: (error: unknown) => Error,
): AsyncIterable<ListObjectsV2CommandOutput> {
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: delimiter, ContinuationToken: token, StartAfter: token ? undefined : startAfter }));
    } catch (error) {
      throw translate(error);
    }
    yield page;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}
