/**
 * The lake compactor (lake-compactor.ts) on a worker thread of its own. In the server's thread its
 * many small reads, gunzips and writes each came back to the event loop, between webhooks: under a
 * burst that was a tenth of the thread's time, and the slowest answers waited behind it.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AppLogger } from '../lambdas/app/ports';
import { messageOf } from '../lambdas/shared/error-message';
import type { LakeCompactorOptions } from './lake-compactor';
import type { SegmentApplier } from './logged-lake-sink';

const NOTE_WRITES_MS = 50;

export interface CompactorWorkerData {
  readonly dataDir: string;
  readonly options: Omit<LakeCompactorOptions, 'logger'>;
}

export type ToCompactor = { readonly type: 'wrote'; readonly files: number } | { readonly type: 'sealed'; readonly segment: string } | { readonly type: 'stop' };
export type FromCompactor =
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string; readonly fields: Record<string, unknown>[] }
  | { readonly type: 'applied'; readonly segment: string }
  | { readonly type: 'apply-failed'; readonly segment: string; readonly message: string }
  | { readonly type: 'stopped' };

/**
 * The thread also applies the lake's log (lake-log-apply.ts): its sealed segments become lake files
 * there, between the compactor's steps, so no merge ever takes a file of a segment not yet deleted.
 */
export interface CompactorThread extends SegmentApplier {
  /** The sink stored `files` files (LakeCompactor.noteWrite): the file sink's, where this Node cannot write the lake's log; applying the log tells the compactor itself. */
  noteWrite(files: number): void;
  /** Waits for the pass in progress, as LakeCompactor.stop does, and ends the thread. */
  stop(): Promise<void>;
}

export function startCompactorThread(dataDir: string, logger: AppLogger, options: Omit<LakeCompactorOptions, 'logger'> = {}): CompactorThread {
  const workerData: CompactorWorkerData = { dataDir, options };
  const worker = workerEntry(workerData);
  let running = true;
  let stopped: Promise<void> | undefined;
  // Segments are applied in the order they are handed over: counting them is enough to know which are done.
  let handed = 0;
  let applied = 0;
  const waiting: { readonly upTo: number; readonly resolve: () => void; readonly reject: (error: Error) => void }[] = [];
  // A thread that ended (stopped, or failed) applies nothing more: what it was handed waits in the log.
  const notApplied = () => new Error("The lake's compaction thread has ended; the rows still in the lake's log reach its files at the next start");
  const settleWaiting = (failure?: Error) => {
    for (let i = waiting.length - 1; i >= 0; i--) {
      const waiter = waiting[i];
      if (failure !== undefined) waiter.reject(failure);
      else if (applied >= waiter.upTo) waiter.resolve();
      else if (!running) waiter.reject(notApplied());
      else continue;
      waiting.splice(i, 1);
    }
  };
  worker.on('message', (message: FromCompactor) => {
    if (message.type === 'log') logger[message.level](message.message, ...message.fields);
    else if (message.type === 'applied') {
      applied += 1;
      settleWaiting();
    } else if (message.type === 'apply-failed') settleWaiting(new Error(`Could not apply the lake's log segment ${message.segment}: ${message.message}`));
    // Its pass is done: nothing is left for the thread to finish.
    else void worker.terminate();
  });
  // Webhooks go on being stored, in the log: their rows reach the lake's files, and queries, at the next start.
  worker.on('error', (error) => logger.error("Lake compaction stopped, and with it the lake's log's way into its files; restart the server to resume them", { error: messageOf(error) }));
  worker.on('exit', () => {
    running = false;
    // Nothing more will be applied in this process: those waiting for it are told so.
    settleWaiting();
  });
  // Like the compactor's timers, the thread never holds the process open.
  worker.unref();
  // Writes are told in sums, at most every NOTE_WRITES_MS: a message per flush would wake the thread hundreds of
  // times a second, each wake taking the event loop's time, for passes that come every busyFiles files anyway.
  let unsent = 0;
  let noting: NodeJS.Timeout | undefined;
  const sendNotes = () => {
    noting = undefined;
    if (running && unsent > 0) worker.postMessage({ type: 'wrote', files: unsent } satisfies ToCompactor);
    unsent = 0;
  };
  return {
    applyLater(segment) {
      handed += 1;
      if (running) worker.postMessage({ type: 'sealed', segment } satisfies ToCompactor);
    },
    applied() {
      if (applied >= handed) return Promise.resolve();
      if (!running) return Promise.reject(notApplied());
      // Held open while someone waits on it: a caller with nothing else to keep the process alive (a CLI, a script) would otherwise just exit.
      worker.ref();
      const done = new Promise<void>((resolve, reject) => waiting.push({ upTo: handed, resolve, reject }));
      void done.catch(() => undefined).finally(() => {
        if (waiting.length === 0 && stopped === undefined) worker.unref();
      });
      return done;
    },
    noteWrite(files) {
      unsent += files;
      if (noting === undefined) {
        noting = setTimeout(sendNotes, NOTE_WRITES_MS);
        noting.unref();
      }
    },
    stop() {
      clearTimeout(noting);
      stopped ??= new Promise<void>((resolve) => {
        if (!running) return resolve();
        // Held open until the pass in progress is done: a merge cut off by the process's exit is a crash's leftover.
        worker.ref();
        worker.once('exit', () => resolve());
        worker.postMessage({ type: 'stop' } satisfies ToCompactor);
      });
      return stopped;
    },
  };
}

/**
 * Built (dist/hooklake.js bundles this file), the worker is the build's compactor-worker.js beside it;
 * from the sources (tsx, jest), the TypeScript through tsx's require hook.
 */
function workerEntry(workerData: CompactorWorkerData): Worker {
  if (__filename.endsWith('.js')) return new Worker(join(__dirname, 'compactor-worker.js'), { workerData });
  const source = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(join(__dirname, 'compactor-worker.ts'))});`;
  return new Worker(source, { eval: true, workerData });
}
