import { stat } from 'node:fs/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HOOKLAKE_COMMAND } from '../lambdas/core/deployment-names';
import { NotFoundError } from '../lambdas/core/errors';
import { DynamoIntegrationStore } from '../lambdas/aws/dynamo-store';
import { LOCAL_TOKEN_TABLE_NAME } from '../lambdas/core/deployment-names';
import { DynamoIngestCountStore } from '../lambdas/aws/dynamo-ingest-counts';
import type { IngestCountStore, IntegrationStore } from '../lambdas/app/ports';
import { ensureTokenTable, localDynamoClient, startEmbeddedDynamo, storePath, type EmbeddedDynamoOptions, type LocalDynamoCredentials } from './dynalite-server';
import { findRunningServer } from './runtime-file';

export interface LocalStore {
  readonly store: IntegrationStore;
  /** Loading-report counters, in the same table. */
  readonly counts: IngestCountStore;
  readonly endpoint: string;
  readonly credentials: LocalDynamoCredentials;
  /** URL of the running server whose store this is, when one runs. */
  readonly serverUrl?: string;
  /** The running server's key for asking it to settle its lake (settle-route.ts). */
  readonly controlKey?: string;
  close(): Promise<void>;
}

/**
 * The integration store of a data directory: the running server's embedded DynamoDB when there is
 * one (LevelDB admits one process), else an embedded one of our own for as long as we need it.
 */
export async function openLocalStore(dataDir: string, options: { readonly mayCreate?: boolean } = {}): Promise<LocalStore> {
  const running = await findRunningServer(dataDir);
  if (running) {
    const client = localDynamoClient(running.dynamoEndpoint, running.dynamoCredentials);
    return { ...storeOn(client, running.dynamoEndpoint, running.dynamoCredentials, async () => client.destroy()), serverUrl: running.url, controlKey: running.controlKey };
  }
  if (!options.mayCreate && !(await holdsStore(dataDir))) {
    // A mistyped --data-dir would otherwise become a new, empty Hooklake.
    throw new NotFoundError(
      `No Hooklake data in ${dataDir}: pass the --data-dir that "npm start" or "${HOOKLAKE_COMMAND} serve" used (default .hooklake in the folder you ran it from), or create an integration there first.`,
    );
  }
  return startOwnStore(dataDir);
}

/** Starts the embedded DynamoDB on the data directory and makes sure the token table exists. */
export async function startOwnStore(dataDir: string, options: EmbeddedDynamoOptions = {}): Promise<LocalStore> {
  const dynamo = await startEmbeddedDynamo(dataDir, options);
  const client = localDynamoClient(dynamo.endpoint, dynamo.credentials);
  try {
    await ensureTokenTable(client, LOCAL_TOKEN_TABLE_NAME);
  } catch (error) {
    client.destroy();
    await dynamo.close();
    throw error;
  }
  return storeOn(client, dynamo.endpoint, dynamo.credentials, async () => {
    client.destroy();
    await dynamo.close();
  });
}

async function holdsStore(dataDir: string): Promise<boolean> {
  return stat(storePath(dataDir)).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

function storeOn(client: DynamoDBClient, endpoint: string, credentials: LocalDynamoCredentials, close: () => Promise<void>): LocalStore {
  return { store: new DynamoIntegrationStore(client, LOCAL_TOKEN_TABLE_NAME), counts: new DynamoIngestCountStore(client, LOCAL_TOKEN_TABLE_NAME), endpoint, credentials, close };
}
