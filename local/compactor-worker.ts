/**
 * The lake compactor's own thread (compactor-thread.ts starts it): the compactor runs here as it would
 * in the server's thread, so its reading, merging and bookkeeping never take the event loop that
 * answers webhooks. Its log lines go back to the server's logger.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AppLogger } from '../lambdas/app/ports';
import type { CompactorWorkerData, FromCompactor, ToCompactor } from './compactor-thread';
import { LakeCompactor } from './lake-compactor';
import { isFileOfSegment, LakeLogApplier } from './lake-log-apply';
import { messageOf } from '../lambdas/shared/error-message';

const APPLY_RETRY_MS = 1000;

const port = parentPort;
if (port === null) throw new Error('compactor-worker.ts runs as a worker thread; start it with startCompactorThread');
const { dataDir, options } = workerData as CompactorWorkerData;

const send = (message: FromCompactor) => port.postMessage(message);
const forward =
  (level: 'info' | 'warn' | 'error'): AppLogger['info'] =>
  (message, ...fields) =>
    send({ type: 'log', level, message, fields: fields.map(cloneable) });
const logger: AppLogger = { info: forward('info'), warn: forward('warn'), error: forward('error') };

const sealed: string[] = [];
// The file names of a segment start with its own name: while it waits to be applied (after a failure, some may exist), merges leave them.
const compactor = new LakeCompactor(dataDir, { ...options, logger, isHeld: (name) => sealed.some((segment) => isFileOfSegment(name, segment)) });
compactor.start();
const applier = new LakeLogApplier(dataDir);
let retry: NodeJS.Timeout | undefined;
let stopping = false;
/** Whether the last try failed: a lasting failure (a full disk) is logged once, not every second. */
let failing = false;

/** Applies the sealed segments in order, each synchronously (lake-log-apply.ts says why); after a failure, again a second later. */
function applySealed(): void {
  retry = undefined;
  while (sealed.length > 0 && !stopping) {
    const segment = sealed[0];
    let files: number;
    try {
      files = applier.apply(segment);
    } catch (error) {
      if (!failing) logger.error("Could not apply the lake's log to its files; retrying every second (its rows are safe in the log)", { segment, error: messageOf(error) });
      failing = true;
      send({ type: 'apply-failed', segment, message: messageOf(error) });
      retry = setTimeout(applySealed, APPLY_RETRY_MS);
      return;
    }
    sealed.shift();
    if (failing) logger.info("The lake's log is applied to its files again", { segment });
    failing = false;
    compactor.noteWrite(files);
    send({ type: 'applied', segment });
  }
}

port.on('message', (message: ToCompactor) => {
  switch (message.type) {
    case 'wrote':
      return compactor.noteWrite(message.files);
    case 'sealed':
      sealed.push(message.segment);
      if (retry === undefined) applySealed();
      return;
    case 'stop':
      // What is left unapplied stays in the log, for the next start.
      stopping = true;
      clearTimeout(retry);
      void compactor.stop().then(() => {
        send({ type: 'stopped' });
        port.close();
      });
  }
});

/** Log fields as plain data: anything a message cannot carry (a function, a class instance's methods) as text. */
function cloneable(fields: Record<string, unknown>): Record<string, unknown> {
  try {
    return structuredClone(fields);
  } catch {
    return JSON.parse(JSON.stringify(fields, (_key, value: unknown) => (typeof value === 'function' ? String(value) : value))) as Record<string, unknown>;
  }
}
