import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type TableStatus,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { ownerOnlyFolder } from './owner-only-folder';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { IntegrationStoreUnavailableError } from '../lambdas/core/errors';
import { errorName } from '../lambdas/aws/aws-errors';
import { tokenTableDefinition } from '../lambdas/aws/token-table-definition';
import { retry } from '../lambdas/shared/retry';
import { admitOnlySigned, type LocalDynamoCredentials } from './dynalite-guard';

export type { LocalDynamoCredentials } from './dynalite-guard';

export interface EmbeddedDynamo {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly credentials: LocalDynamoCredentials;
  close(): Promise<void>;
}

export interface EmbeddedDynamoOptions {
  /**
   * Called when a request that may change the store arrives, and again when it has been answered:
   * every writer (this process or a CLI command) goes through this endpoint, so the owner can drop
   * what it keeps of the store at once.
   */
  readonly onWrite?: () => void;
}

/** Operations that never change the store; anything else counts as a write. */
const READ_OPERATIONS: ReadonlySet<string> = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'DescribeTable', 'ListTables', 'DescribeTimeToLive']);

/**
 * Starts dynalite on `<dataDir>/store` (LevelDB), listening on a free port of 127.0.0.1.
 * LevelDB admits one process per directory; a second one gets an IntegrationStoreUnavailableError.
 */
export async function startEmbeddedDynamo(dataDir: string, options: EmbeddedDynamoOptions = {}): Promise<EmbeddedDynamo> {
  const store = storePath(dataDir);
  await mkdir(dataDir, { recursive: true });
  // It holds signing keys as they are.
  await ownerOnlyFolder(store);
  // dynalite cannot report a failed open: its first request on an unopened store throws from a
  // callback and kills the process. So take and release the lock ourselves first; the window
  // before dynalite takes it again is a few milliseconds.
  await probeStore(dataDir, store);
  const server = dynalite({ path: store, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const { onWrite } = options;
  if (onWrite !== undefined) server.prependListener('request', (request, response) => observeWrite(request, response, onWrite));
  // Last, so that only requests it admits reach dynalite and the write observer.
  const credentials = newCredentials();
  admitOnlySigned(server, credentials);
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    credentials,
    close: () => closeServer(server),
  };
}

function newCredentials(): LocalDynamoCredentials {
  return { accessKeyId: `hooklake-${randomBytes(24).toString('hex')}`, secretAccessKey: randomBytes(32).toString('base64url') };
}

function observeWrite(request: IncomingMessage, response: ServerResponse, onWrite: () => void): void {
  const target = request.headers['x-amz-target'];
  const operation = typeof target === 'string' ? target.slice(target.indexOf('.') + 1) : '';
  if (READ_OPERATIONS.has(operation)) return;
  onWrite();
  // Again once answered: a read that raced the write may have been kept in between.
  response.once('close', onWrite);
}

/** Where a data directory keeps its integrations and token hashes. */
export function storePath(dataDir: string): string {
  return join(dataDir, 'store');
}

/** A client for the embedded endpoint, with the credentials of its run. */
export function localDynamoClient(endpoint: string, credentials: LocalDynamoCredentials): DynamoDBClient {
  return new DynamoDBClient({ region: 'local', endpoint, credentials });
}

/** How often, and how long, to check that a new token table is ACTIVE (dynalite makes it at once). */
const TABLE_POLL_MS = 50;
const TABLE_WAIT_MS = 10_000;

/** Creates the token table when it is missing and waits until it is ACTIVE. */
export async function ensureTokenTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const status = await tableStatus(client, tableName);
  if (status === 'ACTIVE') return;
  if (status === undefined) await createTokenTable(client, tableName);
  try {
    await retry(
      async () => {
        const now = await tableStatus(client, tableName);
        if (now !== 'ACTIVE') throw new NotActive(now);
      },
      { isRetryable: (error) => error instanceof NotActive, budgetMs: TABLE_WAIT_MS, baseDelayMs: TABLE_POLL_MS, maxDelayMs: TABLE_POLL_MS, jitter: 'none' },
    );
  } catch (error) {
    if (!(error instanceof NotActive)) throw error;
    throw new IntegrationStoreUnavailableError(`The token table "${tableName}" is still ${error.status ?? 'missing'} after ${TABLE_WAIT_MS / 1000} s.`);
  }
}

async function createTokenTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(tokenTableDefinition(tableName)));
  } catch (error) {
    // Another process created it first: fine.
    if (errorName(error) !== 'ResourceInUseException') {
      throw new IntegrationStoreUnavailableError(`Could not create the token table "${tableName}": ${String(error)}`, { cause: error });
    }
  }
}

class NotActive extends Error {
  constructor(readonly status: TableStatus | undefined) {
    super(`token table is ${status ?? 'missing'}`);
  }
}

async function tableStatus(client: DynamoDBClient, tableName: string): Promise<TableStatus | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return undefined;
    throw new IntegrationStoreUnavailableError(`Could not describe the token table "${tableName}": ${String(error)}`, { cause: error });
  }
}

interface LevelProbe {
  open(): Promise<void>;
  close(): Promise<void>;
}

/** Opens and closes the LevelDB store with the `level` that dynalite itself uses. */
async function probeStore(dataDir: string, storePath: string): Promise<void> {
  const levelPath = require.resolve('level', { paths: [dirname(require.resolve('dynalite'))] });
  const { Level } = require(levelPath) as { Level: new (path: string) => LevelProbe };
  const probe = new Level(storePath);
  try {
    await probe.open();
  } catch (error) {
    if (isLocked(error)) {
      throw new IntegrationStoreUnavailableError(
        `The data directory ${dataDir} is in use by another hooklake process; stop it, or use another --data-dir.`,
        { cause: error },
      );
    }
    throw new IntegrationStoreUnavailableError(`Could not open the local store in ${storePath}: ${String(error)}`, { cause: error });
  }
  await probe.close();
}

function isLocked(error: unknown): boolean {
  const codes = [error, (error as { cause?: unknown } | undefined)?.cause].map((e) => (e as { code?: unknown } | undefined)?.code);
  return codes.includes('LEVEL_LOCKED');
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    // dynalite's close() also closes LevelDB, releasing the directory lock.
    server.close((error) => (error ? reject(error) : resolve()));
    // Clients keep connections alive; without this, close() waits for them to time out.
    server.closeIdleConnections();
  });
}
