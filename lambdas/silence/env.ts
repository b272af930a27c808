/** Environment variables the silence check reads; the CDK construct sets exactly these. */
export const SILENCE_ENV = {
  tokenTableName: 'TOKEN_TABLE_NAME',
} as const;

/** The metric the check publishes each run (integrations past their threshold), and the alarm watches. */
export const SILENT_INTEGRATIONS_METRIC = 'SilentIntegrations';
