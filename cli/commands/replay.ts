import type { Command } from 'commander';
import { replayArchive, type ReplayProgress, type ReplayReport } from '../../lambdas/app/replay-archive';
import { DEFAULT_MAX_BODY_BYTES } from '../../lambdas/core/decode-body';
import { HOOKLAKE_COMMAND } from '../../lambdas/core/deployment-names';
import { ValidationError } from '../../lambdas/core/errors';
import { DEFAULT_MAX_RECORD_BYTES } from '../../lambdas/core/stamp';
import { processIo, type CliIo } from '../io';
import { printJson } from '../output';
import type { TargetOptions } from '../target';
import { withBackend, type OpenBackend } from '../with-backend';

/** A progress line at most this often where stderr is no terminal (a log), and always the first and last. */
const PROGRESS_EVERY_MS = 1000;
const BAR_WIDTH = 30;

interface ReplayCommandOptions {
  from: string;
  to?: string;
  primaryKey?: string;
  json?: boolean;
}

export function registerReplay(program: Command, io: CliIo, open: OpenBackend): void {
  program
    .command('replay')
    .description('derive rows again from the raw archive into a new table version (after changing the primary key or a mapping)')
    .argument('<schema>', 'schema of the integration')
    .requiredOption('--from <day>', 'required: first day of archived requests to replay (YYYY-MM-DD, UTC, by arrival)')
    .option('--to <day>', 'last day (YYYY-MM-DD, UTC; default today)')
    .option('--primary-key <field>', 'a new primary key for the new version')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `\nThe table version goes up first (as "integrations reset" does), so data_latest\n` +
        `shows only replayed rows and newer webhooks. Running the same replay again\n` +
        `carries on where it stopped, and writes nothing twice.\n` +
        `Example:\n  $ ${HOOKLAKE_COMMAND} replay stitch_customerio --from 2026-11-01 --primary-key delivery_id`,
    )
    .action(async (schema: string, options: ReplayCommandOptions, command: Command) =>
      withBackend(command, open, async (backend) => {
        const sources = backend.replaySources?.();
        if (sources === undefined) throw new ValidationError('This backend keeps no raw archive to replay.');
        // The journal makes a stopped replay resumable: say so instead of dying silently.
        const interrupted = () => {
          io.err(`\nreplay interrupted: run the same command again to carry on where it stopped (nothing is written twice).`);
          process.exit(130);
        };
        process.once('SIGINT', interrupted);
        const report = await replayArchive(
          { store: backend.store, catalogSync: backend.catalogSync, clock: () => new Date(), maxBodyBytes: DEFAULT_MAX_BODY_BYTES, maxRecordBytes: DEFAULT_MAX_RECORD_BYTES, ...sources },
          schema,
          { from: options.from, to: options.to, primaryKey: options.primaryKey, onProgress: progressBar(io) },
        ).finally(() => process.off('SIGINT', interrupted));
        if (options.json) printJson(io, report);
        else printSummary(io, report);
        if (!options.json && command.optsWithGlobals<TargetOptions>().target === 'aws') io.err('Firehose delivers the replayed rows to the lake within about a minute. Requests of the last minute before the reset reach raw/ a buffer later: run the same command again in a few minutes to take them.');
      }),
    );
}

/** A bar on stderr: redrawn in place on a terminal, a line a second otherwise. */
function progressBar(io: CliIo): (progress: ReplayProgress) => void {
  const inPlace = io === processIo && process.stderr.isTTY === true;
  let lastAt = 0;
  return ({ files, totalFiles, requests, rows }) => {
    const now = Date.now();
    const last = files === totalFiles;
    if (!last && files > 0 && now - lastAt < PROGRESS_EVERY_MS) return;
    lastAt = now;
    const filled = totalFiles === 0 ? BAR_WIDTH : Math.round((files / totalFiles) * BAR_WIDTH);
    const line = `replay [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${files}/${totalFiles} files, ${requests} requests, ${rows} rows (data and _sdc_rejected)`;
    if (inPlace) process.stderr.write(`\r${line}${last ? '\n' : ''}`);
    else io.err(line);
  };
}

function printSummary(io: CliIo, report: ReplayReport): void {
  const { schema, from, to, tableVersion, previousVersion } = report;
  const version = report.resumed ? `carried on into table version ${tableVersion}` : `table version ${previousVersion} -> ${tableVersion}`;
  io.out(`Replayed ${schema} from ${from} to ${to}: ${version}.`);
  io.out(`  ${report.files} of ${report.totalFiles} archive files read (${report.totalFiles - report.files} done before), ${report.requests} requests`);
  io.out(`  ${report.records} rows to ${schema}.data, ${report.rejected} to ${schema}._sdc_rejected`);
  for (const skipped of report.skipped) io.err(`skipped a request received ${skipped.receivedAt}: ${skipped.reason}`);
  if (report.totalFiles === 0) io.err(`The archive holds nothing for ${schema} in those days (see serve --raw-archive-days).`);
}
