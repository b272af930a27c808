import type { Command } from 'commander';
import { resetTable } from '../../lambdas/app/table-reset';
import { HOOKLAKE_COMMAND } from '../../lambdas/core/deployment-names';
import { ValidationError } from '../../lambdas/core/errors';
import type { CliIo } from '../io';
import { printJson } from '../output';
import type { TargetOptions } from '../target';
import { withBackend, type OpenBackend } from '../with-backend';

export function registerReset(integrations: Command, io: CliIo, open: OpenBackend): void {
  integrations
    .command('reset')
    .description("raise the integration's table version: data_latest and the _latest views start empty; older rows stay in data")
    .argument('<schema>', 'schema of the integration')
    .option('--primary-key <field>', 'a new primary key from this version on')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `\nEvery row carries _sdc_table_version; after a reset, new rows carry the new version, and the _latest views\n` +
        `show only those. Query older rows in <schema>.data (WHERE _sdc_table_version = N). To fill the new version\n` +
        `from the raw archive instead of waiting for new events: ${HOOKLAKE_COMMAND} replay <schema> --from DAY.`,
    )
    .action(async (schema: string, options: { primaryKey?: string; json?: boolean }, command: Command) =>
      withBackend(command, open, async (backend) => {
        const reset = await resetTable({ store: backend.store, catalogSync: backend.catalogSync, clock: () => new Date() }, schema, { primaryKey: options.primaryKey });
        const { integration, previousVersion } = reset;
        if (options.json) printJson(io, { schema: integration.schema, previousVersion, tableVersion: integration.tableVersion, primaryKey: integration.primaryKey ?? null });
        else {
          io.out(`Reset ${integration.schema}: table version ${previousVersion} -> ${integration.tableVersion}.`);
          io.out(`  ${integration.schema}.data_latest and the _latest views now show only rows of version ${integration.tableVersion}; older rows stay in ${integration.schema}.data.`);
          if (options.primaryKey !== undefined) io.out(`  primary key from now on: ${integration.primaryKey}`);
          if (command.optsWithGlobals<TargetOptions>().target === 'aws') io.out('  Warm ingest functions stamp the new version within the token cache time (10 s by default).');
        }
        if (reset.viewsError !== undefined) {
          const reason = reset.viewsError instanceof Error ? reset.viewsError.message : String(reset.viewsError);
          throw new ValidationError(`the table version was raised, but the views could not be re-made yet: ${reason} The stack's catalog function re-makes them when it sees the new version (and retries).`, { cause: reset.viewsError });
        }
      }),
    );
}
