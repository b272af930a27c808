import { Command } from 'commander';
import { openLocalBackend } from './backend';
import { registerIntegrations } from './commands/integrations';
import { registerQuery } from './commands/query';
import { registerServe } from './commands/serve';
import { registerTokens } from './commands/tokens';
import { processIo, type CliIo } from './io';
import type { OpenBackend } from './with-backend';

export const DEFAULT_DATA_DIR = '.hooklake';

/** The `hooklake` command tree; entry points only parse and run it. */
export function buildProgram(io: CliIo = processIo, open: OpenBackend = openLocalBackend): Command {
  const program = new Command('hooklake')
    .description('Webhook events into a data lake: receive them, store every one, query them with SQL.')
    .option('--data-dir <dir>', 'data directory of the local runtime (store and lake)', process.env.HOOKLAKE_DATA_DIR ?? DEFAULT_DATA_DIR)
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nQuick start:\n' +
        '  $ npm start                                                # serve on http://127.0.0.1:8080\n' +
        '  $ npx tsx bin/hooklake.ts integrations create "Stitch Iterable"\n' +
        '  $ npx tsx bin/hooklake.ts query "SELECT * FROM stitch_iterable.data"',
    );
  registerServe(program, io);
  registerIntegrations(program, io, open);
  registerTokens(program, io, open);
  registerQuery(program, io, open);
  return program;
}
