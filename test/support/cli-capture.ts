import type { CliIo } from '../../cli/io';
import { runCli } from '../../cli/run';

/** Runs the CLI in this process and keeps what it printed. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (text) => out.push(text), err: (text) => err.push(text) };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

export async function cliJson<T>(...argv: string[]): Promise<T> {
  const result = await cli(...argv, '--json');
  if (result.code !== 0) throw new Error(`hooklake ${argv.join(' ')} failed (${result.code}): ${result.err}`);
  return JSON.parse(result.out) as T;
}
