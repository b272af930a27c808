import type { Command } from 'commander';
import type { Backend } from './backend';
import type { TargetOptions } from './target';

export type OpenBackend = (options: TargetOptions) => Promise<Backend>;

/** Opens the backend named by the global options for one command, and always closes it. */
export async function withBackend<T>(command: Command, open: OpenBackend, work: (backend: Backend) => Promise<T>): Promise<T> {
  const backend = await open(command.optsWithGlobals<TargetOptions>());
  try {
    return await work(backend);
  } finally {
    await backend.close();
  }
}
