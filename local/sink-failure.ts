/** A local sink's failure to store, as the error its webhooks answer with (503 and Retry-After). */
import { SinkUnavailableError } from '../lambdas/core/errors';
import type { LakeBatch } from '../lambdas/core/rows';

const RETRY_AFTER_SECONDS = 5;

/** What an errno means for someone deciding what to fix. */
const PROBLEMS: Readonly<Record<string, string>> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EIO: 'I/O error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENOTDIR: 'a path component is not a directory',
  ENOENT: 'directory vanished while writing',
};

/** The error for a flush of `batches` that failed with `reason`, counting their rows and naming the problem. */
export function sinkUnavailable(batches: readonly LakeBatch[], dataDir: string, reason: unknown): SinkUnavailableError {
  const rows = batches.reduce((sum, batch) => sum + batch.rows.length + (batch.packed ?? []).reduce((packedSum, packedRows) => packedSum + packedRows.rows, 0), 0);
  return new SinkUnavailableError(`Could not store ${rows} row${rows === 1 ? '' : 's'} in the local lake under ${dataDir}: ${describeFailure(reason)}`, RETRY_AFTER_SECONDS, { cause: reason });
}

function describeFailure(error: unknown): string {
  // Duck-typed, not `instanceof Error`: errors from another realm (a test sandbox) fail that check.
  const errno = error as Partial<NodeJS.ErrnoException> | null | undefined;
  const code = typeof errno?.code === 'string' ? errno.code : undefined;
  const message = typeof errno?.message === 'string' ? errno.message : String(error);
  const problem = code === undefined ? undefined : PROBLEMS[code];
  return problem === undefined ? message : `${problem} (${message})`;
}
