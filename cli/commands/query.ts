import type { Command } from 'commander';
import { runQuery } from '../../lambdas/app/queries';
import type { CliIo } from '../io';
import { printJson, printTable } from '../output';
import { withBackend, type OpenBackend } from '../with-backend';

export function registerQuery(program: Command, io: CliIo, open: OpenBackend): void {
  program
    .command('query')
    .description('run SQL over the lake: <schema>.data, <schema>.data_latest, <schema>._sdc_rejected')
    .argument('<sql>', 'the SQL statement, quoted')
    .option('--json', 'print a JSON array of row objects')
    .addHelpText('after', '\nExample:\n  $ hooklake query "SELECT event, count(*) FROM stitch_iterable.data GROUP BY 1"')
    .action(async (sql: string, options: { json?: boolean }, command: Command) =>
      withBackend(command, open, async (backend) => {
        const result = await runQuery(
          { ...backend, onNewColumns: (schema, added) => io.err(`New columns in ${schema}.data: ${added.join(', ')}`) },
          sql,
        );
        if (options.json) return printJson(io, result.rows);
        printTable(io, result.columns, result.rows);
      }),
    );
}
