/**
 * The servers the HTTP benchmarks load, each in its own process as it runs for real: Hooklake
 * exactly as `npm start` runs it (`bin/hooklake.js serve`, its logs to a file as a service's would
 * go), and the group-commit receiver. Neither shares an event loop with the load generator.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  close(): Promise<void>;
}

const ROOT = join(__dirname, '..');

/** `hooklake serve --port 0` on `dataDir`; resolves once its server.json names its URL. */
export async function startHooklakeProcess(dataDir: string, extraArgs: readonly string[] = []): Promise<ServerProcess> {
  const log = await open(join(dataDir, '..', 'hooklake-serve.log'), 'a');
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'hooklake.js'), '--data-dir', dataDir, 'serve', '--port', '0', ...extraArgs], {
    stdio: ['ignore', log.fd, log.fd],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  await log.close();
  const url = await waitFor(child, async () => {
    const info = JSON.parse(await readFile(join(dataDir, 'server.json'), 'utf8')) as { url?: string; pid?: number };
    return info.pid === child.pid ? info.url : undefined;
  });
  return { url, pid: child.pid!, close: () => stop(child) };
}

/** The group-commit receiver (group-commit-receiver.ts) writing into `dir`: its log, or a file per group. */
export async function startReceiverProcess(dir: string, mode: 'log' | 'files' = 'log'): Promise<ServerProcess> {
  const child = fork(join(__dirname, 'group-commit-receiver.ts'), [dir, mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { url: string }) => resolve(message.url));
    child.once('exit', (code) => reject(new Error(`group-commit receiver exited with code ${code}`)));
  });
  return { url, pid: child.pid!, close: () => stop(child) };
}

async function waitFor<T>(child: ChildProcess, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`hooklake serve exited with code ${child.exitCode}; see hooklake-serve.log`);
    const found = await probe().catch(() => undefined);
    if (found !== undefined) return found;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`hooklake serve did not start within ${timeoutMs / 1000} s`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
