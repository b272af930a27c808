import { Command, Option } from 'commander';
import { DEFAULT_STACK_NAME } from '../lambdas/core/deployment-names';
import { registerConsole } from './commands/console';
import { registerIntegrations } from './commands/integrations';
import { registerQuery } from './commands/query';
import { registerRecover } from './commands/recover';
import { registerReplay } from './commands/replay';
import { registerServe } from './commands/serve';
import { registerStatus } from './commands/status';
import { registerTokens } from './commands/tokens';
import { HOOKLAKE_COMMAND } from '../lambdas/core/deployment-names';
import { processIo, type CliIo } from './io';
import { TARGETS } from './target';
import type { OpenBackend, OpenOptions } from './with-backend';

export const DEFAULT_DATA_DIR = '.hooklake';

function version(): string {
  return (require('../package.json') as { version: string }).version;
}

/** The `hooklake` command tree; entry points only parse and run it. */
export function buildProgram(io: CliIo = processIo, open: OpenBackend = (options) => openBackend(options, io)): Command {
  const program = new Command('hooklake')
    .description('Webhook events into a data lake: receive them, store every one, query them with SQL.')
    .version(version(), '-V, --version', 'print the Hooklake version')
    .addOption(new Option('--data-dir <dir>', 'data directory of the local runtime (store and lake)').default(DEFAULT_DATA_DIR).env('HOOKLAKE_DATA_DIR'))
    .addOption(new Option('--target <target>', 'where Hooklake runs: this machine, or the deployed AWS stack').choices(TARGETS).default('local').env('HOOKLAKE_TARGET'))
    .addOption(new Option('--stack <name>', 'CloudFormation stack of the AWS deployment (with --target aws)').default(DEFAULT_STACK_NAME).env('HOOKLAKE_STACK'))
    .addOption(new Option('--region <region>', 'AWS region of the stack (default: AWS_REGION or your profile\'s)'))
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    // Every subcommand's --help lists these too: they go before or after the subcommand alike.
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nQuick start:\n' +
        '  $ npm start                                                # serve on http://127.0.0.1:8080\n' +
        `  $ ${HOOKLAKE_COMMAND} integrations create "Stitch Iterable"\n` +
        `  $ ${HOOKLAKE_COMMAND} query "SELECT * FROM stitch_iterable.data"\n` +
        '\nAgainst the deployed stack (after npm run deploy), add --target aws:\n' +
        `  $ ${HOOKLAKE_COMMAND} --target aws integrations create "Stitch Iterable"\n` +
        `\nEach command has its own help: ${HOOKLAKE_COMMAND} query --help`,
    );
  registerServe(program, io);
  // A group named without a subcommand shows its help, as the program does with no command.
  registerIntegrations(program, io, open);
  registerTokens(program, io, open);
  registerQuery(program, io, open);
  registerRecover(program, io, open);
  registerReplay(program, io, open);
  registerStatus(program, io, open);
  registerConsole(program, io, open);
  for (const group of program.commands.filter((command) => command.commands.length > 0)) {
    // An unknown subcommand gets commander's own refusal, with its "Did you mean ...?" (not in its typings).
    group.allowExcessArguments().action(() => (group.args.length === 0 ? group.help() : (group as unknown as { unknownCommand(): never }).unknownCommand()));
  }
  return program;
}

/**
 * The backend the global options name. Loaded here, not imported: the AWS SDK, dynalite and DuckDB
 * take most of a second to load, and `--help` or a local command must not pay for them.
 */
export function openBackend(options: OpenOptions, io: CliIo): ReturnType<OpenBackend> {
  if (options.target === 'aws') return (require('./aws-backend') as typeof import('./aws-backend')).openAwsBackend(options, io);
  return (require('./local-backend') as typeof import('./local-backend')).openLocalBackend(options.dataDir, { mayCreate: options.mayCreate });
}
