import { CommanderError } from 'commander';
import { HooklakeError } from '../lambdas/core/errors';
import { processIo, type CliIo } from './io';
import { buildProgram } from './program';

/** Runs the CLI; our own errors print as one line with exit code 1, anything else with its stack. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io).exitOverride();
  // No command: the help, and success, as git and npm do.
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof HooklakeError) {
      io.err(`hooklake: ${error.message}`);
      return 1;
    }
    io.err(`hooklake: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}
