import { Option, type Command } from 'commander';
import { runQuery } from '../../lambdas/app/queries';
import type { CliIo } from '../io';
import { HOOKLAKE_COMMAND } from '../../lambdas/core/deployment-names';
import { printJson, printRows } from '../output';
import { withBackend, type OpenBackend } from '../with-backend';

export function registerQuery(program: Command, io: CliIo, open: OpenBackend): void {
  program
    .command('query')
    .description('run SQL over the lake: <schema>.data, <schema>.data_latest, <schema>._sdc_rejected')
    .argument('<sql>', 'the SQL statement, quoted')
    .option('--json', 'print a JSON array of row objects')
    .addOption(new Option('--wide', 'print every value whole instead of cutting long ones').conflicts(['json', 'vertical']))
    .addOption(new Option('-x, --vertical', 'print one line per column and a block per row, values whole').conflicts('json'))
    .addHelpText(
      'after',
      `\nExamples:\n  $ ${HOOKLAKE_COMMAND} query "SELECT event, count(*) FROM stitch_iterable.data GROUP BY 1"\n` +
        `  $ ${HOOKLAKE_COMMAND} query --json "SELECT * FROM stitch_iterable.data LIMIT 5" | jq '.[].email'`,
    )
    .action(async (sql: string, options: { json?: boolean; wide?: boolean; vertical?: boolean }, command: Command) =>
      withBackend(command, open, async (backend) => {
        const result = await runQuery(
          { ...backend, onNewColumns: (schema, added) => io.err(`New columns in ${schema}.data: ${added.join(', ')}`) },
          sql,
        );
        if (options.json) return printJson(io, result.rows);
        printRows(io, result.columns, result.rows, options.vertical ? 'vertical' : options.wide ? 'wide' : 'table');
      }),
    );
}
