import type { Command } from 'commander';
import type { Backend } from './backend';
import type { TargetOptions } from './target';

export interface OpenOptions extends TargetOptions {
  /** Whether the command may start a new local data directory (only creating an integration may). */
  readonly mayCreate?: boolean;
}

export type OpenBackend = (options: OpenOptions) => Promise<Backend>;

/** Opens the backend named by the global options for one command, and always closes it. */
export async function withBackend<T>(
  command: Command,
  open: OpenBackend,
  work: (backend: Backend) => Promise<T>,
  options: { readonly mayCreate?: boolean } = {},
): Promise<T> {
  const backend = await open({ ...command.optsWithGlobals<TargetOptions>(), ...options });
  try {
    return await work(backend);
  } finally {
    await backend.close();
  }
}
