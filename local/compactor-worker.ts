/**
 * The lake compactor's own thread (compactor-thread.ts starts it): the compactor runs here as it would
 * in the server's thread, so its reading, merging and bookkeeping never take the event loop that
 * answers webhooks. Its log lines go back to the server's logger.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AppLogger } from '../lambdas/app/ports';
import type { CompactorWorkerData, FromCompactor, ToCompactor } from './compactor-thread';
import { LakeCompactor } from './lake-compactor';

const port = parentPort;
if (port === null) throw new Error('compactor-worker.ts runs as a worker thread; start it with startCompactorThread');
const { dataDir, options } = workerData as CompactorWorkerData;

const send = (message: FromCompactor) => port.postMessage(message);
const forward =
  (level: 'info' | 'warn' | 'error'): AppLogger['info'] =>
  (message, ...fields) =>
    send({ type: 'log', level, message, fields: fields.map(cloneable) });
const logger: AppLogger = { info: forward('info'), warn: forward('warn'), error: forward('error') };

const compactor = new LakeCompactor(dataDir, { ...options, logger });
compactor.start();
port.on('message', (message: ToCompactor) => {
  if (message.type === 'wrote') compactor.noteWrite(message.files);
  else
    void compactor.stop().then(() => {
      send({ type: 'stopped' });
      port.close();
    });
});

/** Log fields as plain data: anything a message cannot carry (a function, a class instance's methods) as text. */
function cloneable(fields: Record<string, unknown>): Record<string, unknown> {
  try {
    return structuredClone(fields);
  } catch {
    return JSON.parse(JSON.stringify(fields, (_key, value: unknown) => (typeof value === 'function' ? String(value) : value))) as Record<string, unknown>;
  }
}
