import type { Command } from 'commander';
import { requireIntegration } from '../../lambdas/app/tokens';
import { HOOKLAKE_COMMAND } from '../../lambdas/core/deployment-names';
import { formatSilenceAfter, parseSilenceAfter } from '../../lambdas/core/ingest-counts';
import type { CliIo } from '../io';
import { printJson } from '../output';
import { withBackend, type OpenBackend } from '../with-backend';

/** `integrations silence`: how long a provider may stay quiet before status (and on AWS an alarm) says so. */
export function registerSilence(integrations: Command, io: CliIo, open: OpenBackend): void {
  integrations
    .command('silence')
    .description('flag the integration in "status" (and on AWS raise the SilentIntegrations alarm) when no webhook is accepted for this long')
    .argument('<schema>', 'schema of the integration')
    .argument('<duration>', 'from 15m to 30d, e.g. 90m, 24h, 2d; "off" for no check (the default)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `\nExamples:\n  $ ${HOOKLAKE_COMMAND} integrations silence stitch_iterable 24h\n  $ ${HOOKLAKE_COMMAND} integrations silence stitch_iterable off`)
    .action(async (schema: string, duration: string, options: { json?: boolean }, command: Command) =>
      withBackend(command, open, async (backend) => {
        const seconds = duration.trim().toLowerCase() === 'off' ? undefined : parseSilenceAfter(duration);
        await requireIntegration(backend.store, schema);
        await backend.counts.setSilenceAfter(schema, seconds);
        const silenceAfter = seconds === undefined ? null : formatSilenceAfter(seconds);
        if (options.json) return printJson(io, { schema, silenceAfter });
        io.out(silenceAfter === null ? `${schema}: no silence check.` : `${schema}: flagged in "status" when no webhook is accepted for ${silenceAfter}.`);
      }),
    );
}
