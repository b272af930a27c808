import type { Command } from 'commander';
import { recoverDeliveries, type RecoveryProgress, type RecoveryReport } from '../../lambdas/app/recover-deliveries';
import { ERROR_ROOT } from '../../lambdas/core/lake-layout';
import { HOOKLAKE_COMMAND } from '../../lambdas/core/deployment-names';
import { RecoveryIncompleteError } from '../../lambdas/core/errors';
import type { CliIo } from '../io';
import { printJson, formatTable } from '../output';
import type { TargetOptions } from '../target';
import { withBackend, type OpenBackend } from '../with-backend';

/** Progress on stderr at most this often, and after the last object. */
const PROGRESS_EVERY_MS = 2000;

const NOTHING_LOCALLY =
  'Nothing to recover on this machine: the local sink answers a webhook only after its rows are written and ' +
  `fsynced to the lake, so no acknowledged row can end up anywhere else. "recover" reads Firehose's error output (${ERROR_ROOT}); ` +
  'run it with --target aws.';

interface RecoverOptions {
  since?: string;
  until?: string;
  dryRun?: boolean;
  json?: boolean;
}

export function registerRecover(program: Command, io: CliIo, open: OpenBackend): void {
  program
    .command('recover')
    .description(`put rows Firehose could not deliver (its error output, ${ERROR_ROOT}) back into their tables, once (AWS)`)
    .option('--since <day>', 'only error output Firehose wrote on or after this day (YYYY-MM-DD, UTC)')
    .option('--until <day>', 'only error output Firehose wrote on or before this day (YYYY-MM-DD, UTC)')
    .option('--dry-run', 'read and count what would be recovered; put and mark nothing')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `\nEach error object is marked recovered (under recovered/ in the lake bucket) once Firehose took all its rows,\n` +
        `so running it again skips it. Examples:\n` +
        `  $ ${HOOKLAKE_COMMAND} --target aws recover --dry-run\n` +
        `  $ ${HOOKLAKE_COMMAND} --target aws recover --since 2026-11-01 --json`,
    )
    .action(async (options: RecoverOptions, command: Command) => {
      if (command.optsWithGlobals<TargetOptions>().target === 'local') {
        if (options.json) return printJson(io, { target: 'local', objects: 0, rows: 0, reason: NOTHING_LOCALLY });
        return io.out(NOTHING_LOCALLY);
      }
      return withBackend(command, open, async (backend) => {
        const recovery = backend.deliveryRecovery?.();
        if (recovery === undefined) return io.out(NOTHING_LOCALLY);
        const report = await recoverDeliveries(
          { ...recovery, clock: () => new Date() },
          { since: options.since, until: options.until, dryRun: options.dryRun, onProgress: progressOnStderr(io) },
        );
        if (options.json) printJson(io, report);
        else printReport(io, report);
        if (report.stoppedBy !== undefined) {
          throw new RecoveryIncompleteError(
            `recovery stopped after ${report.recoveredObjects} error objects (${report.stoppedBy.replace(/\.$/, '')}); fix that and run it again to carry on.`,
          );
        }
      });
    });
}

function progressOnStderr(io: CliIo): (progress: RecoveryProgress) => void {
  let lastAt = 0;
  return ({ done, total, rows }) => {
    const now = Date.now();
    if (done < total && now - lastAt < PROGRESS_EVERY_MS) return;
    lastAt = now;
    io.err(`recover: ${done} of ${total} error objects read, ${rows} rows`);
  };
}

function printReport(io: CliIo, report: RecoveryReport): void {
  const range = report.since || report.until ? ` written ${report.since ?? '…'} to ${report.until ?? '…'}` : '';
  const verb = report.dryRun ? 'would put back' : 'put back';
  io.out(
    `${report.objects} error objects${range}: ${report.alreadyRecovered} recovered before, ` +
      `${report.recoveredObjects} ${report.dryRun ? 'to recover' : 'recovered now'}; ${verb} ${report.rows} rows.`,
  );
  if (report.tables.length > 0) io.out(formatTable(['schema', 'table', 'rows'], report.tables));
  for (const skipped of report.skipped) io.err(`skipped ${skipped.key}: ${skipped.reason} (left in ${ERROR_ROOT})`);
  if (report.dryRun && report.rows > 0) io.err(`(dry run: nothing was put or marked; run without --dry-run to recover)`);
}
