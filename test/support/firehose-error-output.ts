import { gzipSync } from 'node:zlib';

/**
 * Firehose's error output as the Firehose developer guide describes it: per failed record, one
 * JSON document with the record's bytes in base64 (`rawData`) and what went wrong; the documents
 * one after another in an S3 object under the error prefix, gzip when the stream compresses.
 */
export function errorDocument(record: Uint8Array | string, fields: Record<string, unknown> = {}): string {
  const data = typeof record === 'string' ? Buffer.from(record, 'utf8') : Buffer.from(record);
  return JSON.stringify({
    attemptsMade: 1,
    arrivalTimestamp: 1_764_000_000_000,
    errorCode: 'DynamicPartitioning.MetadataExtractionFailed',
    errorMessage: 'Non JSON record provided',
    attemptEndingTimestamp: 1_764_000_060_000,
    rawData: data.toString('base64'),
    ...fields,
  });
}

/** An error object's bytes: the documents, newline-separated unless `separator` says otherwise. */
export function errorObject(documents: readonly string[], options: { gzip?: boolean; separator?: string } = {}): Uint8Array {
  const text = documents.join(options.separator ?? '\n') + (options.separator === undefined ? '\n' : '');
  const bytes = Buffer.from(text, 'utf8');
  return options.gzip === false ? bytes : gzipSync(bytes);
}
