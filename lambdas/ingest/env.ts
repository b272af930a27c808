/** Environment variables the ingest Lambda reads; the CDK construct sets exactly these. */
export const INGEST_ENV = {
  tokenTableName: 'TOKEN_TABLE_NAME',
  deliveryStreamName: 'DELIVERY_STREAM_NAME',
  /** The raw archive's delivery stream; absent: no archive. */
  rawDeliveryStreamName: 'RAW_DELIVERY_STREAM_NAME',
  maxBodyBytes: 'MAX_BODY_BYTES',
  tokenCacheSeconds: 'TOKEN_CACHE_SECONDS',
  /** The function's own lines from this level up: INFO, WARN or ERROR. */
  logLevel: 'INGEST_LOG_LEVEL',
} as const;
