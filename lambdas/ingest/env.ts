/** Environment variables the ingest Lambda reads; the CDK construct sets exactly these. */
export const INGEST_ENV = {
  tokenTableName: 'TOKEN_TABLE_NAME',
  deliveryStreamName: 'DELIVERY_STREAM_NAME',
  /** `on`: each accepted request also goes to the raw archive (`raw/` in the lake bucket); `off` or absent: not. */
  rawArchive: 'RAW_ARCHIVE',
  maxBodyBytes: 'MAX_BODY_BYTES',
  tokenCacheSeconds: 'TOKEN_CACHE_SECONDS',
  /** The function's own lines from this level up: INFO, WARN or ERROR. */
  logLevel: 'INGEST_LOG_LEVEL',
} as const;
