import type { AppLogger } from '../lambdas/app/ports';
import { messageOf } from '../lambdas/shared/error-message';
import { pruneRawArchive } from './raw-archive-files';

/** Expired days are looked for at start and then this often: retention is counted in whole days. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** Keeps the local raw archive to its last `days` days while the server runs. */
export function startRawArchiveRetention(dataDir: string, days: number, logger: AppLogger): { stop(): void } {
  const prune = () => {
    pruneRawArchive(dataDir, days, new Date()).then(
      (removed) => removed > 0 && logger.info('Removed expired days of the raw archive', { days: removed, keepDays: days }),
      (error: unknown) => logger.warn('Could not remove expired days of the raw archive', { error: messageOf(error) }),
    );
  };
  prune();
  const timer = setInterval(prune, PRUNE_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
