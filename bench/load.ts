/** One autocannon run against a URL, in a child process (see load-child.ts). */
import { fork } from 'node:child_process';
import { join } from 'node:path';

export interface LoadRequest {
  readonly url: string;
  readonly body: string;
  readonly connections: number;
  readonly seconds: number;
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  /** Non-2xx answers, socket errors and timeouts: any of them voids the run. */
  readonly failed: number;
  readonly total: number;
}

export function runLoad(request: LoadRequest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // fork reuses this process's execArgv, so the child runs under tsx too.
    const child = fork(join(__dirname, 'load-child.ts'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: LoadResult | undefined;
    child.once('message', (message: LoadResult) => (result = message));
    child.once('error', reject);
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`load generator exited with code ${code}`))));
    child.send(request);
  });
}
