import type { Command } from 'commander';
import { DEFAULT_REPORT_DAYS, loadingReport, type IntegrationLoading, type LoadingReport } from '../../lambdas/app/loading-report';
import { positiveInteger } from '../../lambdas/core/config-values';
import { HOOKLAKE_COMMAND } from '../../lambdas/core/deployment-names';
import { COUNT_RETENTION_DAYS } from '../../lambdas/core/ingest-counts';
import type { CliIo } from '../io';
import { formatTable, printJson } from '../output';
import { withBackend, type OpenBackend } from '../with-backend';

interface StatusOptions {
  days: string;
  json?: boolean;
}

export function registerStatus(program: Command, io: CliIo, open: OpenBackend): void {
  program
    .command('status')
    .description('loading report: per integration and day, requests accepted, rows, rejected rows and refusals by reason; last event, token use, silence')
    .argument('[schema]', 'only this integration')
    .option('--days <n>', `days to show, today's included (1 to ${COUNT_RETENTION_DAYS})`, String(DEFAULT_REPORT_DAYS))
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `\nCounted as webhooks are answered, not read from the lake, so it is quick; on AWS each function writes its counts\n` +
        `once a minute, so the last minute may be missing. Flag a provider that goes quiet with\n` +
        `"${HOOKLAKE_COMMAND} integrations silence <schema> 24h". Examples:\n` +
        `  $ ${HOOKLAKE_COMMAND} status\n` +
        `  $ ${HOOKLAKE_COMMAND} --target aws status stitch_iterable --days 30 --json`,
    )
    .action(async (schema: string | undefined, options: StatusOptions, command: Command) =>
      withBackend(command, open, async (backend) => {
        const days = positiveInteger('--days', options.days, DEFAULT_REPORT_DAYS);
        const recovery = backend.deliveryRecovery?.();
        const report = await loadingReport({ store: backend.store, counts: backend.counts, clock: () => new Date(), errors: recovery?.errors }, { schema, days });
        if (options.json) return printJson(io, report);
        printReport(io, report);
      }),
    );
}

function printReport(io: CliIo, report: LoadingReport): void {
  io.out(`Loading report, ${report.days[0]} to ${report.days[report.days.length - 1]} (UTC days), as of ${report.generatedAt}`);
  if (report.integrations.length === 0) io.out(`\nNo integrations yet: ${HOOKLAKE_COMMAND} integrations create "<name>"`);
  for (const integration of report.integrations) printIntegration(io, integration);
  const strays = reasons(report.unattributed.refused, report.unattributed.failed);
  if (strays !== '') io.out(`\nRefused before an integration was known (no token, an unknown or revoked one, a wrong method): ${strays}`);
  if (report.errorOutput !== undefined) {
    const { objects, rows, unreadable } = report.errorOutput;
    io.out(
      `\nFirehose error output: ${rows} rows in ${objects} objects not recovered yet` +
        (unreadable > 0 ? `, ${unreadable} pieces that are no rows of ours` : '') +
        (rows > 0 ? ` (put them back with: ${HOOKLAKE_COMMAND} --target aws recover)` : ''),
    );
  }
}

function printIntegration(io: CliIo, integration: IntegrationLoading): void {
  const silence = integration.silenceAfter === null ? '' : integration.silent ? `  SILENT: nothing for over ${integration.silenceAfter}` : `  (silence alert after ${integration.silenceAfter})`;
  io.out(`\n${integration.schema} (${integration.type})  last event: ${integration.lastEventAt ?? 'none'}${silence}`);
  io.out(indent(formatTable(['day', 'accepted', 'records', 'rejected', 'refused', 'failed'], integration.days)));
  const { totals } = integration;
  io.out(`  total: ${totals.accepted} requests accepted, ${totals.records} rows, ${totals.rejected} rejected rows`);
  const refusals = reasons(totals.refused, totals.failed);
  if (refusals !== '') io.out(`  refused or failed: ${refusals}`);
  for (const token of integration.tokens) io.out(`  token ${token.tokenId} (${token.status}): last used ${token.lastUsedAt ?? 'never (in the last 31 days)'}`);
  if (integration.errorOutputRows !== undefined && integration.errorOutputRows > 0) io.out(`  Firehose error output: ${integration.errorOutputRows} rows not recovered yet`);
}

function reasons(refused: Readonly<Record<string, number>>, failed: Readonly<Record<string, number>>): string {
  return [...Object.entries(refused), ...Object.entries(failed)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
