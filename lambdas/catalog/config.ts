import { requiredString } from '../core/config-values';
import { CATALOG_ENV } from './env';

export interface CatalogLambdaConfig {
  readonly tokenTableName: string;
  readonly lakeBucketName: string;
  readonly lakePrefix: string;
  readonly workGroup: string;
}

/** Read once at cold start; a missing variable fails the init with its name in the message. */
export function readCatalogLambdaConfig(env: NodeJS.ProcessEnv): CatalogLambdaConfig {
  return {
    tokenTableName: requiredString(CATALOG_ENV.tokenTableName, env[CATALOG_ENV.tokenTableName]),
    lakeBucketName: requiredString(CATALOG_ENV.lakeBucketName, env[CATALOG_ENV.lakeBucketName]),
    lakePrefix: requiredString(CATALOG_ENV.lakePrefix, env[CATALOG_ENV.lakePrefix]),
    workGroup: requiredString(CATALOG_ENV.workGroup, env[CATALOG_ENV.workGroup]),
  };
}
