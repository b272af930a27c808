import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { LocalDynamoCredentials } from './dynalite-server';

/**
 * `<data-dir>/server.json`: written by a running `hooklake serve` so that CLI commands reach its
 * embedded store (which only one process may open) instead of opening the data directory themselves.
 */
export interface RuntimeInfo {
  readonly pid: number;
  readonly url: string;
  readonly dynamoEndpoint: string;
  /** The embedded store refuses requests not signed with these: the file is readable by its owner only. */
  readonly dynamoCredentials: LocalDynamoCredentials;
  readonly startedAt: string;
  /** What a CLI command shows the server to ask it to settle its lake (settle-route.ts); absent in files of older versions. */
  readonly controlKey?: string;
}

export function runtimeFilePath(dataDir: string): string {
  return join(dataDir, 'server.json');
}

export async function writeRuntimeInfo(dataDir: string, info: RuntimeInfo): Promise<void> {
  const path = runtimeFilePath(dataDir);
  // Whole or not at all: a CLI command reading it meanwhile never sees it cut short.
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  // `mode` applies only when the file is created; one left by an earlier run keeps its own.
  await chmod(temp, 0o600);
  await rename(temp, path);
}

export async function removeRuntimeInfo(dataDir: string, pid: number): Promise<void> {
  const current = await readRuntimeInfo(dataDir);
  if (current?.pid === pid) await rm(runtimeFilePath(dataDir), { force: true });
}

/**
 * The running server of this data directory, or undefined when none is. A file left by a killed
 * server is ignored: its process is gone, or (a zombie not yet reaped) its store no longer answers.
 */
export async function findRunningServer(dataDir: string): Promise<RuntimeInfo | undefined> {
  const info = await readRuntimeInfo(dataDir);
  if (!info || !isAlive(info.pid)) return undefined;
  return (await accepts(info.dynamoEndpoint)) ? info : undefined;
}

function accepts(endpoint: string, timeoutMs = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function readRuntimeInfo(dataDir: string): Promise<RuntimeInfo | undefined> {
  try {
    const parsed = JSON.parse(await readFile(runtimeFilePath(dataDir), 'utf8')) as Partial<RuntimeInfo>;
    if (typeof parsed.pid !== 'number' || typeof parsed.url !== 'string' || typeof parsed.dynamoEndpoint !== 'string') return undefined;
    if (typeof parsed.dynamoCredentials?.accessKeyId !== 'string' || typeof parsed.dynamoCredentials.secretAccessKey !== 'string') return undefined;
    return parsed as RuntimeInfo;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
