/**
 * The local lake as the server runs it: the file sink, and the compactor that merges what it writes
 * (on a thread of its own), told of each write so that a burst is merged as it arrives.
 */
import type { AppLogger, RecordSink } from '../lambdas/app/ports';
import { startCompactorThread } from './compactor-thread';
import { FileLakeSink } from './file-lake-sink';
import type { LakeCompactorOptions } from './lake-compactor';

export interface LocalLake {
  readonly sink: RecordSink;
  /** Waits for writes in flight and the compaction pass in progress. */
  close(): Promise<void>;
}

export function openLocalLake(dataDir: string, logger: AppLogger, options: Omit<LakeCompactorOptions, 'logger'> = {}): LocalLake {
  const compactor = startCompactorThread(dataDir, logger, options);
  const files = new FileLakeSink(dataDir, (written) => compactor.noteWrite(written));
  return {
    // A group commit cannot be cut short: the webhook's deadline is kept by the ingest use case, which stops waiting.
    sink: files,
    async close() {
      await files.close();
      await compactor.stop();
    },
  };
}
