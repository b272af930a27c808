/**
 * The local lake as the server runs it: the sink (into the lake's write-ahead log, or straight into
 * files where this Node cannot write the log), and the compactor's thread, which applies the log's
 * sealed segments and merges the files.
 */
import type { AppLogger, RecordSink } from '../lambdas/app/ports';
import { messageOf } from '../lambdas/shared/error-message';
import { startCompactorThread } from './compactor-thread';
import { FileLakeSink } from './file-lake-sink';
import type { LakeCompactorOptions } from './lake-compactor';
import { LakeLogApplier } from './lake-log-apply';
import { canWriteLog } from './lake-log-format';
import { LoggedLakeSink, type LoggedLakeSinkOptions } from './logged-lake-sink';

export interface LocalLake {
  readonly sink: RecordSink;
  /** Resolves once every row written so far is in the lake's files, where queries read them. */
  settle(): Promise<void>;
  /** Waits for writes in flight, their rows' way into the files, and the compaction pass in progress. */
  close(): Promise<void>;
}

export interface LocalLakeOptions extends Omit<LakeCompactorOptions, 'logger'> {
  readonly log?: LoggedLakeSinkOptions;
}

/**
 * Applies what the log still holds (a crash's or a stop's), then opens the lake. The caller is the
 * data directory's one writer: no compactor runs until this one starts.
 */
export function openLocalLake(dataDir: string, logger: AppLogger, options: LocalLakeOptions = {}): LocalLake {
  const { log, ...compactorOptions } = options;
  const recovered = new LakeLogApplier(dataDir).applyAll();
  if (recovered.segments > 0) logger.info("Applied the lake's log left by an earlier run to its files", { segments: recovered.segments, files: recovered.files });
  const compactor = startCompactorThread(dataDir, logger, compactorOptions);
  if (!canWriteLog) {
    const files = new FileLakeSink(dataDir, (written) => compactor.noteWrite(written));
    return {
      sink: files,
      settle: () => Promise.resolve(),
      async close() {
        await files.close();
        await compactor.stop();
      },
    };
  }
  const logged = new LoggedLakeSink(dataDir, compactor, log);
  return {
    // A group commit cannot be cut short: the webhook's deadline is kept by the ingest use case, which stops waiting.
    sink: logged,
    settle: () => logged.settle(),
    async close() {
      await logged.close().catch((error: unknown) =>
        logger.warn("Some rows are still only in the lake's log; the next start applies them", { error: messageOf(error) }),
      );
      await compactor.stop();
    },
  };
}
