/** Environment variables the catalog Lambda reads; the CDK construct sets exactly these. */
export const CATALOG_ENV = {
  tokenTableName: 'TOKEN_TABLE_NAME',
  lakeBucketName: 'LAKE_BUCKET_NAME',
  lakePrefix: 'LAKE_PREFIX',
  workGroup: 'ATHENA_WORKGROUP',
} as const;
